"""Backups of the database and their restoring: SQLite through its online backup API
(the app may keep serving meanwhile), PostgreSQL through pg_dump's custom format and
pg_restore. Used by `flask backup`/`flask restore` and, before a migration changes an
SQLite schema, by migrations/env.py."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import URL

from .extensions import db, migrate

KEEP_BEFORE_UPGRADE = 5
BEFORE_UPGRADE_PREFIX = "before-upgrade-"
_BUSY_TIMEOUT_MS = 5000


class BackupError(Exception):
    """A backup or restore that cannot be done, and why, in words for the operator."""


@dataclass(frozen=True)
class Backup:
    path: Path
    size: int
    revision: str | None


# -- both databases ---------------------------------------------------------------


def backup(path: str | os.PathLike) -> Backup:
    """Writes a backup of the app's database to `path`, replacing what is there."""
    path = Path(path)
    with _written_whole(path) as partial:
        if _dialect() == "sqlite":
            _sqlite_backup(_sqlite_path(), partial)
        else:
            _pg_dump(db.engine.url, partial)
        checked = check(partial)
    return replace(checked, path=path)


@contextmanager
def _written_whole(target: Path) -> Iterator[Path]:
    """A file to write beside `target`, renamed to it only once written and checked, so
    that a backup cut off half way never looks like a finished one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    os.close(fd)
    partial = Path(name)
    try:
        yield partial
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def check(path: str | os.PathLike) -> Backup:
    """The backup at `path` if it is whole and of this app's database; BackupError if not."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    if _dialect() == "sqlite":
        revision = _sqlite_check(path)
    else:
        revision = _pg_check(path)
    return Backup(path, path.stat().st_size, revision)


def restore(path: str | os.PathLike, force: bool = False) -> Backup:
    """Replaces the app's database with the backup at `path`. Refuses a database that
    has tables unless `force`; refuses a backup that is damaged or newer than the code."""
    checked = check(path)
    _refuse_unknown_revision(checked)
    if not force and _has_tables():
        raise BackupError(
            "the database already has tables; restoring would replace them "
            "(use --force to overwrite it)"
        )
    tables = [] if _dialect() == "sqlite" else _qualified_tables()
    # The app's pooled connections must not keep reading the database being replaced.
    db.session.remove()
    db.engine.dispose()
    if _dialect() == "sqlite":
        _sqlite_copy(checked.path, Path(_sqlite_path()))
    else:
        _pg_restore(db.engine.url, checked.path, tables)
    return checked


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"backups of {name} databases are not supported")
    return name


def _has_tables() -> bool:
    if _dialect() == "sqlite" and not Path(_sqlite_path()).exists():
        return False
    with db.engine.connect() as connection:
        return bool(inspect(connection).get_table_names())


def _qualified_tables() -> list[str]:
    def quoted(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    with db.engine.connect() as connection:
        found = inspect(connection)
        schema = found.default_schema_name
        return [f"{quoted(schema)}.{quoted(name)}" for name in found.get_table_names()]


def _known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(migrate.get_config())
    return {revision.revision for revision in script.walk_revisions()}


def _refuse_unknown_revision(checked: Backup) -> None:
    if checked.revision is not None and checked.revision not in _known_revisions():
        raise BackupError(
            f"{checked.path} is at revision {checked.revision}, which this version of "
            "notesweb does not know (the backup is newer than the code): "
            "restore it with the release that made it"
        )


# -- SQLite -------------------------------------------------------------------------


def _sqlite_path() -> str:
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("the database is in memory: there is no file to back up")
    return database


def _connect(path: str | Path, read_only: bool = False) -> sqlite3.Connection:
    if read_only:
        connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    else:
        connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
    return connection


def _sqlite_backup(source: str, target: Path) -> None:
    if not Path(source).is_file():
        raise BackupError(f"{source}: the database does not exist")
    with closing(_connect(source)) as live, closing(_connect(target)) as copy:
        # All pages in one step: one read transaction, a consistent snapshot, while
        # (in WAL mode) the app's writers carry on. Steps would restart on each write.
        live.backup(copy)
        # One self-contained file, without -wal and -shm beside it.
        copy.execute("PRAGMA journal_mode=DELETE")


def _sqlite_check(path: Path) -> str | None:
    try:
        with closing(_connect(path, read_only=True)) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                problems = "; ".join(row[0] for row in result[:3])
                raise BackupError(f"{path} is damaged: {problems}")
            has_version = connection.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
            if not has_version:
                raise BackupError(f"{path} is not a notesweb database (no alembic_version table)")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database ({exc})") from None
    return row[0] if row else None


def _sqlite_copy(backup_file: Path, live: Path) -> None:
    live.parent.mkdir(parents=True, exist_ok=True)
    # Through the backup API, not a file copy: the live file keeps its identity, and a
    # process that still has it open sees either the old database or the new one.
    with (
        closing(_connect(backup_file, read_only=True)) as source,
        closing(_connect(live)) as target,
    ):
        source.backup(target)


def backup_before_upgrade(
    database: str, backups: str | os.PathLike, revision: str, keep: int = KEEP_BEFORE_UPGRADE
) -> Path:
    """Backs up the SQLite file `database` (at `revision`) into the folder `backups`,
    named with the time (UTC) and revision, and deletes all but the newest `keep`."""
    folder = Path(backups)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    target = folder / f"{BEFORE_UPGRADE_PREFIX}{stamp}-{revision}.sqlite3"
    with _written_whole(target) as partial:
        _sqlite_backup(database, partial)
    for old in before_upgrade_backups(folder)[:-keep]:
        old.unlink(missing_ok=True)
    return target


def before_upgrade_backups(folder: str | os.PathLike) -> list[Path]:
    """The automatic pre-upgrade backups in `folder`, oldest first."""
    return sorted(Path(folder).glob(f"{BEFORE_UPGRADE_PREFIX}*.sqlite3"))


# -- PostgreSQL ---------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} is not installed; it comes with PostgreSQL's client programs "
            "(Debian: apt-get install postgresql-client)"
        )
    return found


def _connection_arguments(url: URL) -> tuple[list[str], dict[str, str]]:
    """Command-line arguments and environment for pg_dump/pg_restore. The password goes
    through the environment, never on a command line that `ps` would show."""
    arguments = []
    if url.host:
        arguments.append(f"--host={url.host}")
    if url.port:
        arguments.append(f"--port={url.port}")
    if url.username:
        arguments.append(f"--username={url.username}")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    if sslmode := url.query.get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    arguments.append("--no-password")
    return arguments, env


def _schema(url: URL) -> str | None:
    """The one schema the URL's search_path names (`?options=-csearch_path=NAME`), if any:
    the app's tables are there, and only they are backed up."""
    options = url.query.get("options")
    if isinstance(options, tuple):
        options = " ".join(options)
    found = re.search(r"search_path\s*=\s*([A-Za-z0-9_]+)\s*(?:$|\s)", options or "")
    return found.group(1) if found else None


def _run(command: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess:
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{what} failed: {done.stderr.strip() or done.returncode}")
    return done


def _pg_dump(url: URL, target: Path) -> None:
    arguments, env = _connection_arguments(url)
    command = [_tool("pg_dump"), "--format=custom", f"--file={target}", *arguments]
    if schema := _schema(url):
        command.append(f"--schema={schema}")
    command.append(f"--dbname={url.database}")
    _run(command, env, "pg_dump")


_COPY_ROWS = re.compile(r"^COPY \S*alembic_version .*FROM stdin;\n(.*?)^\\\.$", re.M | re.S)


def _pg_check(path: Path) -> str | None:
    pg_restore = _tool("pg_restore")
    listing = subprocess.run([pg_restore, "--list", str(path)], capture_output=True, text=True)
    if listing.returncode != 0:
        reason = listing.stderr.strip().removeprefix("pg_restore: error: ")
        raise BackupError(f"{path} is not a readable pg_dump archive ({reason})")
    if not re.search(r"\bTABLE DATA \S+ alembic_version\b", listing.stdout):
        raise BackupError(f"{path} is not a notesweb database (no alembic_version table)")
    data = subprocess.run(
        [pg_restore, "--data-only", "--table=alembic_version", "--file=-", str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    if data.returncode != 0:
        raise BackupError(f"{path} cannot be read: {data.stderr.strip()}")
    rows = _COPY_ROWS.search(data.stdout)
    versions = rows.group(1).split() if rows else []
    return versions[0] if versions else None


def _pg_restore(url: URL, backup_file: Path, tables: list[str]) -> None:
    """pg_restore's script run by psql as one transaction: a restore that fails half way
    leaves the database as it was. The tables already there are dropped first, in the
    same transaction, so that tables the backup does not have (a later migration's)
    neither block --clean nor outlive the restore."""
    arguments, env = _connection_arguments(url)
    drop = f"DROP TABLE IF EXISTS {', '.join(tables)} CASCADE" if tables else "SELECT 1"
    script = [
        _tool("pg_restore"),
        "--clean",
        "--if-exists",
        "--no-owner",
        "--file=-",
        str(backup_file),
    ]
    apply = [
        _tool("psql"), "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
        *arguments, f"--dbname={url.database}", f"--command={drop}", "--file=-",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as errors:
        reading = subprocess.Popen(script, stdout=subprocess.PIPE, stderr=errors)
        applied = subprocess.run(
            apply, stdin=reading.stdout, env=env, capture_output=True, text=True
        )
        reading.stdout.close()
        reading.wait()
        errors.seek(0)
        read_errors = errors.read().decode(errors="replace").strip()
    if reading.returncode != 0:
        raise BackupError(f"pg_restore failed: {read_errors or reading.returncode}")
    if applied.returncode != 0:
        raise BackupError(f"restoring failed, nothing was changed: {applied.stderr.strip()}")
