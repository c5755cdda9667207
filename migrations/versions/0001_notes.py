"""Notes.

The list is read newest first, ORDER BY updated_at DESC, id DESC, and paged with
keyset cursors on the same pair: ix_notes_updated_at_id serves that order (scanned
backwards) and every page's range condition. AUTOINCREMENT keeps SQLite from
reusing the id of a deleted note; PostgreSQL sequences never reuse one.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_notes"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_notes_updated_at_id", "notes", ["updated_at", "id"])


def downgrade():
    op.drop_index("ix_notes_updated_at_id", table_name="notes")
    op.drop_table("notes")
