"""The search language, read into terms: words (all must match; the last one also as
the start of a word, for typing), "exact phrases", -excluded words or phrases, and
tag:NAME. Nothing of it reaches a database as syntax: each term is cut into the
words it holds, and the databases are handed those."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..exceptions import FieldError, ValidationError
from ..limits import CONTROL_CHARACTERS

# Also what bounds the number of terms, and so the work of one search.
SEARCH_MAX = 500
# A word as the search indexes cut text: letters and digits of any script.
WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')


@dataclass(frozen=True)
class Term:
    text: str  # as typed, without quotes or its minus
    words: tuple[str, ...]
    phrase: bool = False  # its words must stand together, in order
    quoted: bool = False
    prefix: bool = False  # its last word may be the start of a longer one


@dataclass(frozen=True)
class SearchQuery:
    text: str
    terms: tuple[Term, ...]  # each must match
    excluded: tuple[Term, ...]  # none may
    tags: tuple[str, ...]  # each must be carried


def problem(message: str) -> ValidationError:
    return ValidationError([FieldError("q", message)])


def parse(text: str) -> SearchQuery:
    """The query in `text`. A term without a letter or digit asks nothing and is left
    out; a query left with no term asks for every note (but those excluded). Only
    one longer than SEARCH_MAX is refused (ValidationError)."""
    if len(text) > SEARCH_MAX:
        raise problem(f"Search for at most {SEARCH_MAX} characters (this is {len(text):,}).")
    if CONTROL_CHARACTERS.search(text):
        raise problem("Search for text without control characters.")
    terms, excluded, tags = [], [], []
    for minus, quoted, bare in _TOKEN.findall(text):
        if bare and not minus and bare.lower().startswith("tag:"):
            if name := bare[4:].lstrip("#"):
                tags.append(name)
            continue
        words = tuple(WORD.findall(quoted if quoted else bare))
        if not words:
            continue
        term = Term(quoted or bare, words, phrase=len(words) > 1, quoted=bool(quoted))
        (excluded if minus else terms).append(term)
    if terms and not terms[-1].quoted:
        # The person may still be typing it.
        last = terms[-1]
        terms[-1] = Term(last.text, last.words, phrase=last.phrase, quoted=False, prefix=True)
    return SearchQuery(text, tuple(terms), tuple(excluded), tuple(tags))


def check(text: str) -> tuple[str, str | None]:
    """The query and what is wrong with it, if anything (for the API's schema)."""
    try:
        parse(text)
    except ValidationError as exc:
        return text, exc.errors[0].message
    return text, None
