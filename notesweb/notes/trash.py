"""The trash. Deleting a note moves its row from `notes` to `trashed_notes` in one
transaction, so it leaves every list, search, tag and total of live notes at once
(they all read `notes`, whose triggers and kept counts follow it); restoring moves it
back, with its id, its version, its history and its place in the list. After TRASH_DAYS it is
purged: by `flask purge`, and whenever its owner deletes another note."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, insert, select

from ..exceptions import NoteNotFound
from ..extensions import db
from ..limits import ID_MAX
from ..models import Draft, Note, NoteRevision, TrashedNote, User, utcnow
from ..pagination import Cursor, Keyset, Page, keyset_page, offset_page
from . import service, tags
from .service import add_to_note_count

# What a note takes into the trash and back.
KEPT = ("title", "body", "excerpt", "tag_names", "pinned", "created_at", "updated_at", "version")
# Newest deletion first.
ORDER = Keyset("trash", (TrashedNote.deleted_at, TrashedNote.id))


def cutoff() -> datetime:
    """Notes deleted before this are past keeping."""
    return utcnow() - timedelta(days=current_app.config["TRASH_DAYS"])


def purged_at(trashed: TrashedNote) -> datetime:
    return trashed.deleted_at + timedelta(days=current_app.config["TRASH_DAYS"])


def trash_query(owner: User):
    """Every query of the trash starts here: the owner's notes not yet past keeping."""
    return select(TrashedNote).where(
        TrashedNote.owner_id == owner.id, TrashedNote.deleted_at > cutoff()
    )


def trash_note(note: Note) -> None:
    """Deletes the note: into the trash, out of every list, search, tag and total."""
    note_id, owner_id = note.id, note.owner_id
    # The row as it is when it goes (another writer may have changed it since `note`
    # was read), so that its tags' counts stay exact and the trash keeps the latest.
    taken = db.session.execute(
        delete(Note)
        .where(Note.id == note_id, Note.owner_id == owner_id)
        .returning(*(getattr(Note, name) for name in KEPT))
    ).one_or_none()
    if taken is None:
        db.session.rollback()
        raise NoteNotFound(note_id)
    kept = taken._asdict()
    db.session.execute(
        insert(TrashedNote).values(id=note_id, owner_id=owner_id, deleted_at=utcnow(), **kept)
    )
    add_to_note_count(owner_id, -1)
    tags.untag(owner_id, kept["tag_names"].split())
    _purge(TrashedNote.owner_id == owner_id)
    db.session.commit()


def get_trashed(owner: User, note_id: int) -> TrashedNote:
    """A note in the owner's trash; one that is not there is NoteNotFound."""
    found = None
    if 0 < note_id <= ID_MAX:
        found = db.session.scalar(trash_query(owner).where(TrashedNote.id == note_id))
    if found is None:
        raise NoteNotFound(note_id)
    return found


def restore_note(owner: User, note_id: int) -> Note:
    """Takes the note out of the trash, as it was when deleted."""
    kept = _take(owner, note_id)
    note = service.insert_note(owner, kept, note_id)
    db.session.commit()
    return note


def delete_forever(owner: User, note_id: int) -> str:
    """Deletes the note in the owner's trash for good; returns its title."""
    taken = _take(owner, note_id)
    _forget([note_id])
    db.session.commit()
    return taken["title"]


def _take(owner: User, note_id: int) -> dict:
    """Removes the note from the owner's trash and returns what it kept; NoteNotFound
    if it is not there (a second restore or delete at once finds nothing to take)."""
    if not 0 < note_id <= ID_MAX:
        raise NoteNotFound(note_id)
    taken = db.session.execute(
        delete(TrashedNote)
        .where(
            TrashedNote.id == note_id,
            TrashedNote.owner_id == owner.id,
            TrashedNote.deleted_at > cutoff(),
        )
        .returning(*(getattr(TrashedNote, name) for name in KEPT))
    ).one_or_none()
    if taken is None:
        db.session.rollback()
        raise NoteNotFound(note_id)
    return taken._asdict()


def empty_trash(owner: User) -> int:
    """Deletes every note in the owner's trash for good; returns how many."""
    _forget(_ids(TrashedNote.owner_id == owner.id))
    emptied = db.session.execute(
        delete(TrashedNote).where(TrashedNote.owner_id == owner.id)
    ).rowcount
    db.session.commit()
    return emptied


def purge_expired() -> int:
    """Deletes the notes of every account that are past keeping; returns how many."""
    purged = _purge()
    db.session.commit()
    return purged


def _purge(*where) -> int:
    where = (TrashedNote.deleted_at <= cutoff(), *where)
    _forget(_ids(*where))
    return db.session.execute(delete(TrashedNote).where(*where)).rowcount


def _ids(*where):
    return select(TrashedNote.id).where(*where)


def _forget(note_ids) -> None:
    """Notes deleted for good take their history (notes.revisions) and their drafts
    (notes.drafts) with them. Ids are never reused, so theirs name them alone."""
    db.session.execute(delete(NoteRevision).where(NoteRevision.note_id.in_(note_ids)))
    db.session.execute(delete(Draft).where(Draft.note_id.in_(note_ids)))


def count_trash(owner: User) -> int:
    counting = trash_query(owner).with_only_columns(func.count())
    return db.session.scalar(counting)


def list_trash(
    owner: User, cursor: Cursor | None, limit: int, *, link_previous: bool = True
) -> Page[TrashedNote]:
    total = count_trash(owner)
    return keyset_page(trash_query(owner), ORDER, cursor, limit, total, link_previous=link_previous)


def list_trash_by_offset(owner: User, offset: int, limit: int) -> Page[TrashedNote]:
    return offset_page(trash_query(owner), ORDER, offset, limit, count_trash(owner))


def decode_cursor(token: str) -> Cursor:
    return ORDER.decode(token)
