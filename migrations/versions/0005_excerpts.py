"""Each note keeps the start of its body as plain text, for lists.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from notesweb.notes.markdown import excerpt

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BATCH = 5_000


def upgrade():
    op.add_column("notes", sa.Column("excerpt", sa.Text(), server_default="", nullable=False))
    connection = op.get_bind()
    notes = sa.table("notes", sa.column("id", sa.Integer), sa.column("body", sa.Text))
    batch = sa.select(notes.c.id, notes.c.body).order_by(notes.c.id).limit(BATCH)
    after = 0
    while rows := connection.execute(batch.where(notes.c.id > after)).all():
        connection.execute(
            sa.text("UPDATE notes SET excerpt = :excerpt WHERE id = :id"),
            [{"id": id_, "excerpt": excerpt(body)} for id_, body in rows],
        )
        after = rows[-1].id


def downgrade():
    # Not in batch mode, which would rebuild `notes` on SQLite (losing AUTOINCREMENT).
    op.drop_column("notes", "excerpt")
