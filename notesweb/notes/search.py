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
    Text,
    cast,
    column,
    false,
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

# Decodes the cursors of every search: the score's type is all a cursor needs of it.
SEARCH_CURSORS = Keyset(
    "notes:search", (literal_column("search_score", Float), Note.updated_at, Note.id)
)
_KEY_ATTRIBUTES = ("search_score", "updated_at", "id")


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
    `tag`, if given, best first; each has `search_snippet` (see `marked`)."""
    engine, stmt = _matching(owner, text, tag)
    total = _count(stmt)
    score = engine.score()
    order = Keyset("notes:search", (score, Note.updated_at, Note.id), attributes=_KEY_ATTRIBUTES)
    stmt = stmt.options(
        with_expression(Note.search_score, score),
        with_expression(Note.search_snippet, engine.snippet()),
    )
    if offset is not None:
        return offset_page(stmt, order, offset, limit, total)
    return keyset_page(stmt, order, cursor, limit, total, link_previous=link_previous)


def count_matches(owner: User, text: str, tag: str | None = None) -> int:
    return _count(_matching(owner, text, tag)[1])


def _matching(owner: User, text: str, tag: str | None):
    query = parse(text)
    if tag is not None:
        query = SearchQuery(query.text, query.terms, query.excluded, (*query.tags, tag))
    engine = _Postgres(query) if db.engine.dialect.name == "postgresql" else _Sqlite(query)
    stmt = engine.narrow(notes_query(owner)).where(*_carrying(owner, query.tags))
    return engine, stmt


def _count(stmt) -> int:
    return db.session.scalar(
        select(func.count()).select_from(stmt.with_only_columns(Note.id).subquery())
    )


def marked(snippet: str | None) -> Markup:
    """A snippet as the database marked it: escaped, its matches in <mark>."""
    first, *rest = (snippet or "").replace(HIDDEN_LT, "<").split(MARK)
    html = [escape(first)]
    for part in rest:
        inside, _, after = part.partition(END_MARK)
        html.append(Markup("<mark>{}</mark>{}").format(inside, after.replace(END_MARK, "")))
    return Markup("").join(html)


def _carrying(owner: User, names: tuple[str, ...]) -> list:
    conditions = []
    for name in names:
        found = tags.find_tag(owner, name)
        if found is None:
            return [false()]
        conditions.append(Note.id.in_(select(NoteTag.note_id).where(NoteTag.tag_id == found.id)))
    return conditions


def _fts_phrase(term: Term) -> str:
    """A term in FTS5's syntax: its words as one quoted phrase (they hold letters and
    digits only, so nothing in them is an operator)."""
    return f'"{" ".join(term.words)}"' + (" *" if term.prefix else "")


class _Sqlite:
    def __init__(self, query: SearchQuery):
        self.query = query
        self.fts = sql_table("notes_fts", column("rowid"))
        self.table_column = literal_column("notes_fts")  # FTS5's name for the whole row

    def _matching(self, terms) -> str:
        return " AND ".join(_fts_phrase(term) for term in terms)

    def narrow(self, stmt):
        if self.query.terms:
            stmt = stmt.join(self.fts, self.fts.c.rowid == Note.id).where(
                self.table_column.op("MATCH")(self._matching(self.query.terms))
            )
        if self.query.excluded:
            excluded = select(self.fts.c.rowid).where(
                self.table_column.op("MATCH")(
                    " OR ".join(_fts_phrase(term) for term in self.query.excluded)
                )
            )
            stmt = stmt.where(Note.id.not_in(excluded))
        return stmt

    def score(self):
        if not self.query.terms:
            return literal(0.0, Float)
        return -func.bm25(self.table_column, TITLE_WEIGHT, 1.0, type_=Float)

    def snippet(self):
        if not self.query.terms:
            return Note.excerpt
        return func.snippet(self.table_column, 1, MARK, END_MARK, "…", 24, type_=Text)


class _Postgres:
    def __init__(self, query: SearchQuery):
        self.query = query
        self.vector = literal_column("notes.search_vector")
        self.text = func.notes_unaccent(Note.title.concat(literal_column("' '")).concat(Note.body))

    @staticmethod
    def _tsquery(*terms: Term):
        """The terms as one tsquery, any of them (its words quoted: they hold letters
        and digits only)."""
        return func.to_tsquery(_CONFIGURATION, " | ".join(map(_tsquery_text, terms)))

    def _found(self, term: Term):
        found = self.vector.op("@@")(self._tsquery(term))
        spaceless = SPACELESS.search(term.text)
        if not spaceless and (term.quoted or len(term.text) < SUBSTRING_MIN):
            return found
        inside = "%" + _like_escaped(term.text) + "%"
        return or_(found, self.text.ilike(func.notes_unaccent(inside)))

    def narrow(self, stmt):
        stmt = stmt.where(*(self._found(term) for term in self.query.terms))
        for term in self.query.excluded:
            stmt = stmt.where(not_(self.vector.op("@@")(self._tsquery(term))))
        return stmt

    def _any_term(self):
        return self._tsquery(*self.query.terms)

    def score(self):
        if not self.query.terms:
            return literal(0.0, Float)
        # As double precision: a cursor must hold the very value compared.
        return cast(func.ts_rank(self.vector, self._any_term()), Double)

    def snippet(self):
        if not self.query.terms:
            return Note.excerpt
        options = f"StartSel={MARK}, StopSel={END_MARK}, MaxWords=30, MinWords=12"
        # ts_headline drops what looks like an HTML tag: the text is shown as written.
        body = func.replace(Note.body, "<", HIDDEN_LT)
        return func.ts_headline(_CONFIGURATION, body, self._any_term(), options, type_=Text)


# Migration 0008's text search configuration: `simple`'s words, without accents.
_CONFIGURATION = literal_column("'notes_search'")


def _tsquery_text(term: Term) -> str:
    words = [f"'{word}'" for word in term.words]
    if term.prefix:
        words[-1] += ":*"
    return f"({' <-> '.join(words)})"


def _like_escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
