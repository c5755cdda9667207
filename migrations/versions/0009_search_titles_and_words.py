"""SQLite: titles indexed apart, so that a search finds the notes with its words in
the title without reading every match of the whole index (27 ms for three letters
in a million notes); and every word the search index has held, kept in step by
triggers and indexed by their starts, so that a search finds what a word being typed
may become without FTS5 expanding its prefix over the whole index (35 ms for a word
in half of a million notes). PostgreSQL needs neither: its index weighs titles and
finds a word's start itself.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SQLITE_UP = [
    """CREATE VIRTUAL TABLE notes_fts_titles USING fts5(
        owner_id, title, content='notes', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER notes_fts_titles_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts_titles(rowid, owner_id, title)
        VALUES (new.id, new.owner_id, new.title);
    END""",
    """CREATE TRIGGER notes_fts_titles_delete AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts_titles(notes_fts_titles, rowid, owner_id, title)
        VALUES ('delete', old.id, old.owner_id, old.title);
    END""",
    """CREATE TRIGGER notes_fts_titles_update AFTER UPDATE OF title ON notes BEGIN
        INSERT INTO notes_fts_titles(notes_fts_titles, rowid, owner_id, title)
        VALUES ('delete', old.id, old.owner_id, old.title);
        INSERT INTO notes_fts_titles(rowid, owner_id, title)
        VALUES (new.id, new.owner_id, new.title);
    END""",
    "INSERT INTO notes_fts_titles(notes_fts_titles) VALUES ('rebuild')",
    # The words as the search index takes them (its own tokenizer, so the same case
    # and accents), each once, up to 200 bytes: FTS5 cuts a longer one at 32 KB, even
    # inside a character, and no one types such a word anyway. A note's deletion
    # leaves its words, which then match nothing, until `flask purge` prunes them.
    "CREATE TABLE notes_fts_words (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE)",
    # The words, indexed by their starts: each is one short row, so expanding a
    # prefix here costs as many rows as the words it may become.
    """CREATE VIRTUAL TABLE notes_fts_words_index USING fts5(
        word, content='notes_fts_words', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER notes_fts_words_insert AFTER INSERT ON notes_fts_words BEGIN
        INSERT INTO notes_fts_words_index(rowid, word) VALUES (new.id, new.word);
    END""",
    """CREATE TRIGGER notes_fts_words_delete AFTER DELETE ON notes_fts_words BEGIN
        INSERT INTO notes_fts_words_index(notes_fts_words_index, rowid, word)
        VALUES ('delete', old.id, old.word);
    END""",
    # Where a note's text is cut into words, one note at a time: SQLite's only way to
    # use the tokenizer. It holds nothing between writes.
    """CREATE VIRTUAL TABLE notes_fts_tokenizer USING fts5(
        text, content='', detail='none', columnsize=0,
        tokenize='unicode61 remove_diacritics 2')""",
    "CREATE VIRTUAL TABLE notes_fts_tokenizer_terms USING fts5vocab(notes_fts_tokenizer, row)",
    """CREATE TRIGGER notes_fts_words_of_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts_tokenizer(rowid, text) VALUES (new.id, new.title || ' ' || new.body);
        INSERT OR IGNORE INTO notes_fts_words(word)
            SELECT term FROM notes_fts_tokenizer_terms WHERE length(CAST(term AS BLOB)) <= 200;
        INSERT INTO notes_fts_tokenizer(notes_fts_tokenizer) VALUES ('delete-all');
    END""",
    """CREATE TRIGGER notes_fts_words_of_update AFTER UPDATE OF title, body ON notes BEGIN
        INSERT INTO notes_fts_tokenizer(rowid, text) VALUES (new.id, new.title || ' ' || new.body);
        INSERT OR IGNORE INTO notes_fts_words(word)
            SELECT term FROM notes_fts_tokenizer_terms WHERE length(CAST(term AS BLOB)) <= 200;
        INSERT INTO notes_fts_tokenizer(notes_fts_tokenizer) VALUES ('delete-all');
    END""",
    # The words of the notes already there, read from the search index itself.
    "CREATE VIRTUAL TABLE temp.notes_fts_terms USING fts5vocab(main, notes_fts, col)",
    """INSERT OR IGNORE INTO notes_fts_words(word)
        SELECT DISTINCT term FROM temp.notes_fts_terms
        WHERE col IN ('title', 'body') AND length(CAST(term AS BLOB)) <= 200""",
    "DROP TABLE temp.notes_fts_terms",
]
SQLITE_DOWN = [
    "DROP TRIGGER notes_fts_words_of_update",
    "DROP TRIGGER notes_fts_words_of_insert",
    "DROP TABLE notes_fts_tokenizer_terms",
    "DROP TABLE notes_fts_tokenizer",
    "DROP TRIGGER notes_fts_words_delete",
    "DROP TRIGGER notes_fts_words_insert",
    "DROP TABLE notes_fts_words_index",
    "DROP TABLE notes_fts_words",
    "DROP TRIGGER notes_fts_titles_update",
    "DROP TRIGGER notes_fts_titles_delete",
    "DROP TRIGGER notes_fts_titles_insert",
    "DROP TABLE notes_fts_titles",
]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_DOWN:
            op.execute(statement)
