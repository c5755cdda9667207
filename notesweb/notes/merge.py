"""Two changes of one text, made from the same version (the base): combined where they
touch different paragraphs, so that a person who met a newer version on saving is
offered both at once instead of one overwriting the other."""

from __future__ import annotations

from dataclasses import dataclass

from ..exceptions import RevisionNotFound
from ..models import Note, NoteRevision
from .diff import Piece, matched, word_diff
from .revisions import get_revision

PARAGRAPH_BREAK = "\n\n"


def three_way(base: str, mine: str, theirs: str) -> str | None:
    """`base` with both changes, or None where they touch the same paragraph (or
    insert different text at the same place)."""
    if mine == theirs or theirs == base:
        return mine
    if mine == base:
        return theirs
    paragraphs = base.split(PARAGRAPH_BREAK)  # joined back, the same text exactly
    changes = _changes(paragraphs, mine) + _changes(paragraphs, theirs)
    changes = sorted(set(changes), key=lambda change: change[:2])  # the same change once
    reached = -1
    for start, end, _new in changes:
        if start < reached or start == end == reached:
            return None
        reached = max(reached, end)
    merged, at = [], 0
    for start, end, new in changes:
        merged += paragraphs[at:start] + list(new)
        at = end
    merged += paragraphs[at:]
    return PARAGRAPH_BREAK.join(merged)


def _changes(paragraphs: list[str], changed: str) -> list[tuple[int, int, tuple[str, ...]]]:
    """How `changed` differs from `paragraphs`: (start, end, new paragraphs) each."""
    new = changed.split(PARAGRAPH_BREAK)
    return [
        (i1, i2, tuple(new[j1:j2]))
        for op, i1, i2, j1, j2 in matched(paragraphs, new)
        if op != "equal"
    ]


def merge_titles(base: str, mine: str, theirs: str) -> str | None:
    """The title with whichever side changed it, or None if both did, differently."""
    if mine == theirs or theirs == base:
        return mine
    if mine == base:
        return theirs
    return None


@dataclass(frozen=True)
class Offer:
    """What a person who met a newer version on saving is shown: the other change
    against the version they started from (`base`, if the history has it), and both
    changes combined where they can be."""

    theirs: Note
    base: NoteRevision | None
    their_title: list[Piece] | None
    their_body: list[Piece] | None
    combined_title: str | None
    combined_body: str | None


def offer(theirs: Note, started_from: int | None, title: str, body: str) -> Offer:
    base = None
    if started_from is not None and started_from < theirs.version:
        try:
            base = get_revision(theirs, started_from)
        except RevisionNotFound:
            pass  # kept before there was a history, or the note was made anew
    if base is None:
        return Offer(theirs, None, None, None, None, None)
    their_title = word_diff(base.title, theirs.title) if base.title != theirs.title else None
    combined_title = merge_titles(base.title, title, theirs.title)
    combined_body = three_way(base.body, body, theirs.body)
    if combined_title is None or combined_body is None:
        combined_title = combined_body = None
    elif (combined_title, combined_body) in ((title, body), (theirs.title, theirs.body)):
        combined_title = combined_body = None  # nothing to combine: one side holds all
    return Offer(
        theirs, base, their_title, word_diff(base.body, theirs.body), combined_title, combined_body
    )
