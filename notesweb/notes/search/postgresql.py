"""Search on PostgreSQL: the generated `search_vector` with its GIN index (migration
0008), titles' words in an index of their own, and the words of the index, kept apart
for finding parts of words (migration 0011)."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import (
    Boolean,
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
    true,
    tuple_,
    union,
)
from sqlalchemy import table as sql_table
from sqlalchemy.dialects.postgresql import TSQUERY

from ...extensions import db
from ...models import Note, User
from ..query import SearchQuery, Term
from ..service import notes_query
from .engine import ELSEWHERE, IN_TITLE, carrying, counted

# A word this short is looked for as a word or a word's start only: inside longer
# words it would match nearly everything (and the trigram index needs three), unless
# it is in a script written without spaces, where words are found only inside others.
SUBSTRING_MIN = 3
SPACELESS = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


class Engine:
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
        return stmt.where(*(Note.id.in_(notes) for notes in carrying(self.owner, self.query.tags)))

    def count(self) -> tuple[int, bool]:
        """The count, which also decides how pages are walked. Few matches are found
        through the text indexes, pages ordered by an expression no index holds:
        walking the notes newest first, PostgreSQL would read each one's text (3 s for
        a rare word at 100,000 notes). Many are found walking the notes newest first,
        which stops once a page is full (3 ms for a word in half of them, against
        680 ms through the indexes, which check every match)."""
        total, exact = counted(self.hits())
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


# Migration 0011's lock: each write holds it shared while it adds its words.
WORDS_LOCK = 7_260_011
PRUNE_BATCH = 1_000


def prune_words() -> int:
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
