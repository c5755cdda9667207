"""The error table: every kind of failure answered once per kind of request, and no
answer reads the database (who is signed in was settled before the view ran)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from notesweb.extensions import db
from notesweb.problems import PROBLEM_JSON

from .html import soup


@pytest.fixture
def sql_while_answering(app, monkeypatch):
    """The SQL statements run after the error table started describing a failure."""
    from flask import g

    from notesweb import errors

    seen: list[str] = []
    describe = errors.describe

    def describing(exc):
        g.answering_error = True
        return describe(exc)

    def statement(_conn, _cursor, sql, *_args):
        if g.get("answering_error"):
            seen.append(sql)

    monkeypatch.setattr(errors, "describe", describing)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", statement)
    yield seen
    with app.app_context():
        event.remove(db.engine, "before_cursor_execute", statement)


def broken_list(*_args, **_kwargs):
    raise RuntimeError("a bug")


HTMX = {"HX-Request": "true"}


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "kind"),
    [
        ("GET", "/no/such/page", {}, 404, "page"),
        ("GET", "/notes/999", {}, 404, "page"),
        ("GET", "/notes/999", {"headers": HTMX}, 404, "fragment"),
        ("DELETE", "/notes/", {}, 405, "page"),
        ("POST", "/notes/new", {"data": {"title": "no token"}}, 400, "page"),
        ("POST", "/notes/new", {"data": {"title": "no token"}, "headers": HTMX}, 400, "form"),
        ("GET", "/notes/", {}, 500, "page"),
        ("POST", "/account/tokens/999/revoke", {"headers": {"X-CSRFToken": None}}, 404, "page"),
    ],
)
def test_a_signed_in_error_answer_reads_no_database(
    client, sql_while_answering, monkeypatch, method, url, kwargs, status, kind
):
    from notesweb.notes import service

    monkeypatch.setattr(service, "list_notes", broken_list)
    headers = dict(kwargs.get("headers", {}))
    if "X-CSRFToken" in headers:
        headers["X-CSRFToken"] = csrf_of(client)
    response = client.open(url, method=method, data=kwargs.get("data"), headers=headers)
    assert response.status_code == status
    assert sql_while_answering == []
    page = soup(response)
    if kind == "page":
        assert page.select_one("main .error-page h1") is not None
    elif kind == "fragment":
        assert response.headers["HX-Retarget"] == "#flash"
        assert page.select_one("[role=alert]")["data-status"] == str(status)
    else:  # the form on the page is stale: the text comes back in its place
        assert response.headers["HX-Retarget"] == "this"
        assert response.headers["HX-Reswap"] == "outerHTML"
        assert page.select_one("form#typed-text #title")["value"] == "no token"


def csrf_of(client) -> str:
    from .html import csrf_token

    return csrf_token(client.get("/notes/new"))


@pytest.mark.parametrize(
    ("method", "url", "json", "status"),
    [
        ("GET", "/api/notes/999", None, 404),
        ("PATCH", "/api/notes/999", {"title": "x"}, 404),
        ("POST", "/api/notes", {"title": ""}, 422),
        ("GET", "/api/nothing-here", None, 404),
        ("PUT", "/api/notes", None, 405),
    ],
)
def test_api_errors_are_problems_and_read_no_database(
    api_client, sql_while_answering, method, url, json, status
):
    response = api_client.open(url, method=method, json=json)
    assert response.status_code == status
    assert response.mimetype == PROBLEM_JSON
    assert response.json["status"] == status
    assert sql_while_answering == []


def test_a_version_conflict_is_answered_by_the_table(api_client, make_notes):
    (note_id,) = make_notes(1)
    response = api_client.patch(
        f"/api/notes/{note_id}", json={"title": "x"}, headers={"If-Match": '"7"'}
    )
    assert response.status_code == 412
    assert response.mimetype == PROBLEM_JSON
    assert response.headers["ETag"] == '"1"'


def test_the_service_does_not_know_it_is_behind_http():
    """Services import nothing of werkzeug (nor Flask's abort): they raise the app's own
    exceptions, which the CLI and tests use as they are."""
    import ast
    from pathlib import Path

    import notesweb

    root = Path(notesweb.__file__).parent
    for path in (root / "notes" / "service.py", root / "auth" / "service.py"):
        tree = ast.parse(path.read_text())
        imported = [
            node.module if isinstance(node, ast.ImportFrom) else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import | ast.ImportFrom)
            for alias in node.names
        ]
        names = [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        ]
        assert not any((m or "").startswith("werkzeug") for m in imported), path.name
        assert "abort" not in names, path.name


@pytest.mark.parametrize("url", ["/notes/1/delete", "/logout", "/account/tokens"])
def test_a_form_sent_after_the_session_ended_leads_to_sign_in(anon_client, user, url):
    response = anon_client.post(url, data={"title": "x"})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login?next=")
    swapped = anon_client.post(url, data={"title": "x"}, headers=HTMX)
    assert swapped.headers["HX-Redirect"].startswith("/login?next=")


def test_a_sign_in_form_sent_with_a_stale_token_says_so(anon_client):
    response = anon_client.post("/login", data={"username": "alice", "password": "x"})
    assert response.status_code == 400
    assert "session expired" in soup(response).select_one(".error-page").get_text()
    assert soup(response).select_one("form#typed-text") is None


def test_an_error_fragment_is_not_filtered_by_the_swaps_own_select(client):
    """ "Load more" selects rows out of its answer; an error must still show whole."""
    response = client.get("/notes/?cursor=x", headers=HTMX)
    assert response.headers.get("HX-Reselect") in (None, "unset")
    missing = client.get("/notes/999", headers=HTMX)
    assert missing.headers["HX-Reselect"] == "unset"


def test_a_page_lists_every_field_problem_no_view_caught(client, monkeypatch):
    from notesweb.exceptions import FieldError, ValidationError
    from notesweb.notes import service

    def refuses(*_args, **_kwargs):
        raise ValidationError([FieldError("cursor", "Not yours."), FieldError("limit", "Too big.")])

    monkeypatch.setattr(service, "list_notes", refuses)
    response = client.get("/notes/")
    assert response.status_code == 422
    items = [li.get_text() for li in soup(response).select(".error-page .field-errors li")]
    assert items == ["Cursor: Not yours.", "Limit: Too big."]


def test_what_is_missing_is_named(client, api_client, make_notes):
    (note_id,) = make_notes(1)
    missing = note_id + 1
    page = soup(client.get(f"/notes/{missing}"))
    assert page.select_one(".error-page p").get_text() == f"There is no note {missing}."
    problem = api_client.delete(f"/api/notes/{missing}").json
    assert problem["detail"] == f"There is no note {missing}."
    revoke = client.post("/account/tokens/77/revoke", headers={"X-CSRFToken": csrf_of(client)})
    assert revoke.status_code == 404
    assert soup(revoke).select_one(".error-page p").get_text() == "There is no API token 77."
