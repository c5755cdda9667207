"""A tag's notes by creation or by title, each on an index of its own: each note's
tag rows copy its time of creation and its title's sort key, as they copy its time
of change (a join through the notes took 1.8 s for a common tag at a million notes).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Compared code point by code point on PostgreSQL too, as SQLite does (as in 0007).
SORT_TITLE = sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql")
INDEXES = {
    "ix_note_tags_tag_id_pinned_created_at_note_id": ["tag_id", "pinned", "created_at", "note_id"],
    "ix_note_tags_tag_id_pinned_sort_title_note_id": ["tag_id", "pinned", "sort_title", "note_id"],
}


def upgrade():
    op.add_column("note_tags", sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "note_tags", sa.Column("sort_title", SORT_TITLE, server_default="", nullable=False)
    )
    op.execute(
        """UPDATE note_tags SET
            created_at = (SELECT created_at FROM notes WHERE notes.id = note_tags.note_id),
            sort_title = (SELECT sort_title FROM notes WHERE notes.id = note_tags.note_id)"""
    )
    # Required once every row has its value (SQLite rebuilds the table for it).
    with op.batch_alter_table("note_tags") as batch:
        batch.alter_column("created_at", existing_type=sa.DateTime(timezone=True), nullable=False)
    for name, columns in INDEXES.items():
        op.create_index(name, "note_tags", columns)
    # The rebuilt table's statistics (SQLite drops them with the table it replaces):
    # without them a tag's page is read by scanning all the tag's rows.
    op.execute("ANALYZE note_tags")


def downgrade():
    for name in INDEXES:
        op.drop_index(name, table_name="note_tags")
    with op.batch_alter_table("note_tags") as batch:
        batch.drop_column("sort_title")
        batch.drop_column("created_at")
