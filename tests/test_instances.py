"""Two gunicorn instances on one database and one Redis, as a scaled-out deployment
runs: whatever one instance did, the other sees. (The PostgreSQL pass of CI runs this
on PostgreSQL; the SQLite pass on one shared file.)"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import requests
from requests.adapters import HTTPAdapter

from .conftest import PASSWORD
from .servers import Client, Gunicorn, gunicorn, nginx, page, prepare_database


@pytest.fixture
def instances(database_url, redis_url) -> Iterator[tuple[Gunicorn, Gunicorn]]:
    prepare_database(database_url)
    shared = {
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_NAMESPACE": uuid.uuid4().hex,
        "LOGIN_RATE_LIMIT": "5 per minute",
        # Failed sign-ins per address over all usernames: as tight as per pair here, so
        # that one client trying five names is stopped like one trying five passwords.
        "LOGIN_ADDRESS_RATE_LIMIT": "5 per minute",
        "TRUSTED_PROXIES": "1",
        "LOG_LEVEL": "INFO",
    }
    with gunicorn(database_url, **shared) as one, gunicorn(database_url, **shared) as other:
        yield one, other


def test_a_note_made_on_one_instance_is_seen_edited_and_deleted_on_the_other(instances):
    one, other = (server.url for server in instances)
    on_one = Client()
    on_one.sign_in(one)

    # The other instance gets nothing but the cookie the first one set.
    on_other = Client()
    on_other.headers["Cookie"] = f"session={on_one.cookies['session']}"
    assert page(on_other.get(f"{other}/notes/")).select_one("#notes") is not None

    created = on_one.submit(f"{one}/notes/new", "#note-form", title="Shared", body="one")
    note_id = int(page(created).select_one("article[data-note-id]")["data-note-id"])
    seen = page(on_other.get(f"{other}/notes/{note_id}"))
    assert seen.select_one("main h1").get_text() == "Shared"

    edited = on_other.submit(f"{other}/notes/{note_id}/edit", "#note-form", body="other")
    assert edited.status_code == 200
    shown = page(on_one.get(f"{one}/notes/{note_id}"))
    assert shown.select_one(".note-body").get_text().strip() == "other"

    token = Client().post(f"{one}/api/tokens", auth=("alice", PASSWORD)).json()["token"]
    api = Client()
    api.headers["Authorization"] = f"Bearer {token}"
    patched = api.patch(f"{other}/api/notes/{note_id}", json={"title": "Both"})
    assert patched.status_code == 200
    assert patched.json()["version"] == 3

    deleted = on_one.submit(f"{one}/notes/{note_id}", "#delete-form")
    assert deleted.status_code == 200
    assert on_other.get(f"{other}/notes/{note_id}").status_code == 404
    assert api.get(f"{other}/api/notes/{note_id}").status_code == 404


def test_sign_in_attempts_are_counted_across_instances(instances):
    one, other = (server.url for server in instances)
    for url in (one, other, one, other, one):
        refused = Client().submit(f"{url}/login", "#login-form", username="alice", password="x")
        assert refused.status_code == 401
    limited = Client().submit(f"{other}/login", "#login-form", username="alice", password=PASSWORD)
    assert limited.status_code == 429


class FromAddress(HTTPAdapter):
    """Connects from a loopback address of its own: a client nginx can tell apart."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def client_at(address: str) -> Client:
    client = Client()
    client.mount("http://", FromAddress(address))
    return client


def test_nginx_spreads_requests_over_both_and_passes_on_who_is_asking(instances):
    one, other = instances
    with nginx(one.address, other.address) as front:
        for _ in range(10):
            assert requests.get(f"{front}/login", timeout=15).status_code == 200
        for server in instances:
            assert '"path": "/login"' in server.output()

        # Five failures from one client, each claiming another address: nginx replaces
        # the claim, so the app counts the client's real address, on both instances.
        mallory = client_at("127.0.0.2")
        for n in range(6):
            claim = {"X-Forwarded-For": f"203.0.113.{n}"}
            answer = mallory.submit(
                f"{front}/login", "#login-form", claim, username=f"guess{n}", password="x"
            )
            assert answer.status_code == (401 if n < 5 else 429)
        elsewhere = client_at("127.0.0.3")
        answer = elsewhere.submit(f"{front}/login", "#login-form", username="alice", password="x")
        assert answer.status_code == 401
