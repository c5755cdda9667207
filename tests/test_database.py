"""The database the suite runs on, and the settings every connection gets."""

from __future__ import annotations

import pytest

from notesweb.extensions import db

from .conftest import POSTGRES_URL


def test_the_suite_runs_on_postgresql_when_asked(app):
    if not POSTGRES_URL:
        pytest.skip("TEST_DATABASE_URL is not set: this run is the SQLite variant only")
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"


def test_sqlite_connections_are_set_for_several_writers(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings; this run is on PostgreSQL")
        with db.engine.connect() as connection:
            pragma = lambda name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
            assert pragma("journal_mode") == "wal"
            assert pragma("busy_timeout") == 5000
            assert pragma("foreign_keys") == 1
