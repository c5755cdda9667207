"""How fast is a page of notes, first and deep, by cursor and by offset?

    .venv/bin/python bench/paging.py [--notes 1000000] [--database-url URL]

Seeds a fresh database (SQLite in a temporary folder by default) with N notes by
bulk insert, then times GET /api/notes through the app (Flask test client, so the
figures are the app and the database without the network), median of 20 runs each.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import insert

from notesweb import create_app
from notesweb.extensions import db
from notesweb.models import Note


def seed(count: int) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    batch = 10_000
    for first in range(0, count, batch):
        rows = [
            {
                "title": f"Note {i}",
                "body": f"Body of note {i}",
                "created_at": start + timedelta(seconds=i),
                "updated_at": start + timedelta(seconds=i),
                "version": 1,
            }
            for i in range(first, min(first + batch, count))
        ]
        db.session.execute(insert(Note), rows)
        db.session.commit()


def median_ms(client, url: str, runs: int = 20) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_data(as_text=True)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app(
            {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "ERROR"}
        )
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            seed(args.notes)
            print(f"seeded {args.notes:,} notes in {time.perf_counter() - started:.1f} s")
        client = app.test_client()

        # Walk to a deep cursor: the page just before the last one.
        deep_cursor = None
        with app.test_request_context():
            from notesweb.notes.service import NOTES_ORDER

            with app.app_context():
                last = db.session.scalars(
                    db.select(Note).order_by(*NOTES_ORDER.oldest_first()).offset(150).limit(1)
                ).one()
                deep_cursor = NOTES_ORDER.encode("older", NOTES_ORDER.key(last))

        rows = [
            ("first page (limit=100)", "/api/notes?limit=100"),
            ("cursor page near the end", f"/api/notes?limit=100&cursor={deep_cursor}"),
            ("offset=1,000", "/api/notes?limit=100&offset=1000"),
            ("offset=100,000 (the maximum)", "/api/notes?limit=100&offset=100000"),
            ("HTML list, first page", "/notes/"),
            ("HTML list, cursor page near the end", f"/notes/?cursor={deep_cursor}"),
        ]
        print(f"\n| request ({args.notes:,} notes) | median ms |\n|---|---|")
        for name, target in rows:
            print(f"| {name} | {median_ms(client, target):.1f} |")


if __name__ == "__main__":
    main()
