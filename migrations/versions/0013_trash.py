"""The trash: a deleted note's row moves to `trashed_notes` until it is restored,
deleted for good, or purged after TRASH_DAYS.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "trashed_notes",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("tag_names", sa.Text(), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name="fk_trashed_notes_owner_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_trashed_notes"),
    )
    op.create_index(
        "ix_trashed_notes_owner_id_deleted_at_id",
        "trashed_notes",
        ["owner_id", "deleted_at", "id"],
    )
    op.create_index("ix_trashed_notes_deleted_at", "trashed_notes", ["deleted_at"])


def downgrade():
    op.drop_table("trashed_notes")
