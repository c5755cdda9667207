"""Many writers at once against gunicorn with 2 workers: 8 clients create, read, edit
and delete notes for 20 seconds (bench/load.py). No request may fail, every
acknowledged create must be there afterwards with its last acknowledged edit, and
every acknowledged delete must have stuck; the account's kept total must match its
notes. Figures belong to bench/, not here."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from bench.load import run_load

from .servers import gunicorn, prepare_database


def test_eight_writers_for_twenty_seconds_lose_nothing(database_url):
    token = prepare_database(database_url)
    # One token makes every request here; the per-token limit has tests of its own.
    with gunicorn(database_url, workers=2, API_RATE_LIMIT="1000000 per minute") as server:
        result = run_load(server.url, token, clients=8, seconds=20)
        log = server.output()

    assert result.unexpected == {}, result.report()
    assert result.statuses[("POST", 201)] > 100, result.report()
    assert not result.lost, result.report()
    assert "database is locked" not in log
    assert "database unavailable" not in log
    assert "Traceback" not in log
    engine = create_engine(database_url)
    with engine.connect() as connection:
        kept, rows = connection.execute(
            text("SELECT note_count, (SELECT count(*) FROM notes) FROM users")
        ).one()
    engine.dispose()
    # The total of the lists, kept by every create and delete across both workers.
    assert kept == rows > 0
