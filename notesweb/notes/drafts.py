"""Drafts: what a person types in a note form, saved as they type (debounced, by
htmx) without making a version, so that a closed tab, a crash or a lost connection
loses nothing. One per form: a note's edit form, or the new-note form (NEW_NOTE). The
form offers it back when opened again; saving the note discards it."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from ..exceptions import FieldError, ValidationError
from ..extensions import db
from ..limits import BODY_MAX
from ..models import Draft, Note, User, utcnow

NEW_NOTE = 0


def _form_id(note: Note | None) -> int:
    return note.id if note is not None else NEW_NOTE


def save_draft(
    owner: User, note: Note | None, title: str, body: str, base_version: int | None
) -> Draft:
    """Keeps what the form holds, as typed: even what the note itself would refuse,
    but for text no note could ever hold."""
    problems = [
        FieldError(name, f"{name.capitalize()} is too long to keep as a draft.")
        for name, text in (("title", title), ("body", body))
        if len(text) > BODY_MAX
    ] + [
        FieldError(name, f"{name.capitalize()} holds a NUL character.")
        for name, text in (("title", title), ("body", body))
        if "\x00" in text
    ]
    if problems:
        raise ValidationError(problems)
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    values = {"title": title, "body": body, "base_version": base_version, "saved_at": utcnow()}
    upsert = dialect.insert(Draft).values(owner_id=owner.id, note_id=_form_id(note), **values)
    db.session.execute(
        upsert.on_conflict_do_update(index_elements=["owner_id", "note_id"], set_=values)
    )
    db.session.commit()
    return find_draft(owner, note)


def find_draft(owner: User, note: Note | None) -> Draft | None:
    mine = select(Draft).where(Draft.owner_id == owner.id, Draft.note_id == _form_id(note))
    return db.session.scalar(mine)


def draft_to_offer(owner: User, note: Note | None) -> Draft | None:
    """The form's draft, if it holds something the note does not."""
    draft = find_draft(owner, note)
    if draft is None:
        return None
    if note is None:
        return draft if (draft.title.strip() or draft.body.strip()) else None
    return draft if (draft.title, draft.body) != (note.title, note.body) else None


def discard_draft(owner: User, note: Note | None) -> None:
    mine = delete(Draft).where(Draft.owner_id == owner.id, Draft.note_id == _form_id(note))
    db.session.execute(mine)
    db.session.commit()
