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

import re
from contextlib import contextmanager
from dataclasses import replace

from markupsafe import Markup, escape
from sqlalchemy import (
    Boolean,
    Integer,
    Text,
    and_,
    cast,
    column,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    text,
    true,
    tuple_,
    union,
)
from sqlalchemy import table as sql_table
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import Note, NoteTag, User
from ..pagination import Cursor, Keyset, Page, keyset_page, offset_page
from . import tags
from .query import SearchQuery, Term, parse
from .service import notes_query
from .snippets import END_MARK, MARK, snippet

# A word this short is looked for as a word or a word's start only: inside longer
# words it would match nearly everything (and the trigram index needs three), unless
# it is in a script written without spaces, where words are found only inside others.
SUBSTRING_MIN = 3
SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

# Matches are counted up to this many; past it a search says "1,000+".
COUNT_CAP = 1_000
# An account with more notes than this has each match of its searches checked
# against its note's owner: asked of the index, its id would be read all along a
# sparse match (26 ms for a title match among a million notes, against 1 ms).
OWNER_IN_INDEX_MAX = 50_000

# A match's tier of relevance: every term in the title, or not.
IN_TITLE, ELSEWHERE = 2, 1
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
    kind = _Postgres if db.engine.dialect.name == "postgresql" else _Sqlite
    return kind(owner, query)


def _counted(hits) -> tuple[int, bool]:
    """How many rows `hits` has, counted up to COUNT_CAP; and whether that is all."""
    capped = hits.limit(COUNT_CAP + 1).subquery()
    count = db.session.scalar(select(func.count()).select_from(capped))
    return min(count, COUNT_CAP), count <= COUNT_CAP


def marked(passage: str | None) -> Markup:
    """A snippet (see notes.snippets): escaped, its matches in <mark>."""
    first, *rest = (passage or "").split(MARK)
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
    """FTS5, walked by rowid (the note's id): the notes with every term in the title
    from the index of titles alone (notes_fts_titles, migration 0009), the others
    from the whole index. Both have the owner's id as a column, and are asked for the
    owner's notes, but for a large account (OWNER_IN_INDEX_MAX)."""

    @staticmethod
    def finds_inside(_term: Term) -> bool:
        return False  # FTS5 finds whole words and their starts

    def __init__(self, owner: User, query: SearchQuery):
        self.owner, self.query = owner, query
        self.fts = sql_table("notes_fts", column("rowid", Integer))
        self.titles = sql_table("notes_fts_titles", column("rowid", Integer))
        self.id = ROWID if query.terms else Note.id
        self.owner_in_index = owner.note_count <= OWNER_IN_INDEX_MAX
        self._phrases: dict[Term, str] = {}

    def _phrase(self, term: Term) -> str:
        """A term in FTS5's syntax. A word being typed past the index's prefix lengths
        is the words it may become, looked up in notes_fts_words (migration 0009): FTS5
        would expand its prefix over the whole index, in each statement. Where none
        is known (none there, or too many), FTS5's prefix has the last word."""
        if term not in self._phrases:
            word = term.words[0]
            if term.prefix and not term.phrase and len(word) > PREFIX_INDEXED:
                if words := _completions(word):
                    self._phrases[term] = f"({' OR '.join(map(_quoted, words))})"
            self._phrases.setdefault(term, _fts_phrase(term))
        return self._phrases[term]

    def _match(self, table, text: str, *unless: str, owned: bool = True):
        """`table`'s notes that match `text` (FTS5's syntax) and none of `unless`; the
        owner's, asked of the index if `owned`."""
        if owned:
            text = f'owner_id : "{self.owner.id}" AND {text}'
        if unless:  # flat: each exclusion nested would overflow FTS5's parser
            text = f"({text}) NOT ({' OR '.join(unless)})"
        return literal_column(table.name).op("MATCH")(text)

    def _excluded(self) -> list[str]:
        return [_in([_fts_phrase(term)]) for term in self.query.excluded]

    def tiers(self) -> tuple[tuple[int, object], ...]:
        if not self.query.terms:
            return ((ELSEWHERE, true()),)
        phrases = [self._phrase(term) for term in self.query.terms]
        in_title = self._rows(self.titles, self._match(self.titles, _in(phrases, "title")))
        matching = self._match(
            self.fts,
            _in(phrases),
            _in(phrases, TITLE),
            *self._excluded(),
            owned=self.owner_in_index,
        )
        return ((IN_TITLE, in_title.where(*self._unwanted(ROWID))), (ELSEWHERE, matching))

    def _unwanted(self, note_id) -> list:
        """That the note `note_id` holds none of the excluded terms, if any."""
        if not (excluded := self._excluded()):
            return []
        unwanted = self._match(self.fts, " OR ".join(excluded), owned=self.owner_in_index)
        return [note_id.not_in(select(self.fts.c.rowid).where(unwanted))]

    def _rows(self, table, matching):
        """The ids of `table`'s matches that are the owner's and carry the query's tags."""
        stmt = select(ROWID.label("id")).select_from(table).where(matching, *self._tagged())
        if self.owner_in_index:
            return stmt
        rowid = literal_column(f"{table.name}.rowid", Integer)
        mine = notes_query(self.owner).with_only_columns(Note.id).where(Note.id == rowid)
        return stmt.where(mine.exists())

    def hits(self):
        """The matches' ids, but for their tier's condition."""
        if self.query.terms:
            return self._rows(self.fts, true())
        stmt = notes_query(self.owner).with_only_columns(self.id.label("id"))
        return stmt.where(*self._unwanted(Note.id), *self._tagged())

    def _tagged(self) -> list:
        return [self.id.in_(notes) for notes in _carrying(self.owner, self.query.tags)]

    def count(self) -> tuple[int, bool]:
        if not self.query.terms:
            return _counted(self.hits())
        phrases = [self._phrase(term) for term in self.query.terms]
        owned = self.owner_in_index
        return _counted(
            self._rows(
                self.fts, self._match(self.fts, _in(phrases), *self._excluded(), owned=owned)
            )
        )


TITLE, BOTH = "{title}", "{title body}"
# The id of an FTS5 table's row: the note's, in the table a statement reads.
ROWID = literal_column("rowid", Integer)
# The lengths of word starts notes_fts indexes (migration 0008's `prefix='2 3'`).
PREFIX_INDEXED = 3
# A word being typed that may become more words than this is left to FTS5's prefix.
COMPLETIONS_MAX = 100
_WORDS = sql_table("notes_fts_words", column("id", Integer), column("word", Text))
_WORDS_INDEX = sql_table("notes_fts_words_index", column("rowid", Integer))


def _completions(start: str) -> list[str] | None:
    """The words of the index that `start` begins (up to COMPLETIONS_MAX; None past it)."""
    matching = literal_column("notes_fts_words_index").op("MATCH")(f'"{start}" *')
    found = select(_WORDS_INDEX.c.rowid).where(matching).limit(COMPLETIONS_MAX + 1)
    words = db.session.scalars(select(_WORDS.c.word).where(_WORDS.c.id.in_(found))).all()
    return list(words) if len(words) <= COMPLETIONS_MAX else None


def prune_words() -> int:
    """Forgets the words no note holds any more (migrations 0009 and 0011), so that
    nothing of a deleted note or account stays; returns how many. It reads the whole
    index: a job for `flask purge`, not for a request."""
    if db.engine.dialect.name == "postgresql":
        return _prune_postgresql_words()
    session = db.session
    session.execute(
        text("CREATE VIRTUAL TABLE temp.notes_fts_terms USING fts5vocab(main, notes_fts, row)")
    )
    try:
        held = select(literal_column("term")).select_from(text("temp.notes_fts_terms"))
        pruned = session.execute(_WORDS.delete().where(_WORDS.c.word.not_in(held))).rowcount
    finally:
        session.execute(text("DROP TABLE temp.notes_fts_terms"))
    session.commit()
    return pruned


# Migration 0011's lock: each write holds it shared while it adds its words.
WORDS_LOCK = 7_260_011
PRUNE_BATCH = 1_000


def _prune_postgresql_words() -> int:
    """The words no note seems to hold, found without a lock by reading every note's
    words once (looking each word up in the text index instead took 36 s for 9,900
    words at 100,000 notes). Each is then looked up again, and deleted, under
    WORDS_LOCK: taken alone, it waits for the writes adding words to end and holds
    new ones back until the deletion is committed, so that a word a note is being
    given is never deleted (the note would then not be found by a part of it)."""
    session, pruned = db.session, 0
    in_title, word = _PG_WORDS.c.in_title, _PG_WORDS.c.word
    held = union(*(_lexemes_of(vector, title) for vector, title in _WORD_SETS)).subquery()
    unheld = (
        select(in_title, word)
        .outerjoin(held, and_(held.c.in_title == in_title, held.c.word == word))
        .where(held.c.word.is_(None))
    )
    gone = [tuple(row) for row in session.execute(unheld)]
    session.commit()
    lexeme = func.replace(func.replace(word, "\\", "\\\\"), "'", "''")
    query = cast(literal("'") + lexeme + literal("'"), TSQUERY)
    in_a_note = or_(
        *(
            and_(in_title == title, select(Note.id).where(vector.bool_op("@@")(query)).exists())
            for vector, title in _WORD_SETS
        )
    )
    for start in range(0, len(gone), PRUNE_BATCH):
        session.execute(select(func.pg_advisory_xact_lock(WORDS_LOCK)))
        batch = tuple_(in_title, word).in_(gone[start : start + PRUNE_BATCH])
        pruned += session.execute(_PG_WORDS.delete().where(batch, ~in_a_note)).rowcount
        session.commit()
    return pruned


def _lexemes_of(vector, in_title: bool):
    words = func.unnest(func.tsvector_to_array(vector)).label("word")
    return select(literal(in_title).label("in_title"), words).select_from(Note)


def _quoted(word: str) -> str:
    """A word of the index as an FTS5 string (they hold letters and digits only)."""
    return f'"{word}"'


def _in(phrases: list[str], columns: str = BOTH) -> str:
    """FTS5's syntax for all of `phrases` found in `columns`."""
    return f"{columns} : ({' AND '.join(phrases)})"


class _Postgres:
    """The generated `search_vector` with its GIN index, titles' words in an index of
    their own; parts of words found among the words of the index, or else in the text
    through the trigram index."""

    def __init__(self, owner: User, query: SearchQuery):
        self.owner, self.query = owner, query
        self.vector = _VECTOR
        self.id = Note.id  # see count()
        self._holding: dict[tuple[Term, bool], list[str] | None] = {}

    @staticmethod
    def _tsquery(term: Term):
        """A term as a tsquery (its words quoted: they hold letters and digits only)."""
        return func.to_tsquery(_CONFIGURATION, _tsquery_text(term))

    @staticmethod
    def finds_inside(term: Term) -> bool:
        """Whether the term is also found inside words."""
        spaceless = SPACELESS.search(term.text)
        # By its words' length, as a snippet marks them ("c++" is the word "c").
        short = len(term.words) == 1 and len(term.words[0]) < SUBSTRING_MIN
        return bool(spaceless) or not (term.quoted or short)

    def _found(self, term: Term, *, title_only: bool = False):
        vector = _TITLE_VECTOR if title_only else self.vector
        query = self._tsquery(term)
        if not self.finds_inside(term):
            return vector.bool_op("@@")(query)
        words = self._words_holding(term, title_only)
        if words:
            # The words holding it, as the index has them (the words it starts too):
            # no note's words are read again for a word's start, and the planner
            # knows how many notes hold them (with the start, it guessed 20 times
            # too many for a rare word, and walked a million notes).
            query = cast(_lexemes(words), TSQUERY)
        found = vector.bool_op("@@")(query)
        # None held, the term as typed may still be a word PostgreSQL cuts otherwise
        # ("km²"); too many, or text without spaces: the text itself.
        return found if words is not None else or_(found, self._in_text(term, title_only))

    @staticmethod
    def _in_text(term: Term, title_only: bool = False):
        """That the note's text holds the term (through the trigram index)."""
        text = Note.title
        if not title_only:
            text = text.concat(literal_column("' '")).concat(Note.body)
        # Escaped once unaccented: unaccent turns "％" into "%".
        inside = _like_escaped(func.notes_unaccent(term.text))
        return func.notes_unaccent(text).ilike(literal("%") + inside + literal("%"))

    def _words_holding(self, term: Term, in_title: bool) -> list[str] | None:
        """The words of the index (of titles alone, `in_title`) that hold a one-word
        term, up to INSIDE_WORDS_MAX words and INSIDE_CHARACTERS_MAX characters; None
        past them (the note's text is searched), and for a term of several words, or
        in a script written without spaces (PostgreSQL takes a run of it as one word,
        and none longer than 2 KB)."""
        if len(term.words) > 1 or SPACELESS.search(term.text):
            return None
        if (term, in_title) not in self._holding:
            part = _like_escaped(func.lower(func.notes_unaccent(term.words[0])))
            unaccented = func.notes_unaccent(_PG_WORDS.c.word)
            holding = unaccented.like(literal("%") + part + literal("%"))
            found = select(_PG_WORDS.c.word).where(_PG_WORDS.c.in_title == in_title, holding)
            words = db.session.scalars(found.limit(INSIDE_WORDS_MAX + 1)).all()
            # Any account may write long words: a tsquery holds at most 1 MB.
            within = len(words) <= INSIDE_WORDS_MAX
            within = within and sum(map(len, words)) <= INSIDE_CHARACTERS_MAX
            self._holding[term, in_title] = list(words) if within else None
        return self._holding[term, in_title]

    def _breadth(self, term: Term) -> int:
        """How many words a note is looked in for the term (all, in its text)."""
        if not self.finds_inside(term):
            return 1
        words = self._words_holding(term, in_title=False)
        return len(words) if words is not None else INSIDE_WORDS_MAX + 1

    def tiers(self) -> tuple[tuple[int, object], ...]:
        if not self.query.terms:
            return ((ELSEWHERE, true()),)
        if (titled := self._titled()) is not None:
            return ((IN_TITLE, Note.id.in_(titled)), (ELSEWHERE, Note.id.not_in(titled)))
        in_title = self._in_title()
        return ((IN_TITLE, in_title), (ELSEWHERE, not_(in_title)))

    def _in_title(self):
        return and_(*(self._found(term, title_only=True) for term in self.query.terms))

    def _titled(self) -> list[int] | None:
        """The ids of the matches with every term in the title, up to TITLED_MAX (None
        past it: so many are walked to, newest first), read through the titles'
        index. The planner cannot tell how many they are (a part of a word may be any
        of hundreds of words), and walking the notes newest first for a title tier
        that holds none reads every note (500 ms at 100,000 notes); through the
        index, a title tier costs as many notes as it holds, up to TITLED_MAX."""
        # The owner's notes picked by owner_id + 0, through no index: the planner
        # would read them all through theirs, guessing that most titles match.
        # A term looked for in the text is looked for through the trigram index: no
        # index holds the titles' text alone.
        in_text = [
            self._in_text(term)
            for term in self.query.terms
            if self.finds_inside(term) and self._words_holding(term, in_title=True) is None
        ]
        mine = select(Note.id).where(
            (Note.owner_id + 0) == self.owner.id, self._in_title(), *in_text
        )
        with _through_indexes():
            ids = db.session.scalars(self._filtered(mine).limit(TITLED_MAX + 1)).all()
        return list(ids) if len(ids) <= TITLED_MAX else None

    def hits(self):
        # The term of fewest words first: PostgreSQL checks a note's terms in the
        # order written, and most notes fail the first (a part of a thousand words
        # is a thousand lookups in each note's words).
        found = (self._found(term) for term in sorted(self.query.terms, key=self._breadth))
        return self._filtered(
            notes_query(self.owner).with_only_columns(self.id.label("id")).where(*found)
        )

    def _filtered(self, stmt):
        """`stmt`'s notes without the excluded terms, with the query's tags."""
        for term in self.query.excluded:
            stmt = stmt.where(not_(self.vector.bool_op("@@")(self._tsquery(term))))
        return stmt.where(*(Note.id.in_(notes) for notes in _carrying(self.owner, self.query.tags)))

    def count(self) -> tuple[int, bool]:
        """The count, which also decides how pages are walked. Few matches are found
        through the text indexes, pages ordered by an expression no index holds:
        walking the notes newest first, PostgreSQL would read each one's text (3 s for
        a rare word at 100,000 notes). Many are found walking the notes newest first,
        which stops once a page is full (3 ms for a word in half of them, against
        680 ms through the indexes, which check every match)."""
        total, exact = _counted(self.hits())
        self.id = Note.id + 0 if exact else Note.id
        return total, exact


# Migration 0008's text search configuration: `simple`'s words, without accents.
_CONFIGURATION = literal_column("'notes_search'::regconfig")
# Migration 0008's generated column: a note's words, those of its title weighed A.
_VECTOR = literal_column("notes.search_vector")
# A title's words, as migration 0011 indexes them.
_TITLE_VECTOR = func.to_tsvector(_CONFIGURATION, Note.title)
# Migration 0011's words of the index: the lexemes of every note's search_vector,
# and of its title's alone (in_title).
_PG_WORDS = sql_table("notes_fts_words", column("in_title", Boolean), column("word", Text))
# The words of the index: a note's, and its title's.
_WORD_SETS = ((_VECTOR, False), (_TITLE_VECTOR, True))
# A title tier of more notes than this is walked to, newest first, not read whole.
TITLED_MAX = 1_000
# A part of more words than this is looked for in the notes' text (their trigrams):
# each word is one more term for every note a search reads.
INSIDE_WORDS_MAX = 5_000
INSIDE_CHARACTERS_MAX = 100_000


@contextmanager
def _through_indexes():
    """The statements run inside read rows through indexes only, by a bitmap of their
    matches: never by walking the table, or an index in order, for a LIMIT the
    planner guessed would come soon. The settings are the transaction's, put back
    after (a statement that fails inside fails the transaction, which undoes them)."""
    session, settings = db.session, ("enable_seqscan", "enable_indexscan")
    were = session.execute(select(*(func.current_setting(name) for name in settings))).one()
    session.execute(select(*(func.set_config(name, "off", True) for name in settings)))
    yield
    session.execute(select(*map(func.set_config, settings, were, (True, True))))


def _tsquery_text(term: Term) -> str:
    """A term as tsquery text: its words one after another, the last one also as a
    word's start if it may be."""
    words = [f"'{word}'" for word in term.words]
    if term.prefix:
        words[-1] += ":*"
    return f"({' <-> '.join(words)})"


def _lexemes(words: list[str]):
    """Any of `words` (lexemes as they are, not cut or changed again) as tsquery text.
    The shortest first: the most common, which end a note's check soonest."""
    quoted = (word.replace("\\", "\\\\").replace("'", "''") for word in sorted(words, key=len))
    return literal(" | ".join(f"'{word}'" for word in quoted))


def _like_escaped(text):
    """`text` (an SQL expression) with LIKE's wildcards and escape character escaped."""
    for special in ("\\", "%", "_"):
        text = func.replace(text, special, "\\" + special)
    return text
