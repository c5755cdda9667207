"""The database goes away and comes back: a throwaway PostgreSQL cluster stopped under
a live gunicorn, then started again."""

from __future__ import annotations

import time
from pathlib import Path

import requests
from bs4 import BeautifulSoup
from flask_migrate import upgrade

from notesweb.extensions import db
from notesweb.problems import PROBLEM_JSON

from .conftest import PASSWORD, make_app
from .html import form_fields
from .servers import gunicorn


def page(response: requests.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def sign_in(base: str) -> requests.Session:
    browser = requests.Session()
    login = page(browser.get(f"{base}/login"))
    fields = form_fields(login.select_one("#login-form"))
    answer = browser.post(
        f"{base}/login", data=fields | {"username": "alice", "password": PASSWORD}
    )
    assert answer.url == f"{base}/notes/"
    return browser


def worker_pids(master: int) -> set[int]:
    return set(map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split()))


def test_the_app_answers_503_while_the_database_is_down_and_serves_again(postgres_cluster):
    cluster = postgres_cluster
    app = make_app(cluster.url)
    with app.app_context():
        upgrade()
        from notesweb.auth import service

        service.create_user("alice", PASSWORD)
        db.engine.dispose()

    with gunicorn(cluster.url, workers=2) as server:
        base = server.url
        browser = sign_in(base)
        token = requests.post(f"{base}/api/tokens", auth=("alice", PASSWORD)).json()["token"]
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {token}"
        acknowledged = []
        for i in range(20):
            created = api.post(f"{base}/api/notes", json={"title": f"Before {i}", "body": "kept"})
            assert created.status_code == 201
            acknowledged.append(created.json()["id"])
        form_page = page(browser.get(f"{base}/notes/new"))
        typed = form_fields(form_page.select_one("#note-form")) | {
            "title": "Written during the outage",
            "body": "Two paragraphs\n\nof text nobody wants to type twice.",
        }
        workers = worker_pids(server.process.pid)
        assert len(workers) == 2

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

        ready = requests.get(f"{base}/readyz")
        assert ready.status_code == 503
        assert ready.json()["database"] == "unreachable"
        assert requests.get(f"{base}/healthz").status_code == 200

        # A note sent while the database is away comes back, ready to send again.
        refused = browser.post(f"{base}/notes/new", data=typed)
        assert refused.status_code == 503
        kept = page(refused).select_one("form#typed-text")
        assert kept is not None
        assert kept["action"] == "/notes/new"
        retry = form_fields(kept)
        assert retry["title"] == typed["title"]
        assert retry["body"] == typed["body"]

        swapped = browser.post(f"{base}/notes/new", data=typed, headers={"HX-Request": "true"})
        assert swapped.status_code == 503
        assert swapped.headers["HX-Retarget"] == "#flash"
        assert page(swapped).select_one("[role=alert]")["data-status"] == "503"

        for answer in (listing, from_api, ready, refused, swapped):
            assert "Traceback" not in answer.text
            assert "psycopg" not in answer.text

        down_at = time.monotonic()
        cluster.start()
        while requests.get(f"{base}/readyz").status_code != 200:
            assert time.monotonic() - down_at < 5, "not serving 5 s after the database is back"
            time.sleep(0.1)

        assert server.process.poll() is None
        assert worker_pids(server.process.pid) == workers, "a worker died or was replaced"
        assert browser.get(f"{base}/notes/").status_code == 200
        for note_id in acknowledged:
            assert api.get(f"{base}/api/notes/{note_id}").status_code == 200
        saved = browser.post(f"{base}{kept['action']}", data=retry)
        assert saved.status_code == 200
        assert page(saved).select_one("main h1").get_text() == typed["title"]

        log = server.output()
        assert "database unavailable" in log
        assert "Traceback" not in log
