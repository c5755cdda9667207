"""Two gunicorn instances on one database and one Redis, as a scaled-out deployment
runs: whatever one instance did, the other sees. (The PostgreSQL pass of CI runs this
on PostgreSQL; the SQLite pass on one shared file.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from urllib.parse import urljoin

import pytest
import requests
from bs4 import BeautifulSoup
from flask_migrate import upgrade
from requests.adapters import HTTPAdapter

from notesweb.extensions import db

from .conftest import PASSWORD, make_app
from .html import form_fields
from .servers import Gunicorn, gunicorn, nginx


def page(response: requests.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def submit(browser: requests.Session, url: str, form: str, **typed) -> requests.Response:
    """Reads the page at `url` and sends its `form` with `typed` filled in."""
    found = page(browser.get(url)).select_one(form)
    action = urljoin(url, found["action"])
    return browser.post(action, data=form_fields(found) | typed)


@pytest.fixture
def instances(database_url, redis_url) -> Iterator[tuple[Gunicorn, Gunicorn]]:
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        from notesweb.auth import service

        service.create_user("alice", PASSWORD)
        db.engine.dispose()
    shared = {
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_NAMESPACE": uuid.uuid4().hex,
        "LOGIN_RATE_LIMIT": "5 per minute",
        "TRUSTED_PROXIES": "1",
        "LOG_LEVEL": "INFO",
    }
    with gunicorn(database_url, **shared) as one, gunicorn(database_url, **shared) as other:
        yield one, other


def test_a_note_made_on_one_instance_is_seen_edited_and_deleted_on_the_other(instances):
    one, other = (server.url for server in instances)
    on_one = requests.Session()
    signed_in = submit(on_one, f"{one}/login", "#login-form", username="alice", password=PASSWORD)
    assert signed_in.url == f"{one}/notes/"

    # The other instance gets nothing but the cookie the first one set.
    on_other = requests.Session()
    on_other.headers["Cookie"] = f"session={on_one.cookies['session']}"
    assert page(on_other.get(f"{other}/notes/")).select_one("#notes") is not None

    created = submit(on_one, f"{one}/notes/new", "#note-form", title="Shared", body="one")
    note_id = int(page(created).select_one("article[data-note-id]")["data-note-id"])
    seen = page(on_other.get(f"{other}/notes/{note_id}"))
    assert seen.select_one("main h1").get_text() == "Shared"

    edited = submit(on_other, f"{other}/notes/{note_id}/edit", "#note-form", body="other")
    assert edited.status_code == 200
    assert page(on_one.get(f"{one}/notes/{note_id}")).select_one(".note-body").get_text() == (
        "other"
    )

    token = requests.post(f"{one}/api/tokens", auth=("alice", PASSWORD)).json()["token"]
    api = {"Authorization": f"Bearer {token}"}
    patched = requests.patch(f"{other}/api/notes/{note_id}", json={"title": "Both"}, headers=api)
    assert patched.status_code == 200
    assert patched.json()["version"] == 3

    deleted = submit(on_one, f"{one}/notes/{note_id}/delete", "#delete-form")
    assert deleted.status_code == 200
    assert on_other.get(f"{other}/notes/{note_id}").status_code == 404
    assert requests.get(f"{other}/api/notes/{note_id}", headers=api).status_code == 404


def test_sign_in_attempts_are_counted_across_instances(instances):
    one, other = (server.url for server in instances)
    for url in (one, other, one, other, one):
        refused = submit(
            requests.Session(), f"{url}/login", "#login-form", username="alice", password="wrong"
        )
        assert refused.status_code == 401
    limited = submit(
        requests.Session(), f"{other}/login", "#login-form", username="alice", password=PASSWORD
    )
    assert limited.status_code == 429


class FromAddress(HTTPAdapter):
    """Connects from a loopback address of its own: a client nginx can tell apart."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def client_at(address: str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


def test_nginx_spreads_requests_over_both_and_passes_on_who_is_asking(instances):
    one, other = instances
    with nginx(one.address, other.address) as front:
        for _ in range(10):
            assert requests.get(f"{front}/login").status_code == 200
        for server in instances:
            assert '"path": "/login"' in server.output()

        # Five failures from one client, each claiming another address: nginx replaces
        # the claim, so the app counts the client's real address, on both instances.
        mallory = client_at("127.0.0.2")
        for n in range(6):
            mallory.headers["X-Forwarded-For"] = f"203.0.113.{n}"
            answer = submit(
                mallory, f"{front}/login", "#login-form", username=f"guess{n}", password="x"
            )
            assert answer.status_code == (401 if n < 5 else 429)
        elsewhere = client_at("127.0.0.3")
        answer = submit(elsewhere, f"{front}/login", "#login-form", username="alice", password="x")
        assert answer.status_code == 401
