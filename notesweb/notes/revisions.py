"""History: the versions of a note that later changes replaced (kept by
service.update_note in the same transaction), listed newest first, each with what the
next version changed, and restored as a new version (so a restore can be undone)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..exceptions import RevisionNotFound
from ..extensions import db
from ..limits import ID_MAX
from ..models import Note, NoteRevision
from ..pagination import Cursor, Keyset, Page, keyset_page, offset_page
from . import service
from .diff import Piece, word_diff

# Newest first.
ORDER = Keyset("revisions", (NoteRevision.version,))


def revisions_query(note: Note):
    """Every query of a note's history starts here: its own revisions, the owner's."""
    return select(NoteRevision).where(
        NoteRevision.note_id == note.id, NoteRevision.owner_id == note.owner_id
    )


def count_revisions(note: Note) -> int:
    return db.session.scalar(revisions_query(note).with_only_columns(func.count()))


def list_revisions(
    note: Note, cursor: Cursor | None, limit: int, *, link_previous: bool = True
) -> Page[NoteRevision]:
    total = count_revisions(note)
    return keyset_page(
        revisions_query(note), ORDER, cursor, limit, total, link_previous=link_previous
    )


def list_revisions_by_offset(note: Note, offset: int, limit: int) -> Page[NoteRevision]:
    return offset_page(revisions_query(note), ORDER, offset, limit, count_revisions(note))


def decode_cursor(token: str) -> Cursor:
    return ORDER.decode(token)


def get_revision(note: Note, version: int) -> NoteRevision:
    found = None
    if 0 < version <= ID_MAX:
        found = db.session.scalar(revisions_query(note).where(NoteRevision.version == version))
    if found is None:
        raise RevisionNotFound(note.id, version)
    return found


def restore_revision(note: Note, version: int, *, expected_version: int | None = None) -> Note:
    """The note's text as it was in `version`, saved as a new version; the text it
    replaces goes into the history like any other."""
    revision = get_revision(note, version)
    return service.update_note(
        note, title=revision.title, body=revision.body, expected_version=expected_version
    )


@dataclass(frozen=True)
class Change:
    """What the version after `revision` changed: its title (if changed) and body."""

    revision: NoteRevision
    next_version: int
    next_saved_at: datetime
    title: list[Piece] | None
    body: list[Piece]


def changes(note: Note, page: Page[NoteRevision]) -> list[Change]:
    """Each revision of the page (newest first) with what the version after it changed."""
    newer = _next_after(note, page.items[0].version) if page.items else note
    found = []
    for revision in page.items:
        title = word_diff(revision.title, newer.title) if revision.title != newer.title else None
        body = word_diff(revision.body, newer.body)
        saved_at = newer.saved_at if isinstance(newer, NoteRevision) else note.updated_at
        found.append(Change(revision, newer.version, saved_at, title, body))
        newer = revision
    return found


def _next_after(note: Note, version: int) -> Note | NoteRevision:
    """The version that replaced `version`: a later revision, or the note as it is."""
    later = revisions_query(note).where(NoteRevision.version > version)
    found = db.session.scalar(later.order_by(NoteRevision.version).limit(1))
    return found if found is not None else note
