"""#tags: each person's tags with their counts, which notes carry them, and each
note's tag names; the notes already there are read for theirs.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from notesweb.notes.tags import find_tags

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 5_000


def upgrade():
    tags = op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("note_count", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name="fk_tags_owner_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tags"),
        sa.UniqueConstraint("owner_id", "key", name="uq_tags_owner_id"),
    )
    note_tags = op.create_table(
        "note_tags",
        sa.Column("note_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["note_id"], ["notes.id"], name="fk_note_tags_note_id_notes", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name="fk_note_tags_tag_id_tags", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("note_id", "tag_id", name="pk_note_tags"),
    )
    op.create_index(
        "ix_note_tags_tag_id_updated_at_note_id", "note_tags", ["tag_id", "updated_at", "note_id"]
    )
    op.add_column("notes", sa.Column("tag_names", sa.Text(), server_default="", nullable=False))
    _tag_the_notes_already_there(tags, note_tags)


def _tag_the_notes_already_there(tags, note_tags):
    connection = op.get_bind()
    notes = sa.table(
        "notes",
        *(sa.column(name) for name in ("id", "owner_id", "title", "body")),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    known: dict[tuple[int, str], int] = {}  # (owner, key) -> tag id
    first_written: dict[int, str] = {}  # tag id -> name
    counts: dict[int, int] = {}
    batch = sa.select(notes).order_by(notes.c.id).limit(BATCH)
    after = 0
    while rows := connection.execute(batch.where(notes.c.id > after)).all():
        links, names = [], []
        for row in rows:
            found = find_tags(row.title, row.body)
            for key, name in found.items():
                if (row.owner_id, key) not in known:
                    known[row.owner_id, key] = connection.execute(
                        sa.insert(tags)
                        .values(owner_id=row.owner_id, key=key, name=name)
                        .returning(tags.c.id)
                    ).scalar_one()
                tag_id = known[row.owner_id, key]
                first_written.setdefault(tag_id, name)
                counts[tag_id] = counts.get(tag_id, 0) + 1
                links.append({"note_id": row.id, "tag_id": tag_id, "updated_at": row.updated_at})
            if found:
                named = (first_written[known[row.owner_id, key]] for key in sorted(found))
                names.append({"id": row.id, "names": " ".join(named)})
        if links:
            connection.execute(sa.insert(note_tags), links)
        if names:
            connection.execute(sa.text("UPDATE notes SET tag_names = :names WHERE id = :id"), names)
        after = rows[-1].id
    if counts:
        connection.execute(
            sa.text("UPDATE tags SET note_count = :count WHERE id = :id"),
            [{"id": tag_id, "count": count} for tag_id, count in counts.items()],
        )


def downgrade():
    # Not in batch mode, which would rebuild `notes` on SQLite (losing AUTOINCREMENT).
    op.drop_column("notes", "tag_names")
    op.drop_index("ix_note_tags_tag_id_updated_at_note_id", table_name="note_tags")
    op.drop_table("note_tags")
    op.drop_table("tags")
