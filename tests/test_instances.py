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

from notesweb.extensions import db

from .conftest import PASSWORD, make_app
from .html import form_fields
from .servers import gunicorn


def page(response: requests.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def submit(browser: requests.Session, url: str, form: str, **typed) -> requests.Response:
    """Reads the page at `url` and sends its `form` with `typed` filled in."""
    found = page(browser.get(url)).select_one(form)
    action = urljoin(url, found["action"])
    return browser.post(action, data=form_fields(found) | typed)


@pytest.fixture
def instances(database_url, redis_url) -> Iterator[tuple[str, str]]:
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
    }
    with gunicorn(database_url, **shared) as one, gunicorn(database_url, **shared) as other:
        yield one.url, other.url


def test_a_note_made_on_one_instance_is_seen_edited_and_deleted_on_the_other(instances):
    one, other = instances
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
    one, other = instances
    for url in (one, other, one, other, one):
        refused = submit(
            requests.Session(), f"{url}/login", "#login-form", username="alice", password="wrong"
        )
        assert refused.status_code == 401
    limited = submit(
        requests.Session(), f"{other}/login", "#login-form", username="alice", password=PASSWORD
    )
    assert limited.status_code == 429
