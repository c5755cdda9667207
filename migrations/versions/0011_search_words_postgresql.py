"""PostgreSQL: titles' words indexed apart; and every word the search index holds,
kept in step by triggers, with a trigram index, so that a search finds the words a
part of a word is inside in this short table, and then the notes holding them
through the text index. Asked of the notes' trigram index instead, a rare word
rechecked thousands of notes' whole text for it (300 ms, three times a search, at
100,000 notes). SQLite needs nothing: its index finds no part of a word but a word's
start (migration 0009 keeps its words).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Taken shared by each write and alone by `flask purge` while it forgets words, so
# that it never forgets one a note being written holds (notesweb.notes.search).
WORDS_LOCK = 7_260_011

# A note's words: its search_vector's lexemes (already in lower case and without
# accents), and its title's apart (in_title).
WORDS = """SELECT false, unnest(tsvector_to_array(search_vector)) FROM {notes}
    UNION SELECT true, unnest(tsvector_to_array(
        to_tsvector('notes_search'::regconfig, title))) FROM {notes}"""
# A statement's rows' words, once and in one order: two writers adding the same new
# words wait for each other in the same order, never in a circle.
ADD = f"""INSERT INTO notes_fts_words (in_title, word)
    {WORDS.format(notes="written")} ORDER BY 1, 2
    ON CONFLICT DO NOTHING"""

POSTGRESQL_UP = [
    # A note's deletion leaves its words, which then match nothing, until `flask purge`.
    """CREATE TABLE notes_fts_words (
        in_title boolean NOT NULL, word text NOT NULL, PRIMARY KEY (in_title, word))""",
    # Without accents: a word with digits in it keeps its own ("größe2").
    """CREATE INDEX ix_notes_fts_words_trigrams ON notes_fts_words
        USING gin (notes_unaccent(word) public.gin_trgm_ops)""",
    f"""CREATE FUNCTION notes_fts_words_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock_shared({WORDS_LOCK});
        IF TG_OP = 'UPDATE' THEN
            WITH written AS (
                SELECT new_notes.search_vector, new_notes.title
                FROM new_notes JOIN old_notes USING (id)
                WHERE new_notes.search_vector IS DISTINCT FROM old_notes.search_vector)
            {ADD};
        ELSE
            WITH written AS (SELECT search_vector, title FROM new_notes)
            {ADD};
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER notes_fts_words_insert AFTER INSERT ON notes
        REFERENCING NEW TABLE AS new_notes
        FOR EACH STATEMENT EXECUTE FUNCTION notes_fts_words_add()""",
    """CREATE TRIGGER notes_fts_words_update AFTER UPDATE ON notes
        REFERENCING OLD TABLE AS old_notes NEW TABLE AS new_notes
        FOR EACH STATEMENT EXECUTE FUNCTION notes_fts_words_add()""",
    f"INSERT INTO notes_fts_words (in_title, word) {WORDS.format(notes='notes')}",
    "ANALYZE notes_fts_words",
    # Titles' words apart: the notes with a search's words in the title are found in
    # an index of their own, and the planner knows how few they are (walking the
    # notes for them read all 100,000 when none had the word in its title).
    """CREATE INDEX ix_notes_search_titles ON notes
        USING gin (to_tsvector('notes_search'::regconfig, title))""",
    "ANALYZE notes",
]
POSTGRESQL_DOWN = [
    "DROP INDEX ix_notes_search_titles",
    "DROP TRIGGER notes_fts_words_update ON notes",
    "DROP TRIGGER notes_fts_words_insert ON notes",
    "DROP FUNCTION notes_fts_words_add()",
    "DROP TABLE notes_fts_words",
]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_UP:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_DOWN:
            op.execute(statement)
