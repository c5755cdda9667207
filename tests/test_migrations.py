"""Migrations: they build, tear down and rebuild the schema, and match the models."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from notesweb.extensions import db


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version", "sqlite_sequence"}


ALL_TABLES = {
    "notes",
    "users",
    "login_sessions",
    "api_tokens",
    "tags",
    "note_tags",
    "trashed_notes",
    "note_revisions",
    "drafts",
}
# SQLite's search indexes (of titles and bodies, of titles alone): the FTS5 tables and
# those they keep their index in; the words the index holds, and where a note's text
# is cut into words.
FTS_SHADOWS = ("", "_data", "_idx", "_docsize", "_config")
FTS_TABLES = {
    *(f"notes_fts{suffix}" for suffix in FTS_SHADOWS),
    *(f"notes_fts_titles{suffix}" for suffix in FTS_SHADOWS),
    "notes_fts_words",
    *(f"notes_fts_words_index{suffix}" for suffix in FTS_SHADOWS),
    *(f"notes_fts_tokenizer{suffix}" for suffix in ("", "_data", "_idx", "_config")),
    "notes_fts_tokenizer_terms",
}
# PostgreSQL's words of its search index (migration 0011).
PG_SEARCH_TABLES = {"notes_fts_words"}


def test_upgrade_downgrade_upgrade(app):
    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
        every_table = ALL_TABLES | (FTS_TABLES if sqlite else PG_SEARCH_TABLES)
    assert tables(app) == every_table
    with app.app_context():
        downgrade(revision="base")
    assert tables(app) == set()
    with app.app_context():
        upgrade()
    assert tables(app) == every_table


def test_each_list_order_has_its_index(app):
    with app.app_context():
        indexes = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("notes")}
        tagged = {
            ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("note_tags")
        }
    for key in ("updated_at", "created_at", "sort_title"):
        columns = ["owner_id", "pinned", key, "id"]
        assert indexes[f"ix_notes_owner_id_pinned_{key}_id"] == columns
        # A tag's notes, in each order, on the tag's own index.
        columns = ["tag_id", "pinned", key, "note_id"]
        assert tagged[f"ix_note_tags_tag_id_pinned_{key}_note_id"] == columns


def test_models_and_migrations_do_not_drift(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_the_drift_check_notices_a_difference(app, runner):
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP INDEX ix_notes_owner_id_pinned_updated_at_id")
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code != 0


@pytest.fixture
def notes_before_accounts(app):
    """A database at revision 0001 holding notes, the last of them deleted."""
    with app.app_context():
        downgrade(revision="0001")
        with db.engine.begin() as connection:
            for i in range(1, 6):
                connection.exec_driver_sql(
                    "INSERT INTO notes (title, body, created_at, updated_at, version) "
                    f"VALUES ('Old {i}', 'kept', '2024-01-0{i} 10:00:00.000000', "
                    f"'2024-01-0{i} 10:00:00.000000', 1)"
                )
            connection.exec_driver_sql("DELETE FROM notes WHERE id = 5")
    return app


def test_existing_notes_need_a_named_owner(notes_before_accounts, monkeypatch):
    monkeypatch.delenv("NOTESWEB_NOTES_OWNER", raising=False)
    with notes_before_accounts.app_context():
        with pytest.raises(SystemExit):  # Flask-Migrate logs the reason and exits 1
            upgrade()
        revision = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    assert revision == "0001"
    assert "users" not in tables(notes_before_accounts)


def test_the_ownership_migration_keeps_every_note(notes_before_accounts, monkeypatch):
    from notesweb.auth import service as auth_service
    from notesweb.models import Note

    monkeypatch.setenv("NOTESWEB_NOTES_OWNER", "Archivist")
    app = notes_before_accounts
    with app.app_context():
        upgrade()
        owner = auth_service.find_user("archivist")
        assert owner.username == "Archivist"
        notes = db.session.scalars(select(Note).order_by(Note.id)).all()
        assert [(n.id, n.title, n.body, n.owner_id) for n in notes] == [
            (i, f"Old {i}", "kept", owner.id) for i in range(1, 5)
        ]
        # The owner cannot sign in until a password is set (`flask user set-password`).
        assert auth_service.authenticate("Archivist", "") is None
        # Ids already handed out are still never reused.
        assert _new_note_id(owner) == 6
        db.session.remove()  # PostgreSQL: let go of the notes table before altering it
        downgrade(revision="0001")
        assert db.session.execute(text("SELECT count(*) FROM notes")).scalar() == 5


def test_the_owner_can_be_named_on_the_command_line(notes_before_accounts, runner):
    result = runner.invoke(args=["db", "upgrade", "-x", "owner=keeper"])
    assert result.exit_code == 0, result.output
    with notes_before_accounts.app_context():
        counts = db.session.execute(
            text(
                "SELECT u.username, count(*) FROM notes n "
                "JOIN users u ON u.id = n.owner_id GROUP BY u.username"
            )
        ).one()
    assert tuple(counts) == ("keeper", 4)


def _new_note_id(owner) -> int:
    from notesweb.notes import service

    return service.create_note(owner, "Fresh").id


def test_the_count_migration_counts_the_notes_already_there(app, user, make_notes):
    from notesweb.models import User

    make_notes(3)
    with app.app_context():
        downgrade(revision="0002")
        assert "note_count" not in {c["name"] for c in inspect(db.engine).get_columns("users")}
        # Every note survives the way down (dropping the column must not rebuild `users`,
        # which would take its notes with it on SQLite).
        assert db.session.execute(text("SELECT count(*) FROM notes")).scalar() == 3
        db.session.remove()
        upgrade()
        assert db.session.get(User, user.id).note_count == 3
