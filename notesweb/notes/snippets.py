"""A search result's snippet: the passage of a note's body where the query's words
are thickest, cut from the text the page already holds (the same on both databases,
and no second trip to the index), its matches marked for `search.marked`."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from itertools import accumulate, islice

from .query import WORD, SearchQuery, Term

# Where a snippet marks a match: control characters, which no note holds (the service
# refuses them), so that the text between can be escaped safely.
MARK, END_MARK = "\x02", "\x03"
# A snippet's length in words, and how many come before its first match.
WIDTH, LEAD = 24, 4
# Past this many characters a body is not read for a snippet (a note may hold 100,000).
READ_MAX = 20_000
# How many of a query's terms are marked, and how many places of each are read.
TERMS_MARKED, HITS_READ = 16, 200
HITS_WEIGHED = 50
# A snippet's length in characters, and the most of it one word may take.
CHARACTERS_MAX, LONG = 300, 80


def _never(_term: Term) -> bool:
    return False


def fold(text: str) -> str:
    """`text` as the search indexes compare it: without case or accents."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def snippet(body: str, query: SearchQuery, *, inside: Callable[[Term], bool] = _never) -> str:
    """The body's passage of WIDTH words with the most of the query's terms, with an
    ellipsis where it is cut; a term the database also finds `inside` words is
    marked inside them too."""
    text = body[:READ_MAX]
    if text.isascii():  # folding keeps every word as it was, but for its case
        folded = WORD.findall(text.lower())
    else:
        folded = [fold(word) for word in WORD.findall(text)]
    found: list[Term | None] = [None] * len(folded)  # the term each word is part of
    lines = Lines(folded)
    # Each term once, and the first few: a query may hold hundreds.
    for term in list(dict.fromkeys(query.terms))[:TERMS_MARKED]:
        *whole, last = [fold(word) for word in term.words]
        for end in lines.ending(last, term.prefix, inside(term) and not whole)[:HITS_READ]:
            start = end - len(whole)
            if start >= 0 and folded[start:end] == whole:
                found[start : end + 1] = [term] * (len(whole) + 1)
    start = 0
    # The first matches are enough to choose from (a common word may match thousands).
    if hits := [i for i, term in enumerate(found) if term is not None][:HITS_WEIGHED]:
        best = max(hits, key=lambda i: (len({t for t in found[i : i + WIDTH] if t}), -i))
        start = max(best - LEAD, 0)
    window = list(islice(WORD.finditer(text), start, start + WIDTH))
    if not window:
        return body[:200]
    parts, cursor = ["…" if start else ""], window[0].start() if start else 0
    length = 0
    for i, word in enumerate(window, start):
        between = body[cursor : word.start()][:LONG]
        # A word of a script written without spaces may be a whole sentence.
        written = word.group() if len(word.group()) <= LONG else word.group()[:LONG] + "…"
        parts += [between, f"{MARK}{written}{END_MARK}" if found[i] is not None else written]
        cursor, length = word.end(), length + len(between) + len(written)
        if length > CHARACTERS_MAX:
            break
    rest = body[cursor:]
    parts.append("…" if WORD.search(body, cursor) or len(rest) > LONG else rest)
    return "".join(parts)


class Lines:
    """Folded words, one a line, searched by regular expressions rather than one by
    one (a body may hold thousands)."""

    def __init__(self, folded: list[str]):
        self.text = "\n".join(folded)
        # Where each word starts in `text`: the lengths before it, and a line break each.
        self.starts = [0, *(end + i for i, end in enumerate(accumulate(map(len, folded)), 1))]

    def ending(self, word: str, prefix: bool, inside: bool) -> list[int]:
        """The indexes of the words that are `word` (or start with it, or hold it)."""
        pattern = re.escape(word)
        if not inside:
            pattern = "^" + pattern + ("" if prefix else "$")
        found = re.finditer(pattern, self.text, re.MULTILINE)
        return [bisect_right(self.starts, match.start()) - 1 for match in found]
