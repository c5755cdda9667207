"""Typed SQLAlchemy 2 models."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_login import UserMixin
from sqlalchemy import DateTime, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship
from sqlalchemy.types import TypeDecorator

from .extensions import db
from .limits import TAG_MAX, TITLE_MAX, TOKEN_NAME_MAX, USER_AGENT_MAX, USERNAME_MAX


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in Python on every database.

    SQLite has no time zones: values are stored as naive UTC and read back aware.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Compared code point by code point on every database (SQLite's own way; PostgreSQL's
# "C"), so that the title order and its cursors agree everywhere.
SORT_TITLE = String(TITLE_MAX).with_variant(String(TITLE_MAX, collation="C"), "postgresql")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = {"sqlite_autoincrement": True}

    # Not columns: the secret of the sign-in session this user was loaded for, and its
    # id. Flask-Login keeps the secret in the session cookie; a deleted session ends it.
    login_secret = None
    login_session_id = None

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(USERNAME_MAX))
    # Casefolded: usernames are unique without regard to case.
    username_key: Mapped[str] = mapped_column(String(USERNAME_MAX), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Exact, kept in the transaction of every write of notes, so that no page counts.
    note_count: Mapped[int] = mapped_column(default=0, server_default="0")

    def get_id(self) -> str | None:
        return self.login_secret

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username!r}>"


class LoginSession(db.Model):
    """One signed-in browser. Logging out deletes it, so a copied cookie dies too; so
    do SESSION_LIFETIME after `created_at` and SESSION_IDLE_TIMEOUT after `last_seen_at`."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Written at most once a minute (see auth.service), not on every request.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    user_agent: Mapped[str] = mapped_column(String(USER_AGENT_MAX), default="", server_default="")

    user: Mapped[User] = relationship()


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(TOKEN_NAME_MAX))
    # Only a hash is kept: the database never holds a usable token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class Note(db.Model):
    __tablename__ = "notes"
    # Each order of a person's list (notes.orders) has its index, which serves it in
    # both directions, pinned notes first. AUTOINCREMENT keeps SQLite from reusing a
    # deleted note's id.
    __table_args__ = (
        Index("ix_notes_owner_id_pinned_updated_at_id", "owner_id", "pinned", "updated_at", "id"),
        Index("ix_notes_owner_id_pinned_created_at_id", "owner_id", "pinned", "created_at", "id"),
        Index("ix_notes_owner_id_pinned_sort_title_id", "owner_id", "pinned", "sort_title", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    owner: Mapped[User] = relationship()
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    # The title as the title order compares it (notes.orders.sort_title), in code-point
    # order on every database.
    sort_title: Mapped[str] = mapped_column(SORT_TITLE, default="", server_default="")
    body: Mapped[str] = mapped_column(Text)
    # The start of the body as plain text (notes.markdown.excerpt), written with it, so
    # that a list shows every note's start without reading or parsing its body.
    excerpt: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Its tags' names, space-separated in order, written with the note (so that reading
    # a note needs no join); the NoteTag rows are what filters and counts use.
    tag_names: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Pinned notes come first in every list. Pinning is not an edit: it changes
    # neither `version` nor `updated_at`.
    pinned: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column()

    # The passage a search (notes.search) found it by, on the notes it finds; not stored.
    search_snippet: Mapped[str | None] = query_expression()

    __mapper_args__ = {"version_id_col": version}

    @property
    def tags(self) -> list[str]:
        return self.tag_names.split()

    def __repr__(self) -> str:
        return f"<Note {self.id} v{self.version}>"


class NoteRevision(db.Model):
    """A version of a note that a later change replaced (notes.revisions): its title and
    body as they were, and when they were written. Keyed by the note's id, not bound to
    its row, so that a note's history goes to the trash and back with it; deleting the
    note for good deletes its history in the same transaction."""

    __tablename__ = "note_revisions"
    __table_args__ = (UniqueConstraint("note_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column()
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Draft(db.Model):
    """What a person is typing in a note form, saved as they type (notes.drafts), so
    that a closed tab or a crash loses nothing; offered back when the form is opened
    again, and gone once the note is saved. `note_id` 0 is the new-note form's."""

    __tablename__ = "drafts"
    __table_args__ = (UniqueConstraint("owner_id", "note_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    note_id: Mapped[int] = mapped_column()
    # As typed: a draft keeps even what the note would refuse (a title too long).
    title: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    # The note's version the form started from, so that a restored draft saved over
    # a newer version meets the merge page instead of replacing it.
    base_version: Mapped[int | None] = mapped_column()
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TrashedNote(db.Model):
    """A deleted note, kept until restored, deleted for good, or purged TRASH_DAYS
    after `deleted_at` (notes.trash). Its row left `notes`, so that no list, search,
    tag or total of live notes holds it; restored, it goes back with the same id."""

    __tablename__ = "trashed_notes"
    __table_args__ = (
        # The trash page, newest deletion first; and the purge, oldest first.
        Index("ix_trashed_notes_owner_id_deleted_at_id", "owner_id", "deleted_at", "id"),
        Index("ix_trashed_notes_deleted_at", "deleted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    body: Mapped[str] = mapped_column(Text)
    excerpt: Mapped[str] = mapped_column(Text)
    tag_names: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column()
    deleted_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def tags(self) -> list[str]:
        return self.tag_names.split()


class Tag(db.Model):
    """One of a person's tags, named as they first wrote it, with how many of their
    notes carry it (kept with every write, so the tag list counts nothing)."""

    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("owner_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(TAG_MAX))
    name: Mapped[str] = mapped_column(String(TAG_MAX))
    note_count: Mapped[int] = mapped_column(default=0, server_default="0")


class NoteTag(db.Model):
    """A note carries a tag. `pinned`, `updated_at`, `created_at` and `sort_title` are
    the note's, copied, so that the tag's indexes serve its notes in each order as the
    notes' indexes serve the whole list."""

    __tablename__ = "note_tags"
    __table_args__ = tuple(
        Index(f"ix_note_tags_tag_id_pinned_{key}_note_id", "tag_id", "pinned", key, "note_id")
        for key in ("updated_at", "created_at", "sort_title")
    )

    note_id: Mapped[int] = mapped_column(
        ForeignKey("notes.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)
    pinned: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sort_title: Mapped[str] = mapped_column(SORT_TITLE, default="", server_default="")
