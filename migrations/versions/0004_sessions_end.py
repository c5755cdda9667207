"""Sign-in sessions end and can be seen: each keeps when it was last seen (for the
idle timeout) and the browser it was made in.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "login_sessions",
        sa.Column("user_agent", sa.String(512), server_default="", nullable=False),
    )
    op.add_column("login_sessions", sa.Column("last_seen_at", sa.DateTime(timezone=True)))
    # A session signed in before this revision was last seen, as far as is known, then.
    op.execute("UPDATE login_sessions SET last_seen_at = created_at")
    # On SQLite this copies `login_sessions`; no other table refers to it.
    with op.batch_alter_table("login_sessions") as batch:
        batch.alter_column("last_seen_at", existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table("login_sessions") as batch:
        batch.drop_column("last_seen_at")
        batch.drop_column("user_agent")
