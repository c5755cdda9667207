"""The database the suite runs on, and the settings every connection gets."""

from __future__ import annotations

import pytest

from notesweb.extensions import db

from .conftest import POSTGRES_URL, make_app


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


def test_postgresql_connections_plan_no_parallel_workers(app, api_client, make_notes):
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL settings; this run is the SQLite variant only")
    with app.app_context():
        with db.engine.connect() as connection:
            setting = connection.exec_driver_sql("SHOW max_parallel_workers_per_gather")
            assert setting.scalar() == "0"
            # Set outside any transaction: the connection is left as SQLAlchemy expects.
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    make_notes(3)
    assert api_client.get("/api/notes").json["total"] == 3


def test_each_worker_thread_gets_one_postgresql_connection(database_url, monkeypatch):
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL pool settings; this run is the SQLite variant only")
    monkeypatch.setenv("GUNICORN_THREADS", "4")
    app = make_app(database_url)
    with app.app_context():
        assert db.engine.pool.size() == 4
        assert db.engine.pool._max_overflow == 0
        with db.engine.connect() as connection:
            settings = connection.connection.dbapi_connection.info.get_parameters()
    # A silent server is given up on before gunicorn's 30 s timeout.
    assert settings["connect_timeout"] == "5"
    assert settings["tcp_user_timeout"] == "10000"
    assert settings["keepalives"] == "1"
