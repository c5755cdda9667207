"""Every answer carries its request id: in the header, in every problem body, and on
every error page, so that what a person or a program quotes leads to the log line."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import OperationalError

from notesweb.problems import PROBLEM_JSON

from .conftest import make_app
from .html import soup

ID = "quote-me-42"


def raising(exc: Exception):
    def raise_it(*_args, **_kwargs):
        raise exc

    return raise_it


LOCKED = OperationalError("UPDATE notes", {}, sqlite3.OperationalError("database is locked"))


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status"),
    [
        ("GET", "/api/notes/999", {}, 404),
        ("DELETE", "/api/notes", {}, 405),
        ("POST", "/api/notes", {"data": "{", "content_type": "application/json"}, 400),
        ("POST", "/api/notes", {"data": "title=x"}, 415),
        ("POST", "/api/notes", {"json": {"title": ""}}, 422),
        ("PATCH", "/api/notes/{id}", {"json": {"title": "x"}, "headers": {"If-Match": '"9"'}}, 412),
        ("POST", "/api/notes", {"data": "x" * 2_000_000, "content_type": "application/json"}, 413),
        ("GET", "/api/notes?limit=1", {"monkeypatch": RuntimeError("a bug")}, 500),
        ("GET", "/api/notes?limit=1", {"monkeypatch": LOCKED}, 503),
    ],
)
def test_every_problem_names_its_request(
    api_client, make_notes, monkeypatch, method, url, kwargs, status
):
    from notesweb.notes import service

    (note_id,) = make_notes(1)
    if failure := kwargs.pop("monkeypatch", None):
        monkeypatch.setattr(service, "list_notes_by_offset", raising(failure))
    headers = {"X-Request-ID": ID, **kwargs.pop("headers", {})}
    response = api_client.open(url.format(id=note_id), method=method, headers=headers, **kwargs)
    assert response.status_code == status
    assert response.mimetype == PROBLEM_JSON
    assert response.headers["X-Request-ID"] == ID
    assert response.json["request_id"] == ID


def test_an_unauthenticated_and_a_rate_limited_problem_name_their_request(database_url):
    from flask_migrate import upgrade

    app = make_app(database_url, API_AUTH_FAILURE_LIMIT="1 per minute")
    with app.app_context():
        upgrade()
    client = app.test_client()
    bearer = {"Authorization": "Bearer not-a-token"}
    first = client.get("/api/notes", headers={"X-Request-ID": "first"} | bearer)
    second = client.get("/api/notes", headers={"X-Request-ID": "second"} | bearer)
    assert (first.status_code, first.json["request_id"]) == (401, "first")
    assert (second.status_code, second.json["request_id"]) == (429, "second")


def test_a_generated_id_is_the_one_in_the_body(api_client):
    response = api_client.get("/api/notes/999", headers={"X-Request-ID": "not sane!"})
    generated = response.headers["X-Request-ID"]
    assert generated != "not sane!" and len(generated) == 32
    assert response.json["request_id"] == generated


@pytest.mark.parametrize(
    ("method", "url", "data", "status"),
    [
        ("GET", "/no/such/page", None, 404),
        ("GET", "/notes/999", None, 404),
        ("POST", "/notes/new", {"title": "no token"}, 400),
        ("GET", "/notes/", None, 500),
        ("GET", "/notes/", "locked", 503),
    ],
)
def test_every_error_page_says_which_id_to_quote(client, monkeypatch, method, url, data, status):
    from notesweb.notes import service

    failure = LOCKED if data == "locked" else RuntimeError("a bug")
    monkeypatch.setattr(service, "list_notes", raising(failure))
    form = data if isinstance(data, dict) else None
    response = client.open(url, method=method, data=form, headers={"X-Request-ID": ID})
    assert response.status_code == status
    quoted = [code.get_text() for code in soup(response).select(".error-page code")]
    assert quoted == [ID]


def test_an_htmx_server_error_says_which_id_to_quote(client, monkeypatch):
    from notesweb.notes import service

    monkeypatch.setattr(service, "list_notes", raising(RuntimeError("a bug")))
    response = client.get("/notes/", headers={"X-Request-ID": ID, "HX-Request": "true"})
    assert response.status_code == 500
    assert [code.get_text() for code in soup(response).select("[role=alert] code")] == [ID]
