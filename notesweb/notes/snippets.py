"""A search result's snippet: the passage of a note's body where the query's words
are thickest, cut from the text the page already holds (the same on both databases,
and no second trip to the index), its matches marked for `search.marked`."""

from __future__ import annotations

import unicodedata

from .query import WORD, SearchQuery, Term

# Where a snippet marks a match: control characters, which no note holds (the service
# refuses them), so that the text between can be escaped safely.
MARK, END_MARK = "\x02", "\x03"
# A snippet's length in words, and how many come before its first match.
WIDTH, LEAD = 24, 4
# Past this many characters a body is not read for a snippet (a note may hold 100,000).
READ_MAX = 20_000


def fold(text: str) -> str:
    """`text` as the search indexes compare it: without case or accents."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def snippet(body: str, query: SearchQuery, *, inside_words: bool = False) -> str:
    """The body's passage of WIDTH words with the most of the query's terms, with an
    ellipsis where it is cut; `inside_words` also marks a term found inside a word."""
    words = list(WORD.finditer(body[:READ_MAX]))
    folded = [fold(word.group()) for word in words]
    found: list[Term | None] = [None] * len(words)  # the term each word is part of
    for term in query.terms:
        *whole, last = wanted = [fold(word) for word in term.words]
        first = len(whole)  # where the last word is, from a match's start
        for i, word in enumerate(folded[first:]):
            if not (
                word == last
                or (term.prefix and word.startswith(last))
                or (inside_words and not whole and last in word)
            ):
                continue
            if folded[i : first + i] == whole:
                found[i : i + len(wanted)] = [term] * len(wanted)
    start = 0
    if hits := [i for i, term in enumerate(found) if term is not None]:
        best = max(hits, key=lambda i: (len({t for t in found[i : i + WIDTH] if t}), -i))
        start = max(best - LEAD, 0)
    window = range(start, min(start + WIDTH, len(words)))
    if not window:
        return body[:200]
    parts, cursor = ["…" if start else ""], words[start].start() if start else 0
    for i in window:
        parts.append(body[cursor : words[i].start()])
        text = words[i].group()
        parts.append(f"{MARK}{text}{END_MARK}" if found[i] is not None else text)
        cursor = words[i].end()
    parts.append("…" if WORD.search(body, cursor) else body[cursor:])
    return "".join(parts)
