"""Notes: the rules and the queries. HTML and API views both call these and only these."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import abort
from sqlalchemy import delete, select
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..limits import BODY_MAX, ID_MAX, TITLE_MAX
from ..models import Note, utcnow
from ..pagination import Cursor, Keyset, Page, count, keyset_page, offset_page

NOTES_ORDER = Keyset("notes", (Note.updated_at, Note.id))

# Control characters other than tab, newline and carriage return, and lone
# surrogates (JSON can carry them; no database can store them).
_FORBIDDEN_IN_BODY = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_FORBIDDEN_IN_TITLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationError(Exception):
    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class VersionConflict(Exception):
    """The note changed since the version the writer started from."""

    def __init__(self, current: Note):
        super().__init__(f"note {current.id} is at version {current.version}")
        self.current = current


def clean_title(raw: str) -> tuple[str, str | None]:
    title = raw.strip()
    if not title:
        return title, "Title is required."
    if len(title) > TITLE_MAX:
        return title, f"Title must be at most {TITLE_MAX} characters (it has {len(title)})."
    if _FORBIDDEN_IN_TITLE.search(title):
        return title, "Title must be a single line without control characters."
    return title, None


def clean_body(raw: str) -> tuple[str, str | None]:
    # Browsers send CRLF; count and store the text as the person sees it.
    body = raw.replace("\r\n", "\n")
    if len(body) > BODY_MAX:
        return body, f"Body must be at most {BODY_MAX:,} characters (it has {len(body):,})."
    if _FORBIDDEN_IN_BODY.search(body):
        return body, "Body must not contain control characters other than tabs and newlines."
    return body, None


def clean(title: str | None, body: str | None) -> dict[str, str]:
    """Trimmed, normalised fields that were given; ValidationError lists every problem."""
    changes, errors = {}, []
    for field, raw, cleaner in (("title", title, clean_title), ("body", body, clean_body)):
        if raw is None:
            continue
        value, problem = cleaner(raw)
        if problem:
            errors.append(FieldError(field, problem))
        changes[field] = value
    if errors:
        raise ValidationError(errors)
    return changes


def get_note_or_404(note_id: int) -> Note:
    """The one lookup: a note that does not exist (or is not yours) is a 404."""
    note = db.session.get(Note, note_id) if 0 < note_id <= ID_MAX else None
    if note is None:
        abort(404, description=f"There is no note {note_id}.")
    return note


def create_note(title: str, body: str = "") -> Note:
    fields = clean(title, body)
    now = utcnow()
    note = Note(title=fields["title"], body=fields["body"], created_at=now, updated_at=now)
    db.session.add(note)
    db.session.commit()
    return note


def update_note(
    note: Note,
    *,
    title: str | None = None,
    body: str | None = None,
    expected_version: int | None = None,
) -> Note:
    fields = clean(title, body)
    if expected_version is not None and expected_version != note.version:
        raise VersionConflict(note)
    if all(getattr(note, name) == value for name, value in fields.items()):
        return note
    for name, value in fields.items():
        setattr(note, name, value)
    note.updated_at = utcnow()
    try:
        db.session.commit()
    except StaleDataError:
        # Another writer committed between our read and our write.
        db.session.rollback()
        raise VersionConflict(get_note_or_404(note.id)) from None
    return note


def delete_note(note: Note) -> None:
    result = db.session.execute(delete(Note).where(Note.id == note.id))
    db.session.commit()
    if result.rowcount == 0:
        abort(404, description=f"There is no note {note.id}.")


def notes_query():
    return select(Note)


def count_notes() -> int:
    return count(notes_query())


def list_notes(cursor: Cursor | None, limit: int) -> Page[Note]:
    return keyset_page(notes_query(), NOTES_ORDER, cursor, limit)


def list_notes_by_offset(offset: int, limit: int) -> Page[Note]:
    return offset_page(notes_query(), NOTES_ORDER, offset, limit)


def decode_cursor(token: str) -> Cursor:
    return NOTES_ORDER.decode(token)
