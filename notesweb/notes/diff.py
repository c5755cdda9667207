"""What changed between two texts, word by word: lines are matched first (cheap, and
what a person edits), then the words inside each run of changed lines, so that a
word changed in a long paragraph shows as that word, and a 50,000-character body
costs no more than its changed lines."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

# Pairs of lines (or words) compared at most: SequenceMatcher's cost grows with the
# product of the two lengths (8,000 lines of each took 8 s), so past this the middle
# that changed is shown whole, removed and added, as what changed.
WORK_MAX = 250_000
# Words and the spaces between them, each a piece of its own: "Lisbon" is the same
# word before a space, a line break or the end of the text.
WORDS = re.compile(r"\S+|\s+")


@dataclass(frozen=True)
class Piece:
    kind: Literal["same", "added", "removed"]
    text: str


def word_diff(old: str, new: str) -> list[Piece]:
    """`new` as a change of `old`: its pieces in order, each kept, added or removed."""
    before, after = old.splitlines(keepends=True), new.splitlines(keepends=True)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in matched(before, after):
        if op == "equal":
            _add(pieces, "same", "".join(before[i1:i2]))
        elif op == "replace":
            pieces += _words("".join(before[i1:i2]), "".join(after[j1:j2]))
        else:
            _add(pieces, "removed", "".join(before[i1:i2]))
            _add(pieces, "added", "".join(after[j1:j2]))
    return _merged(pieces)


def _words(old: str, new: str) -> list[Piece]:
    before, after = WORDS.findall(old), WORDS.findall(new)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in matched(before, after):
        if op == "equal":
            _add(pieces, "same", "".join(before[i1:i2]))
            continue
        _add(pieces, "removed", "".join(before[i1:i2]))
        _add(pieces, "added", "".join(after[j1:j2]))
    return pieces


def matched(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """SequenceMatcher's opcodes for `a` into `b`, within WORK_MAX: the start and end
    they share are matched first, as a person's edit leaves most of a text."""
    shortest = min(len(a), len(b))
    start = 0
    while start < shortest and a[start] == b[start]:
        start += 1
    end = 0
    while end < shortest - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a_end, b_end = len(a) - end, len(b) - end
    ops = [("equal", 0, start, 0, start)] if start else []
    if (a_end - start) * (b_end - start) <= WORK_MAX:
        middle = SequenceMatcher(None, a[start:a_end], b[start:b_end], autojunk=False)
        ops += [
            (op, i1 + start, i2 + start, j1 + start, j2 + start)
            for op, i1, i2, j1, j2 in middle.get_opcodes()
        ]
    elif a_end > start or b_end > start:
        ops.append(("replace", start, a_end, start, b_end))
    if end:
        ops.append(("equal", a_end, len(a), b_end, len(b)))
    return ops


def _add(pieces: list[Piece], kind, text: str) -> None:
    if text:
        pieces.append(Piece(kind, text))


def _merged(pieces: list[Piece]) -> list[Piece]:
    """Neighbouring pieces of one kind as one."""
    merged: list[Piece] = []
    for piece in pieces:
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = Piece(piece.kind, merged[-1].text + piece.text)
        else:
            merged.append(piece)
    return merged


def changed(pieces: list[Piece]) -> bool:
    return any(piece.kind != "same" for piece in pieces)
