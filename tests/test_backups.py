"""Backups: `flask backup` and `flask restore` on SQLite (its online backup API) and
PostgreSQL (pg_dump and pg_restore), and the automatic backup before `flask db upgrade`
changes an SQLite schema."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import requests
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from notesweb import backups
from notesweb.extensions import db

from .conftest import POSTGRES_URL, make_app
from .servers import gunicorn, prepare_database, required
from .test_migrations import tables

# The newest revision: what a backup of a migrated database is at.
HEAD = ScriptDirectory(str(Path(__file__).parent.parent / "migrations")).get_current_head()
sqlite_only = pytest.mark.skipif(bool(POSTGRES_URL), reason="an SQLite file of its own")


@pytest.fixture(autouse=True)
def _postgresql_client_programs():
    if POSTGRES_URL:
        tools = ("pg_dump", "pg_restore", "psql")
        required(
            "pg_dump, pg_restore and psql (Debian: postgresql-client)",
            all(map(shutil.which, tools)),
        )


def notes(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(text("SELECT id, title, body, version FROM notes ORDER BY id"))
        notes = [tuple(row) for row in rows]
        db.session.remove()
        return notes


def set_revision(app, revision: str) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


@pytest.fixture
def backup_file(tmp_path) -> Path:
    return tmp_path / "backups" / "notesweb.backup"


def test_a_backup_restores_the_notes_it_was_taken_with(app, runner, make_notes, backup_file):
    make_notes(3)
    kept = notes(app)

    result = runner.invoke(args=["backup", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert f"backed up to {backup_file}" in result.output
    assert f"at revision {HEAD}" in result.output
    assert f"{backup_file.stat().st_size:,} bytes" in result.output
    # Nothing half-written is left beside it.
    assert [p.name for p in backup_file.parent.iterdir()] == [backup_file.name]

    make_notes(2, prefix="Later")
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            text("UPDATE notes SET title = 'Changed' WHERE id = :id"), {"id": kept[0][0]}
        )
    result = runner.invoke(args=["restore", "--force", str(backup_file)])
    assert result.exit_code == 0, result.output
    assert f"restored from {backup_file}" in result.output
    assert notes(app) == kept
    # The restored database is the app's, whole: it serves and migrates as before.
    assert runner.invoke(args=["db", "check"]).exit_code == 0


@sqlite_only
def test_a_backup_restores_into_a_database_that_does_not_exist(app, make_notes, tmp_path):
    make_notes(3)
    with app.app_context():
        made = backups.backup(tmp_path / "copy.sqlite3")
    fresh = make_app(f"sqlite:///{tmp_path / 'new' / 'notesweb.sqlite3'}")
    with fresh.app_context():
        restored = backups.restore(made.path)
    assert restored.revision == HEAD
    assert notes(fresh) == notes(app)


def test_restore_refuses_a_database_with_tables_without_force(app, runner, make_notes, backup_file):
    make_notes(2)
    assert runner.invoke(args=["backup", str(backup_file)]).exit_code == 0
    make_notes(1, prefix="After")
    after = notes(app)

    refused = runner.invoke(args=["restore", str(backup_file)])
    assert refused.exit_code == 1
    assert "already has tables" in refused.output and "--force" in refused.output
    assert notes(app) == after

    forced = runner.invoke(args=["restore", "--force", str(backup_file)])
    assert forced.exit_code == 0, forced.output
    assert len(notes(app)) == 2


def not_a_notesweb_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY)")
    connection.close()


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        (b"", "is not a "),
        (b"garbage " * 1000, "is not a readable"),
        (b"SQLite format 3\x00" + b"\x00" * 200, "is not a "),
        (not_a_notesweb_database, "not a notesweb database"),
        (None, "no such file"),
    ],
    ids=["empty", "garbage", "truncated-header", "other-database", "missing"],
)
def test_a_damaged_or_foreign_file_is_refused_and_the_database_untouched(
    app, runner, make_notes, tmp_path, contents, message
):
    if contents is not_a_notesweb_database and POSTGRES_URL:
        pytest.skip("an SQLite file is simply not a pg_dump archive: the garbage case")
    make_notes(2)
    before = notes(app)
    bad = tmp_path / "bad.backup"
    if callable(contents):
        contents(bad)
    elif contents is not None:
        bad.write_bytes(contents)

    result = runner.invoke(args=["restore", "--force", str(bad)])
    assert result.exit_code == 1
    assert f"Error: {bad}" in result.output and message in result.output
    assert notes(app) == before


@sqlite_only
def test_a_damaged_sqlite_backup_is_refused(app, make_notes, tmp_path):
    make_notes(50)
    with app.app_context():
        made = backups.backup(tmp_path / "copy.sqlite3")
    data = bytearray(made.path.read_bytes())
    page = 4096
    data[2 * page + 8 : 3 * page] = b"\xff" * (page - 8)  # a b-tree page overwritten
    made.path.write_bytes(bytes(data))
    with app.app_context(), pytest.raises(backups.BackupError, match="damaged|not a readable"):
        backups.restore(made.path, force=True)


def test_a_backup_newer_than_the_code_is_refused(app, runner, make_notes, backup_file):
    make_notes(1)
    set_revision(app, "9999_future")
    assert runner.invoke(args=["backup", str(backup_file)]).exit_code == 0
    set_revision(app, HEAD)
    result = runner.invoke(args=["restore", "--force", str(backup_file)])
    assert result.exit_code == 1
    assert "9999_future" in result.output and "newer than the code" in result.output
    assert len(notes(app)) == 1


def test_an_older_backup_replaces_a_newer_schema_whole(app, runner, make_notes, backup_file):
    make_notes(2)
    with app.app_context():
        downgrade(revision="0013")
        assert backups.backup(backup_file).revision == "0013"
        upgrade()
    make_notes(1, prefix="After")

    result = runner.invoke(args=["restore", "--force", str(backup_file)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert "drafts" not in tables(app)  # made by 0015: gone with the rest
        db.session.remove()
        upgrade()
        assert db.session.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    assert len(notes(app)) == 2


def test_missing_postgresql_tools_are_named(app, monkeypatch, backup_file):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite needs no other program")
        monkeypatch.setattr(backups.shutil, "which", lambda _name: None)
        with pytest.raises(backups.BackupError, match="apt-get install postgresql-client"):
            backups.backup(backup_file)


# -- before an upgrade --------------------------------------------------------------


@pytest.fixture
def upgraded_file_app(tmp_path, monkeypatch):
    """An app on an SQLite file, with an instance folder of its own, migrated to head."""
    monkeypatch.setenv("NOTESWEB_INSTANCE_PATH", str(tmp_path / "instance"))
    app = make_app(f"sqlite:///{tmp_path / 'notesweb.sqlite3'}", BACKUP_BEFORE_UPGRADE=True)
    with app.app_context():
        upgrade()
    return app


@sqlite_only
def test_an_upgrade_backs_up_first_and_the_last_five_are_kept(upgraded_file_app, make_notes):
    app = upgraded_file_app
    folder = Path(app.instance_path) / "backups"
    assert backups.before_upgrade_backups(folder) == []  # a fresh database: nothing to lose

    taken = []
    with app.app_context():
        from notesweb.auth import service as auth_service
        from notesweb.notes import service

        owner = auth_service.create_user("keeper", "a long and uncommon passphrase")
        service.create_note(owner, "Kept", "in every backup")
        db.session.remove()
        for _ in range(7):
            downgrade(revision="0013")
            assert backups.before_upgrade_backups(folder) == taken[-5:]  # not on the way down
            upgrade()
            taken = backups.before_upgrade_backups(folder)
        upgrade()  # already at head: the schema does not change
    assert len(taken) == 5
    assert backups.before_upgrade_backups(folder) == taken
    assert all(
        p.name.startswith("before-upgrade-") and p.name.endswith("Z-0013.sqlite3") for p in taken
    )

    newest = make_app(f"sqlite:///{taken[-1]}")
    with newest.app_context():
        assert backups.check(taken[-1]).revision == "0013"
    assert [title for _id, title, _body, _version in notes(newest)] == ["Kept"]


def test_the_test_suites_migrations_take_no_backups(app):
    assert app.config["BACKUP_BEFORE_UPGRADE"] is False


# -- under write load ---------------------------------------------------------------


class Writers:
    """Threads creating notes through the API, each remembering when every note it was
    answered 201 for was acknowledged."""

    def __init__(self, url: str, token: str, count: int = 4):
        self.url, self.token = url, token
        self.acknowledged: list[tuple[float, int]] = []
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.write, args=(n,)) for n in range(count)]

    def write(self, writer: int) -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {self.token}"
        n = 0
        while not self.stop.is_set():
            n += 1
            response = session.post(
                f"{self.url}/api/notes",
                json={"title": f"Writer {writer} note {n}", "body": "x" * 200},
                timeout=15,
            )
            if response.status_code == 201:
                self.acknowledged.append((time.monotonic(), response.json()["id"]))
            else:
                self.failures.append(f"{response.status_code} {response.text[:200]}")

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


SEEDED = 5_000


def test_a_backup_under_write_load_loses_no_acknowledged_write(database_url, tmp_path):
    token = prepare_database(database_url)
    backup_file = tmp_path / "live.backup"
    app = make_app(database_url)
    with app.app_context():
        # Enough that the backup takes a while, with the writers writing throughout.
        from notesweb.auth import service as auth_service
        from notesweb.notes import seed

        seed.seed_notes(auth_service.find_user("alice"), SEEDED, seed=1)
        db.session.remove()
    server_env = {"API_RATE_LIMIT": "1000000 per minute", "GUNICORN_THREADS": "2"}
    with gunicorn(database_url, **server_env) as server:
        with Writers(server.url, token) as writers:
            time.sleep(1)
            started = time.monotonic()
            with app.app_context():
                made = backups.backup(backup_file)
            backup_took = time.monotonic() - started
            time.sleep(0.5)
    assert writers.failures == []
    acknowledged = [at for at, _note_id in writers.acknowledged]
    assert sum(at < started for at in acknowledged) > 20
    assert sum(started < at < started + backup_took for at in acknowledged) > 0, (
        "no write was acknowledged while the backup ran"
    )
    assert sum(at > started + backup_took for at in acknowledged) > 5
    before = {note_id for at, note_id in writers.acknowledged if at < started}
    assert made.revision == HEAD  # check(), and so integrity_check on SQLite, passed

    if POSTGRES_URL:
        restored_app = app  # the server is gone: restore over the database it wrote to
        with app.app_context():
            backups.restore(backup_file, force=True)
    else:
        restored_app = make_app(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
        with restored_app.app_context():
            backups.restore(backup_file)
            integrity = db.session.execute(text("PRAGMA integrity_check")).scalar()
            assert integrity == "ok"
    restored = {note_id for note_id, *_ in notes(restored_app)}
    assert len(restored) >= SEEDED
    assert before <= restored
