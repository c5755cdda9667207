"""A database that cannot be reached: 503 pages, 503 problems, /readyz failing, and
nothing anyone typed thrown away. (test_outage.py stops a real server under gunicorn;
these read every kind of answer in process, against a port where nothing listens.)"""

from __future__ import annotations

import sqlite3

import pytest

from notesweb.problems import PROBLEM_JSON

from .conftest import make_app
from .html import csrf_token, form_fields, html_problems, soup
from .servers import free_port

TYPED = {"title": "Written while the database was away", "body": "Line one\nLine two"}


@pytest.fixture
def unreachable():
    """An app whose PostgreSQL refuses every connection."""
    app = make_app(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/notesweb")
    return app


@pytest.fixture
def signed_in(unreachable):
    """A browser whose session names a sign-in that can no longer be looked up."""
    client = unreachable.test_client()
    token = csrf_token(client.get("/login"))
    with client.session_transaction() as session:
        session["_user_id"] = "a sign-in made before the database went away"
    return client, token


def assert_unavailable_page(response, fragment: bool = False):
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "temporarily unavailable" in text
    assert "Traceback" not in text and "psycopg" not in text
    if not fragment:
        assert soup(response).select_one("main h1").get_text() == "Service Unavailable"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/notes"),
        ("POST", "/api/notes"),
        ("GET", "/api/notes/1"),
        ("PATCH", "/api/notes/1"),
        ("DELETE", "/api/notes/1"),
        ("DELETE", "/api/tokens"),
    ],
)
def test_the_api_answers_503_problem_json(unreachable, method, path):
    body = {"title": "t"} if method in ("POST", "PATCH") else None
    response = unreachable.test_client().open(
        path, method=method, json=body, headers={"Authorization": "Bearer nw_anything"}
    )
    assert response.status_code == 503
    assert response.mimetype == PROBLEM_JSON
    assert response.json["status"] == 503
    assert "try again" in response.json["detail"]
    assert int(response.headers["Retry-After"]) > 0


def test_a_token_request_answers_503_problem_json(unreachable):
    response = unreachable.test_client().post("/api/tokens", auth=("alice", "a password"))
    assert response.status_code == 503
    assert response.mimetype == PROBLEM_JSON


def test_every_api_operation_documents_its_503(unreachable):
    spec = unreachable.test_client().get("/api/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert "503" in operation["responses"], f"{method.upper()} {path}"


def test_readyz_fails_and_healthz_answers(unreachable):
    client = unreachable.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json == {"status": "unavailable", "database": "unreachable"}
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("path", ["/notes/", "/notes/1", "/notes/new", "/account"])
def test_signed_in_pages_answer_503_in_the_site_layout(signed_in, path):
    client, _ = signed_in
    assert_unavailable_page(client.get(path))


def test_signing_in_answers_503_and_never_echoes_the_password(unreachable):
    client = unreachable.test_client()
    password = "a distinctive passphrase 7f3a"
    token = csrf_token(client.get("/login"))
    response = client.post(
        "/login", data={"csrf_token": token, "username": "alice", "password": password}
    )
    assert_unavailable_page(response)
    assert password not in response.get_data(as_text=True)
    assert soup(response).select_one("form#typed-text") is None


@pytest.mark.parametrize(("method", "path"), [("GET", "/no/such/page"), ("PUT", "/notes/1")])
def test_other_errors_of_a_signed_in_visitor_answer_503(signed_in, method, path):
    """A 404 or 405 page shows who is signed in, which cannot be read now."""
    client, _ = signed_in
    assert_unavailable_page(client.open(path, method=method))


@pytest.mark.parametrize(("path", "version"), [("/notes/new", ""), ("/notes/7/edit", "3")])
def test_a_note_sent_meanwhile_comes_back_ready_to_send_again(signed_in, path, version):
    client, token = signed_in
    response = client.post(path, data={"csrf_token": token, "version": version, **TYPED})
    assert_unavailable_page(response)
    assert response.headers["Cache-Control"] == "no-store"
    form = soup(response).select_one("form#typed-text")
    assert form["action"] == path
    assert form["method"] == "post"
    sent_again = form_fields(form)
    assert sent_again.pop("csrf_token")
    assert sent_again == {"version": version, **TYPED}
    for name in TYPED:
        assert soup(response).select_one(f"form#typed-text label[for={name}]") is not None


def test_an_htmx_swap_shows_the_problem_in_the_status_region(signed_in):
    client, token = signed_in
    response = client.post(
        "/notes/new", data={"csrf_token": token, **TYPED}, headers={"HX-Request": "true"}
    )
    assert_unavailable_page(response, fragment=True)
    assert response.headers["HX-Retarget"] == "#flash"
    assert soup(response).select_one("[role=alert]")["data-status"] == "503"


def test_the_503_pages_are_valid_html(java, signed_in, tmp_path):
    client, token = signed_in
    pages = {
        "unavailable": client.get("/notes/"),
        "unavailable-with-typed-text": client.post(
            "/notes/new", data={"csrf_token": token, **TYPED}
        ),
    }
    html = {name: response.get_data() for name, response in pages.items()}
    assert html_problems(java, tmp_path, html) == []


def sqlite_file(app) -> str:
    """The app's SQLite file, for a test about SQLite's own errors."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite"):
        pytest.skip("SQLite's own errors; this run is on PostgreSQL")
    return url.removeprefix("sqlite:///")


def drop_table(app, name: str) -> None:
    with sqlite3.connect(sqlite_file(app)) as connection:
        connection.execute(f"DROP TABLE {name}")


def test_a_locked_sqlite_database_answers_503_not_500(api_client, app):
    """busy_timeout waits 5 s for a writer; a lock held longer is a 503, never a 500."""
    holder = sqlite3.connect(sqlite_file(app))
    holder.execute("BEGIN EXCLUSIVE")
    try:
        response = api_client.post("/api/notes", json=TYPED)
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert response.mimetype == PROBLEM_JSON
    assert api_client.post("/api/notes", json=TYPED).status_code == 201


def test_a_form_without_a_valid_csrf_token_comes_back_without_a_new_one(signed_in):
    """The text is handed back, but sending it again meets the CSRF check (which asks
    who is signed in) instead of passing on the strength of a token made here."""
    client, _ = signed_in
    response = client.post("/notes/new", data={"csrf_token": "forged", **TYPED})
    assert_unavailable_page(response)
    sent_again = form_fields(soup(response).select_one("form#typed-text"))
    assert "csrf_token" not in sent_again
    assert {name: sent_again[name] for name in TYPED} == TYPED


def test_text_handed_back_without_a_token_gets_none_through_htmx_either(signed_in):
    """With JavaScript on, htmx would send the page's X-CSRFToken header instead."""
    client, token = signed_in
    forged = client.post("/notes/new", data={"csrf_token": "forged", **TYPED})
    assert not soup(forged).select_one("body").has_attr("data-hx-headers")
    valid = client.post("/notes/new", data={"csrf_token": token, **TYPED})
    assert soup(valid).select_one("body").has_attr("data-hx-headers")


def test_a_body_too_large_to_read_answers_without_a_500(signed_in):
    client, token = signed_in
    response = client.post("/notes/new", data={"csrf_token": token, "body": "x" * 1_100_000})
    assert_unavailable_page(response)
    assert soup(response).select_one("form#typed-text") is None


def test_a_bug_that_sqlite_reports_is_a_500_not_an_outage(app, api_client):
    """SQLite raises OperationalError for a missing table too: that is no outage."""
    drop_table(app, "notes")
    response = api_client.get("/api/notes")
    assert response.status_code == 500
    assert response.mimetype == PROBLEM_JSON
    assert response.json["status"] == 500


def test_a_bug_met_while_reading_who_is_signed_in_is_a_500_page(app, client):
    drop_table(app, "login_sessions")
    response = client.get("/notes/")
    assert response.status_code == 500
    assert soup(response).select_one("main h1").get_text() == "Internal Server Error"
