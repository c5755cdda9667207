"""Search on SQLite: FTS5 (migrations 0008 and 0009)."""

from __future__ import annotations

from sqlalchemy import Integer, Text, column, literal_column, select, text, true
from sqlalchemy import table as sql_table

from ...extensions import db
from ...models import Note, User
from ..query import SearchQuery, Term
from ..service import notes_query
from .engine import ELSEWHERE, IN_TITLE, carrying, counted

# An account with more notes than this has each match of its searches checked
# against its note's owner: asked of the index, its id would be read all along a
# sparse match (26 ms for a title match among a million notes, against 1 ms).
OWNER_IN_INDEX_MAX = 50_000


def _fts_phrase(term: Term) -> str:
    """A term in FTS5's syntax: its words as one quoted phrase (they hold letters and
    digits only, so nothing in them is an operator)."""
    return f'"{" ".join(term.words)}"' + (" *" if term.prefix else "")


class Engine:
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
        return [self.id.in_(notes) for notes in carrying(self.owner, self.query.tags)]

    def count(self) -> tuple[int, bool]:
        if not self.query.terms:
            return counted(self.hits())
        phrases = [self._phrase(term) for term in self.query.terms]
        owned = self.owner_in_index
        return counted(
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
    """Forgets the words no note holds any more (migration 0009); returns how many."""
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


def _quoted(word: str) -> str:
    """A word of the index as an FTS5 string (they hold letters and digits only)."""
    return f'"{word}"'


def _in(phrases: list[str], columns: str = BOTH) -> str:
    """FTS5's syntax for all of `phrases` found in `columns`."""
    return f"{columns} : ({' AND '.join(phrases)})"
