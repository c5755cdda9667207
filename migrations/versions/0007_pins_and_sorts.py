"""Notes can be pinned, and lists sorted by last change, creation or title: an index
for each order, pinned notes first; the titles already there get their sort keys.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from notesweb.notes.orders import sort_title

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BATCH = 5_000
# Compared code point by code point on PostgreSQL too, as SQLite does.
SORT_TITLE = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")
NOTES_INDEXES = {
    "ix_notes_owner_id_pinned_updated_at_id": ["owner_id", "pinned", "updated_at", "id"],
    "ix_notes_owner_id_pinned_created_at_id": ["owner_id", "pinned", "created_at", "id"],
    "ix_notes_owner_id_pinned_sort_title_id": ["owner_id", "pinned", "sort_title", "id"],
}


def upgrade():
    # Not in batch mode, which would rebuild `notes` on SQLite (losing AUTOINCREMENT).
    op.add_column(
        "notes", sa.Column("pinned", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("notes", sa.Column("sort_title", SORT_TITLE, server_default="", nullable=False))
    op.add_column(
        "note_tags", sa.Column("pinned", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    _sort_titles_of_the_notes_already_there()
    op.drop_index("ix_notes_owner_id_updated_at_id", table_name="notes")
    for name, columns in NOTES_INDEXES.items():
        op.create_index(name, "notes", columns)
    op.drop_index("ix_note_tags_tag_id_updated_at_note_id", table_name="note_tags")
    op.create_index(
        "ix_note_tags_tag_id_pinned_updated_at_note_id",
        "note_tags",
        ["tag_id", "pinned", "updated_at", "note_id"],
    )


def _sort_titles_of_the_notes_already_there():
    connection = op.get_bind()
    notes = sa.table("notes", sa.column("id", sa.Integer), sa.column("title", sa.String))
    batch = sa.select(notes.c.id, notes.c.title).order_by(notes.c.id).limit(BATCH)
    after = 0
    while rows := connection.execute(batch.where(notes.c.id > after)).all():
        connection.execute(
            sa.text("UPDATE notes SET sort_title = :key WHERE id = :id"),
            [{"id": id_, "key": sort_title(title)} for id_, title in rows],
        )
        after = rows[-1].id


def downgrade():
    op.drop_index("ix_note_tags_tag_id_pinned_updated_at_note_id", table_name="note_tags")
    op.create_index(
        "ix_note_tags_tag_id_updated_at_note_id", "note_tags", ["tag_id", "updated_at", "note_id"]
    )
    for name in NOTES_INDEXES:
        op.drop_index(name, table_name="notes")
    op.create_index("ix_notes_owner_id_updated_at_id", "notes", ["owner_id", "updated_at", "id"])
    op.drop_column("note_tags", "pinned")
    op.drop_column("notes", "sort_title")
    op.drop_column("notes", "pinned")
