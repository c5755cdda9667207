"""Search: one function behind /notes/?q= and GET /api/notes?q=, on each database's
own full-text index (migration 0008), and paged by the list's own cursors and offsets.

Relevance is read from each note alone: the notes with every term in the title
first, then the rest; the most recently added first in each tier (by id, the order
the index keeps). So a page is walked
straight from the index, newest first, and stops when it is full, however many notes
match: no search ranks every match (SQLite's bm25
took 770 ms for a word in half of a million notes), and no account's notes weigh on
the order of another's (bm25 counts words across all accounts, and a cursor would
have shown the score). The total is counted up to COUNT_CAP.

SQLite: the FTS5 table `notes_fts`, each tier its own MATCH. PostgreSQL: the
generated `search_vector`, and titles' words in an index of their own; a word of
three letters or more is also found inside longer words, which are looked up among
the words of the index (migration 0011), and text in scripts written without spaces
is searched through its trigrams."""

from __future__ import annotations

from dataclasses import replace

from markupsafe import Markup, escape
from sqlalchemy import Integer, literal_column
from sqlalchemy.orm.attributes import set_committed_value

from ...extensions import db
from ...models import Note, User
from ...pagination import Cursor, Keyset, Page, keyset_page, offset_page
from ..query import SearchQuery, parse
from ..service import notes_query
from ..snippets import END_MARK, MARK, snippet
from . import postgresql, sqlite
from .engine import COUNT_CAP

__all__ = ["COUNT_CAP", "count_matches", "decode_cursor", "marked", "prune_words", "search_notes"]

# A match's tier of relevance (engine.IN_TITLE or ELSEWHERE), the first key of its order.
TIER = literal_column("tier", Integer)
# Decodes the cursors of every search: the key's types are all a cursor needs.
SEARCH_CURSORS = Keyset("notes:found", (Note.id,), first=TIER)


def decode_cursor(token: str) -> Cursor:
    return SEARCH_CURSORS.decode(token)


def search_notes(
    owner: User,
    text: str,
    cursor: Cursor | None,
    limit: int,
    *,
    offset: int | None = None,
    tag: str | None = None,
    link_previous: bool = True,
) -> Page[Note]:
    """The owner's notes that match `text` (in the language of notes.query) and carry
    `tag`, if given: the most relevant first, the newest first among equals. Each has
    its `search_snippet` (see `marked`).

    The page is found in the index alone, as ids walked tier after tier; only the
    page's notes are then read."""
    engine = _engine(owner, text, tag)
    total, exact = engine.count()
    order = replace(
        SEARCH_CURSORS, columns=(engine.id,), attributes=("tier", "id"), levels=engine.tiers()
    )
    if offset is not None:
        page = offset_page(engine.hits(), order, offset, limit, total, keys_first=False)
    else:
        page = keyset_page(engine.hits(), order, cursor, limit, total, link_previous=link_previous)
    ids = [hit.id for hit in page.items]
    found = {n.id: n for n in db.session.scalars(notes_query(owner).where(Note.id.in_(ids)))}
    items = [found[i] for i in ids if i in found]
    for note in items:
        passage = snippet(note.body, engine.query, inside=engine.finds_inside)
        set_committed_value(note, "search_snippet", passage)
    return Page(items, page.total, page.next, page.previous, total_exact=exact)


def count_matches(owner: User, text: str, tag: str | None = None) -> tuple[int, bool]:
    """How many of the owner's notes match, up to COUNT_CAP; and whether that is all."""
    return _engine(owner, text, tag).count()


def _engine(owner: User, text: str, tag: str | None):
    query = parse(text)
    if tag is not None:
        query = SearchQuery(query.text, query.terms, query.excluded, (*query.tags, tag))
    return _database().Engine(owner, query)


def marked(passage: str | None) -> Markup:
    """A snippet (see notes.snippets): escaped, its matches in <mark>."""
    first, *rest = (passage or "").split(MARK)
    html = [escape(first)]
    for part in rest:
        inside, _, after = part.partition(END_MARK)
        html.append(Markup("<mark>{}</mark>{}").format(inside, after.replace(END_MARK, "")))
    return Markup("").join(html)


def prune_words() -> int:
    """Forgets the words no note holds any more (migrations 0009 and 0011), so that
    nothing of a deleted note or account stays; returns how many. It reads the whole
    index: a job for `flask purge`, not for a request."""
    return _database().prune_words()


def _database():
    return postgresql if db.engine.dialect.name == "postgresql" else sqlite
