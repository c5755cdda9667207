"""Two changes of one text, made from the same version (the base): combined where they
touch different paragraphs, so that a person who met a newer version on saving is
offered both at once instead of one overwriting the other."""

from __future__ import annotations

from difflib import SequenceMatcher

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
    matcher = SequenceMatcher(None, paragraphs, new, autojunk=False)
    return [
        (i1, i2, tuple(new[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal"
    ]


def merge_titles(base: str, mine: str, theirs: str) -> str | None:
    """The title with whichever side changed it, or None if both did, differently."""
    if mine == theirs or theirs == base:
        return mine
    if mine == base:
        return theirs
    return None
