"""Many writers at once against gunicorn with 2 workers: 8 clients create, read, edit
and delete notes for 20 seconds (bench/load.py). No request may fail, and every
acknowledged create must be there afterwards. Figures belong to bench/, not here."""

from __future__ import annotations

from flask_migrate import upgrade

from bench.load import run_load
from notesweb.auth import service
from notesweb.extensions import db

from .conftest import PASSWORD, make_app
from .servers import gunicorn


def test_eight_writers_for_twenty_seconds_lose_nothing(database_url):
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        user = service.create_user("alice", PASSWORD)
        token, _ = service.create_token(user, "load")
        db.engine.dispose()

    # One token makes every request here; the per-token limit has tests of its own.
    unlimited = {"API_RATE_LIMIT": "1000000 per minute"}
    with gunicorn(database_url, workers=2, **unlimited) as server:
        result = run_load(server.url, token, clients=8, seconds=20)
        log = server.output()

    assert result.unexpected == {}, result.report()
    assert result.statuses[("POST", 201)] > 100, result.report()
    assert result.missing == [], result.report()
    assert "database is locked" not in log
    assert "database unavailable" not in log
    assert "Traceback" not in log
