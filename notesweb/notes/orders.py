"""The orders a list of notes can take (`?sort=`), each a keyset on its own index,
with pinned notes first in every one."""

from __future__ import annotations

import unicodedata

from ..limits import TITLE_MAX
from ..models import Note, NoteTag
from ..pagination import Cursor, Keyset

# The parameter's values, as the sort control names them.
SORTS = {"updated": "Last changed", "created": "Created", "title": "Title"}
DEFAULT_SORT = "updated"

ORDERS = {
    "updated": Keyset("notes:updated", (Note.updated_at, Note.id), first=Note.pinned),
    "created": Keyset("notes:created", (Note.created_at, Note.id), first=Note.pinned),
    "title": Keyset("notes:title", (Note.sort_title, Note.id), ascending=True, first=Note.pinned),
}
# A tag's notes, read through the tag's own indexes (the same cursors).
TAGGED = {
    "updated": Keyset(
        "notes:updated",
        (NoteTag.updated_at, NoteTag.note_id),
        first=NoteTag.pinned,
        attributes=("pinned", "updated_at", "id"),
    ),
    "created": Keyset(
        "notes:created",
        (NoteTag.created_at, NoteTag.note_id),
        first=NoteTag.pinned,
        attributes=("pinned", "created_at", "id"),
    ),
    "title": Keyset(
        "notes:title",
        (NoteTag.sort_title, NoteTag.note_id),
        ascending=True,
        first=NoteTag.pinned,
        attributes=("pinned", "sort_title", "id"),
    ),
}


def sort_title(title: str) -> str:
    """The title as the title order compares it: without case or accents, so that
    "Éclair" sorts beside "eclair" on every database."""
    decomposed = unicodedata.normalize("NFKD", title.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))[:TITLE_MAX]


def decode_cursor(token: str, sort: str = DEFAULT_SORT) -> Cursor:
    return ORDERS[sort].decode(token)
