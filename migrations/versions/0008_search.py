"""Full-text search over titles and bodies, kept in step with every write by the
database itself: on SQLite an FTS5 table with triggers; on PostgreSQL a generated
tsvector column with a GIN index, and a trigram index for parts of words and for
scripts written without spaces. The notes already there are indexed.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SQLITE_UP = [
    # `content='notes'`: the text is read from the notes table, not stored twice. The
    # owner is a column of words too, so that a search finds and ranks a person's
    # notes in the index alone.
    """CREATE VIRTUAL TABLE notes_fts USING fts5(
        owner_id, title, body, content='notes', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER notes_fts_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts(rowid, owner_id, title, body)
        VALUES (new.id, new.owner_id, new.title, new.body);
    END""",
    """CREATE TRIGGER notes_fts_delete AFTER DELETE ON notes BEGIN
        INSERT INTO notes_fts(notes_fts, rowid, owner_id, title, body)
        VALUES ('delete', old.id, old.owner_id, old.title, old.body);
    END""",
    """CREATE TRIGGER notes_fts_update AFTER UPDATE OF title, body ON notes BEGIN
        INSERT INTO notes_fts(notes_fts, rowid, owner_id, title, body)
        VALUES ('delete', old.id, old.owner_id, old.title, old.body);
        INSERT INTO notes_fts(rowid, owner_id, title, body)
        VALUES (new.id, new.owner_id, new.title, new.body);
    END""",
    "INSERT INTO notes_fts(notes_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER notes_fts_update",
    "DROP TRIGGER notes_fts_delete",
    "DROP TRIGGER notes_fts_insert",
    "DROP TABLE notes_fts",
]

POSTGRESQL_UP = [
    # Both are trusted extensions: the database's owner may create them. They live in
    # `public`, shared by every schema of the database, and are named with it.
    "CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public",
    # Words as `simple` takes them (lower case, no stemming), without accents.
    "CREATE TEXT SEARCH CONFIGURATION notes_search (COPY = pg_catalog.simple)",
    """ALTER TEXT SEARCH CONFIGURATION notes_search
        ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
        WITH public.unaccent, pg_catalog.simple""",
    """ALTER TABLE notes ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('notes_search'::regconfig, title), 'A')
        || setweight(to_tsvector('notes_search'::regconfig, body), 'B')
    ) STORED""",
    # unaccent() is only STABLE (its dictionary could change); with the dictionary
    # named, it may be used in an index.
    """CREATE FUNCTION notes_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        RETURN public.unaccent('public.unaccent'::regdictionary, $1)""",
    "CREATE INDEX ix_notes_search_vector ON notes USING gin (search_vector)",
    """CREATE INDEX ix_notes_search_trigrams ON notes
        USING gin (notes_unaccent(title || ' ' || body) public.gin_trgm_ops)""",
]
POSTGRESQL_DOWN = [
    "DROP INDEX ix_notes_search_trigrams",
    "DROP INDEX ix_notes_search_vector",
    "DROP FUNCTION notes_unaccent(text)",
    "ALTER TABLE notes DROP COLUMN search_vector",
    "DROP TEXT SEARCH CONFIGURATION notes_search",
]


def _run(statements: dict[str, list[str]]) -> None:
    for statement in statements[op.get_bind().dialect.name]:
        op.execute(statement)


def upgrade():
    _run({"sqlite": SQLITE_UP, "postgresql": POSTGRESQL_UP})


def downgrade():
    _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRESQL_DOWN})
