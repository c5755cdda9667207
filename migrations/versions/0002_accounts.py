"""Accounts: users, their browser sessions and API tokens; every note gets an owner.

A database that already holds notes needs the name of the account they go to:

    flask --app notesweb db upgrade -x owner=NAME
    (or NOTESWEB_NOTES_OWNER=NAME flask --app notesweb db upgrade)

The account is created if it does not exist, without a usable password; give it one
with `flask --app notesweb user set-password NAME`.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import os
import re
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# No password hash matches this, so the account cannot sign in until one is set.
UNUSABLE_PASSWORD = "!"


def upgrade():
    # Asked before any change: SQLite cannot roll back a half-done migration.
    owner = _owner_of_existing_notes()
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("username_key", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("username_key", name="uq_users_username_key"),
        sqlite_autoincrement=True,
    )
    for table in ("login_sessions", "api_tokens"):
        extra = (
            [
                sa.Column("name", sa.String(length=100), nullable=False),
                sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
                sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
            ]
            if table == "api_tokens"
            else []
        )
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
            sa.Column("token_hash", sa.String(length=64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            *extra,
            sa.ForeignKeyConstraint(
                ["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
            sa.UniqueConstraint("token_hash", name=f"uq_{table}_token_hash"),
        )
        op.create_index(f"ix_{table}_user_id", table, ["user_id"])

    with op.batch_alter_table("notes") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
    if owner is not None:
        _give_existing_notes_to(owner)

    sequence = _sqlite_sequence()
    # SQLite rebuilds the table here; keep AUTOINCREMENT and the ids already handed out.
    with op.batch_alter_table("notes", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.alter_column("owner_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(
            "fk_notes_owner_id_users", "users", ["owner_id"], ["id"], ondelete="CASCADE"
        )
        batch.drop_index("ix_notes_updated_at_id")
        batch.create_index("ix_notes_owner_id_updated_at_id", ["owner_id", "updated_at", "id"])
    _restore_sqlite_sequence(sequence)


def downgrade():
    sequence = _sqlite_sequence()
    with op.batch_alter_table("notes", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_index("ix_notes_owner_id_updated_at_id")
        batch.create_index("ix_notes_updated_at_id", ["updated_at", "id"])
        batch.drop_constraint("fk_notes_owner_id_users", type_="foreignkey")
        batch.drop_column("owner_id")
    _restore_sqlite_sequence(sequence)
    for table in ("api_tokens", "login_sessions"):
        op.drop_index(f"ix_{table}_user_id", table_name=table)
        op.drop_table(table)
    op.drop_table("users")


def _owner_of_existing_notes():
    """The account name for the notes already here; None when there are none."""
    if op.get_bind().execute(sa.text("SELECT count(*) FROM notes")).scalar() == 0:
        return None
    name = context.get_x_argument(as_dictionary=True).get("owner") or os.environ.get(
        "NOTESWEB_NOTES_OWNER"
    )
    if not name or not name.strip():
        raise RuntimeError(
            "This database holds notes: name the account they go to with "
            "`flask --app notesweb db upgrade -x owner=NAME` (or NOTESWEB_NOTES_OWNER=NAME)."
        )
    name = name.strip()
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,40}", name):
        raise RuntimeError(
            f"{name!r} cannot be a username: up to 40 letters a-z, digits, dots, dashes "
            "and underscores."
        )
    return name


def _give_existing_notes_to(name):
    connection = op.get_bind()
    key = name.lower()
    owner_id = connection.execute(
        sa.text("SELECT id FROM users WHERE username_key = :key"), {"key": key}
    ).scalar()
    if owner_id is None:
        connection.execute(
            sa.text(
                "INSERT INTO users (username, username_key, password_hash, created_at) "
                "VALUES (:name, :key, :hash, :now)"
            ),
            {"name": name, "key": key, "hash": UNUSABLE_PASSWORD, "now": _now(connection)},
        )
        owner_id = connection.execute(
            sa.text("SELECT id FROM users WHERE username_key = :key"), {"key": key}
        ).scalar()
    connection.execute(sa.text("UPDATE notes SET owner_id = :owner"), {"owner": owner_id})


def _now(connection):
    now = datetime.now(UTC)
    # SQLite keeps naive UTC text, the way the app's UTCDateTime type writes it.
    return now.strftime("%Y-%m-%d %H:%M:%S.%f") if connection.dialect.name == "sqlite" else now


def _sqlite_sequence():
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        return None
    return connection.execute(
        sa.text("SELECT seq FROM sqlite_sequence WHERE name = 'notes'")
    ).scalar()


def _restore_sqlite_sequence(sequence):
    if sequence is None:
        return
    connection = op.get_bind()
    updated = connection.execute(
        sa.text("UPDATE sqlite_sequence SET seq = :seq WHERE name = 'notes' AND seq < :seq"),
        {"seq": sequence},
    )
    exists = connection.execute(
        sa.text("SELECT 1 FROM sqlite_sequence WHERE name = 'notes'")
    ).scalar()
    if not updated.rowcount and not exists:
        connection.execute(
            sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('notes', :seq)"),
            {"seq": sequence},
        )
