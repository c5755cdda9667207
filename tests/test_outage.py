"""The database goes away and comes back: a throwaway PostgreSQL cluster stopped under
a live gunicorn while clients write, then started again."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from sqlalchemy import text

from bench.load import run_load
from notesweb.extensions import db
from notesweb.problems import PROBLEM_JSON

from .conftest import make_app
from .html import form_fields
from .servers import Client, gunicorn, page, prepare_database

TYPED = {
    "title": "Written during the outage",
    "body": "Two paragraphs\n\nof text nobody wants to type twice.",
}


def worker_pids(master: int) -> set[int]:
    return set(map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split()))


def test_the_app_answers_503_while_the_database_is_down_and_serves_again(postgres_cluster):
    cluster = postgres_cluster
    token = prepare_database(cluster.url)
    unlimited = {"API_RATE_LIMIT": "1000000 per minute"}
    with gunicorn(cluster.url, workers=2, **unlimited) as server:
        base = server.url
        browser = Client()
        browser.sign_in(base)
        api = Client()
        api.headers["Authorization"] = f"Bearer {token}"
        form = form_fields(page(browser.get(f"{base}/notes/new")).select_one("#note-form"))
        workers = worker_pids(server.process.pid)
        assert len(workers) == 2

        # Writers before, during and after the outage.
        writers = {}
        load = threading.Thread(
            target=lambda: writers.update(result=run_load(base, token, clients=4, seconds=12))
        )
        load.start()
        time.sleep(2)
        cluster.stop()

        listing = browser.get(f"{base}/notes/")
        assert listing.status_code == 503, server.output()
        assert int(listing.headers["Retry-After"]) > 0
        html = page(listing)
        assert html.select_one("main h1").get_text() == "Service Unavailable"
        assert "temporarily unavailable" in html.select_one("main").get_text()

        from_api = api.get(f"{base}/api/notes")
        assert from_api.status_code == 503
        assert from_api.headers["Content-Type"] == PROBLEM_JSON
        assert from_api.json()["status"] == 503
        assert int(from_api.headers["Retry-After"]) > 0

        ready = api.get(f"{base}/readyz")
        assert ready.status_code == 503
        assert ready.json()["database"] == "unreachable"
        assert api.get(f"{base}/healthz").status_code == 200

        # A note sent while the database is away comes back, ready to send again.
        refused = browser.post(f"{base}/notes/new", data=form | TYPED)
        assert refused.status_code == 503
        kept = page(refused).select_one("form#typed-text")
        assert kept["action"] == "/notes/new"
        retry = form_fields(kept)
        assert {name: retry[name] for name in TYPED} == TYPED

        swapped = browser.post(
            f"{base}/notes/new", data=form | TYPED, headers={"HX-Request": "true"}
        )
        assert swapped.status_code == 503
        assert swapped.headers["HX-Retarget"] == "#flash"
        assert page(swapped).select_one("[role=alert]")["data-status"] == "503"

        for answer in (listing, from_api, ready, refused, swapped):
            assert "Traceback" not in answer.text
            assert "psycopg" not in answer.text

        time.sleep(2)
        cluster.start()
        back = time.monotonic()
        while api.get(f"{base}/readyz").status_code != 200:
            assert time.monotonic() - back < 5, "not serving 5 s after the database is back"
            time.sleep(0.1)

        assert server.process.poll() is None
        assert worker_pids(server.process.pid) == workers, "a worker died or was replaced"
        assert browser.get(f"{base}/notes/").status_code == 200
        saved = browser.post(f"{base}{kept['action']}", data=retry)
        assert saved.status_code == 200
        assert page(saved).select_one("main h1").get_text() == TYPED["title"]

        load.join()
        result = writers["result"]
        answered = {status for _, status in result.statuses}
        assert answered <= {200, 201, 204, 503}, result.report()
        assert 503 in answered, "the writers never met the outage"
        assert result.kept, result.report()
        assert not result.lost, result.report()

        log = server.output()
        assert "database unavailable" in log
        assert "Traceback" not in log


def test_a_database_gone_after_the_view_ran_leaves_its_response_standing(postgres_cluster):
    """The request's transaction is rolled back after the response is made, where no
    error handler can answer any more: a dead connection there must not fail it."""
    prepare_database(postgres_cluster.url)
    app = make_app(postgres_cluster.url)
    with app.test_request_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1
        postgres_cluster.stop()
    postgres_cluster.start()
    with app.test_request_context():
        assert db.session.execute(text("SELECT 1")).scalar() == 1
