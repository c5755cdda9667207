"""Each account keeps the exact number of its notes, so no list has to count them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "users", sa.Column("note_count", sa.Integer(), server_default="0", nullable=False)
    )
    op.execute(
        "UPDATE users SET note_count = (SELECT count(*) FROM notes WHERE notes.owner_id = users.id)"
    )


def downgrade():
    # Not in batch mode: on SQLite that copies and drops `users`, and dropping it
    # would cascade to every note.
    op.drop_column("users", "note_count")
