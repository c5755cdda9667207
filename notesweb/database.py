"""The database as the app meets it: engine options, SQLite's pragmas, the end of a
request's transaction, and what counts as an outage rather than a bug."""

from __future__ import annotations

import sqlite3
from contextlib import suppress

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from .extensions import db

# What the database raises when it refused, dropped or did not answer (and, on
# SQLite, for some bugs too: is_outage tells them apart).
DATABASE_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)
_SQLITE_OUTAGES = ("locked", "unable to open", "disk i/o error")


def is_outage(exc: BaseException) -> bool:
    """The database refused, dropped or did not answer: a passing state, not a bug.
    SQLite's other OperationalErrors (no such table, a syntax error) are bugs."""
    if not isinstance(exc, DATABASE_ERRORS):
        return False
    cause = getattr(exc, "orig", None)
    if isinstance(cause, sqlite3.Error):
        return any(words in str(cause).lower() for words in _SQLITE_OUTAGES)
    return True


def outage_reason(exc: BaseException) -> str:
    """The driver's first line about an outage, for the log (never for a person)."""
    cause = getattr(exc, "orig", None) or exc
    first_line = next(iter(str(cause).strip().splitlines()), "")
    return f"{type(cause).__name__}: {first_line}"


def end_transaction() -> None:
    """Rolls back what a request left open. On a connection the database dropped,
    the rollback fails too: the connection is discarded, and the pool makes a new one."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        with suppress(SQLAlchemyError):
            db.session().invalidate()


def engine_options(config) -> dict:
    url = config["SQLALCHEMY_DATABASE_URI"]
    # A statement's values (a note's text) never reach an error's message, or a log.
    if url.startswith("sqlite"):
        return {"hide_parameters": True}
    options = {
        "hide_parameters": True,
        # A connection the server dropped (a restart, a failover) is replaced before a
        # request uses it, so the app serves again as soon as the database is back.
        "pool_pre_ping": True,
        "pool_size": config["DATABASE_POOL_SIZE"],
        "max_overflow": config["DATABASE_MAX_OVERFLOW"],
        "pool_timeout": config["DATABASE_POOL_TIMEOUT"],
    }
    if url.startswith("postgresql"):
        options["connect_args"] = {
            "connect_timeout": config["DATABASE_CONNECT_TIMEOUT"],
            # A server cut off without a word (a network partition, not a restart):
            # give up on what it does not acknowledge within 10 s, so the request is
            # answered 503 well before gunicorn's 30 s timeout kills the worker.
            "tcp_user_timeout": 10_000,
            "keepalives": 1,
            # And a request waiting for a result from a silent server: probed after
            # 5 s of quiet, given up on after 3 unanswered probes 2 s apart.
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
        }
    return options


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Several gunicorn workers share one file: WAL lets readers run beside a writer,
    # and busy_timeout makes a writer wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _postgresql_settings(dbapi_connection, _record) -> None:
    # Every query the app makes reads a page or a few rows: a parallel plan's workers
    # cost more to start than they save (5 ms of a tag's 8 ms page at 100,000 notes),
    # and take the cores other requests are served on.
    autocommit, dbapi_connection.autocommit = dbapi_connection.autocommit, True
    with dbapi_connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 0")
    dbapi_connection.autocommit = autocommit


def register_database(app: Flask) -> None:
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))
    db.init_app(app)
    # Registered after Flask-SQLAlchemy's teardown, so it runs first: if the database
    # went away after the response was made, no error handler can answer any more,
    # and the response must stand.
    app.teardown_appcontext(lambda _exc: end_transaction())
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)
        elif db.engine.dialect.name == "postgresql":
            event.listen(db.engine, "connect", _postgresql_settings)
