"""Search: one function behind /notes/?q= and GET /api/notes?q=, on each database's
own full-text index (migration 0008), ranked by relevance, newest first among
equals, and paged by the list's own cursors and offsets.

SQLite: the FTS5 table `notes_fts`, ranked by bm25 with the title weighted above the
body. PostgreSQL: the generated `search_vector` (title weight A, body B), ranked by
ts_rank; a word of three letters or more is also found inside longer words and in
scripts written without spaces, through the trigram index."""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from sqlalchemy import (
    Double,
    Float,
    Integer,
    Text,
    cast,
    column,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
)
from sqlalchemy import table as sql_table
from sqlalchemy.orm import with_expression

from ..extensions import db
from ..models import Note, NoteTag, User
from ..pagination import Cursor, Keyset, Page, keyset_page, offset_page
from . import tags
from .query import SearchQuery, Term, parse
from .service import notes_query

# bm25's weight of a match in the title against one in the body.
TITLE_WEIGHT = 5.0
# Where the databases mark a match in a snippet: control characters, which no note
# holds (the service refuses them), so that the text between can be escaped safely.
# (PostgreSQL's snippets also hide "<" as one, and marked() restores it.)
MARK, END_MARK = "\x02", "\x03"
HIDDEN_LT = "\x01"
# A word this short is looked for as a word or a word's start only: inside longer
# words it would match nearly everything (and the trigram index needs three), unless
# it is in a script written without spaces, where words are found only inside others.
SUBSTRING_MIN = 3
SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

# Up to this many matches, SQLite's search checks each against its note's owner
# rather than asking its index (see _Sqlite).
FEW_MATCHES = 20_000

# Decodes the cursors of every search: the columns' types are all a cursor needs.
SEARCH_CURSORS = Keyset("notes:search", (literal_column("score", Float), Note.id))


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
    `tag`, if given: the best first, the newest first among equals. Each has its
    `search_snippet` (see `marked`).

    The page is found in the index alone, as ids and scores ordered by the keyset
    (score, id); only the page's notes are then read."""
    engine = _engine(owner, text, tag)
    total = db.session.scalar(engine.hits().with_only_columns(func.count()))
    hits = engine.hits(total)
    order = Keyset("notes:search", (engine.score, engine.id), attributes=("score", "id"))
    if offset is not None:
        page = offset_page(hits, order, offset, limit, total, keys_first=False)
    else:
        page = keyset_page(hits, order, cursor, limit, total, link_previous=link_previous)
    ids = [hit.id for hit in page.items]
    found = {note.id: note for note in db.session.scalars(engine.notes(ids))}
    return Page([found[i] for i in ids if i in found], page.total, page.next, page.previous)


def count_matches(owner: User, text: str, tag: str | None = None) -> int:
    return db.session.scalar(_engine(owner, text, tag).hits().with_only_columns(func.count()))


def _engine(owner: User, text: str, tag: str | None):
    query = parse(text)
    if tag is not None:
        query = SearchQuery(query.text, query.terms, query.excluded, (*query.tags, tag))
    kind = _Postgres if db.engine.dialect.name == "postgresql" else _Sqlite
    return kind(owner, query)


def marked(snippet: str | None) -> Markup:
    """A snippet as the database marked it: escaped, its matches in <mark>."""
    first, *rest = (snippet or "").replace(HIDDEN_LT, "<").split(MARK)
    html = [escape(first)]
    for part in rest:
        inside, _, after = part.partition(END_MARK)
        html.append(Markup("<mark>{}</mark>{}").format(inside, after.replace(END_MARK, "")))
    return Markup("").join(html)


def _carrying(owner: User, names: tuple[str, ...]) -> list:
    """For each tag, the ids of the notes carrying it (an unknown tag: none)."""
    carrying = []
    for name in names:
        found = tags.find_tag(owner, name)
        tag_id = found.id if found is not None else None
        carrying.append(select(NoteTag.note_id).where(NoteTag.tag_id == tag_id))
    return carrying


def _fts_phrase(term: Term) -> str:
    """A term in FTS5's syntax: its words as one quoted phrase (they hold letters and
    digits only, so nothing in them is an operator)."""
    return f'"{" ".join(term.words)}"' + (" *" if term.prefix else "")


class _Sqlite:
    """FTS5: the owner's notes are those whose `owner_id` column holds their id, so
    that matching, counting, ranking and paging all happen in the index.

    But bm25 first counts the rows of every phrase asked for, the owner's id among
    them: with a million notes that costs 35 ms. Where the matches are few, each is
    checked against its note instead (about 2 µs each): 1,744 matches of a million
    notes ranked in 10 ms instead of 43."""

    def __init__(self, owner: User, query: SearchQuery):
        self.owner, self.query = owner, query
        self.fts = sql_table("notes_fts", column("rowid", Integer))
        self.row = literal_column("notes_fts")  # FTS5's name for the whole row
        if query.terms:
            self.id = self.fts.c.rowid
            self.score = -func.bm25(self.row, 0.0, TITLE_WEIGHT, 1.0, type_=Float)
        else:  # tags alone: the tagged notes, newest first
            self.id, self.score = Note.id, literal(0.0, Float)

    def _matching(self, terms, excluded=(), *, owned: bool = True):
        """Notes (of the owner's) whose title or body match all `terms`, none of `excluded`."""
        text = " AND ".join(map(_fts_phrase, terms))
        if excluded:  # flat: each exclusion nested would overflow FTS5's parser
            text = f"({text}) NOT ({' OR '.join(map(_fts_phrase, excluded))})"
        text = f"{{title body}} : ({text})"
        return self.row.op("MATCH")(f'owner_id : "{self.owner.id}" AND {text}' if owned else text)

    def hits(self, total: int | None = None):
        """The matches as (id, score); `total`, if known, is how many there are."""
        tagged = [self.id.in_(notes) for notes in _carrying(self.owner, self.query.tags)]
        if not self.query.terms:
            stmt = notes_query(self.owner).with_only_columns(
                self.id.label("id"), self.score.label("score")
            )
            for term in self.query.excluded:
                matching = self._matching([term])
                stmt = stmt.where(Note.id.not_in(select(self.fts.c.rowid).where(matching)))
            return stmt.where(*tagged)
        columns = (self.id.label("id"), self.score.label("score"))
        if total is not None and total <= FEW_MATCHES:
            mine = notes_query(self.owner).with_only_columns(Note.id).where(Note.id == self.id)
            matching = self._matching(self.query.terms, self.query.excluded, owned=False)
            return select(*columns).select_from(self.fts).where(matching, mine.exists(), *tagged)
        matching = self._matching(self.query.terms, self.query.excluded)
        return select(*columns).select_from(self.fts).where(matching, *tagged)

    def notes(self, ids: list[int]):
        stmt = notes_query(self.owner).where(Note.id.in_(ids))
        if not self.query.terms:
            return stmt.options(with_expression(Note.search_snippet, Note.excerpt))
        snippet = func.snippet(self.row, 2, MARK, END_MARK, "…", 24, type_=Text)
        matching = self._matching(self.query.terms)
        return (
            stmt.join(self.fts, self.fts.c.rowid == Note.id)
            .where(matching)
            .options(with_expression(Note.search_snippet, snippet))
        )


class _Postgres:
    """The generated `search_vector` with its GIN index, and the trigram index for
    parts of words."""

    def __init__(self, owner: User, query: SearchQuery):
        self.owner, self.query = owner, query
        self.vector = literal_column("notes.search_vector")
        self.text = func.notes_unaccent(Note.title.concat(literal_column("' '")).concat(Note.body))
        self.id = Note.id
        if query.terms:
            # As double precision: a cursor must hold the very value compared.
            self.score = cast(func.ts_rank(self.vector, self._any_term()), Double)
        else:
            self.score = literal(0.0, Float)

    @staticmethod
    def _tsquery(*terms: Term):
        """The terms as one tsquery, any of them (its words quoted: they hold letters
        and digits only)."""
        return func.to_tsquery(_CONFIGURATION, " | ".join(map(_tsquery_text, terms)))

    def _any_term(self):
        return self._tsquery(*self.query.terms)

    def _found(self, term: Term):
        found = self.vector.op("@@")(self._tsquery(term))
        spaceless = SPACELESS.search(term.text)
        if not spaceless and (term.quoted or len(term.text) < SUBSTRING_MIN):
            return found
        # Escaped once unaccented: unaccent turns "％" into "%".
        inside = _like_escaped(func.notes_unaccent(term.text))
        return or_(found, self.text.ilike(literal("%") + inside + literal("%")))

    def hits(self, total: int | None = None):
        stmt = notes_query(self.owner).with_only_columns(
            self.id.label("id"), self.score.label("score")
        )
        stmt = stmt.where(*(self._found(term) for term in self.query.terms))
        for term in self.query.excluded:
            stmt = stmt.where(not_(self.vector.op("@@")(self._tsquery(term))))
        return stmt.where(*(Note.id.in_(notes) for notes in _carrying(self.owner, self.query.tags)))

    def notes(self, ids: list[int]):
        stmt = notes_query(self.owner).where(Note.id.in_(ids))
        if not self.query.terms:
            return stmt.options(with_expression(Note.search_snippet, Note.excerpt))
        options = f"StartSel={MARK}, StopSel={END_MARK}, MaxWords=30, MinWords=12"
        # ts_headline drops what looks like an HTML tag: the text is shown as written.
        body = func.replace(Note.body, "<", HIDDEN_LT)
        snippet = func.ts_headline(_CONFIGURATION, body, self._any_term(), options, type_=Text)
        return stmt.options(with_expression(Note.search_snippet, snippet))


# Migration 0008's text search configuration: `simple`'s words, without accents.
_CONFIGURATION = literal_column("'notes_search'")


def _tsquery_text(term: Term) -> str:
    words = [f"'{word}'" for word in term.words]
    if term.prefix:
        words[-1] += ":*"
    return f"({' <-> '.join(words)})"


def _like_escaped(text):
    """`text` (an SQL expression) with LIKE's wildcards and escape character escaped."""
    for special in ("\\", "%", "_"):
        text = func.replace(text, special, "\\" + special)
    return text
