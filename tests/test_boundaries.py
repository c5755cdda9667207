"""Every limit, right at it and one past it: titles, bodies, passwords and token
names; and the control characters a browser or a program could slip in."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from notesweb.extensions import db
from notesweb.limits import BODY_MAX, PASSWORD_MAX, TITLE_MAX, TOKEN_NAME_MAX
from notesweb.models import User

from .conftest import PASSWORD, sign_in
from .html import Browser, textarea_value

PROBLEM = "application/problem+json"

AT_THE_LIMIT = {
    "title": "t" * TITLE_MAX,
    "body": "b" * BODY_MAX,
}
OVER_THE_LIMIT = {
    "title": ("t" * (TITLE_MAX + 1), f"at most {TITLE_MAX} characters"),
    "body": ("b" * (BODY_MAX + 1), f"at most {BODY_MAX:,} characters"),
}


def field_errors(response) -> dict[str, str]:
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    return {e["field"]: e["message"] for e in response.get_json(force=True)["errors"]}


def basic(username: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def fields_with(field: str, value: str) -> dict[str, str]:
    return {"title": "ok", "body": ""} | {field: value}


# Notes: the API


@pytest.mark.parametrize(
    ("field", "sent", "kept"),
    [
        ("title", AT_THE_LIMIT["title"], AT_THE_LIMIT["title"]),
        # The limit counts what is left once the ends are trimmed.
        ("title", f" \t{AT_THE_LIMIT['title']}\r\n", AT_THE_LIMIT["title"]),
        ("body", AT_THE_LIMIT["body"], AT_THE_LIMIT["body"]),
    ],
    ids=["title", "title-with-trimmed-ends", "body"],
)
def test_the_api_accepts_fields_at_their_limit(api_client, field, sent, kept):
    response = api_client.post("/api/notes", json=fields_with(field, sent))
    assert response.status_code == 201
    assert response.get_json()[field] == kept
    stored = api_client.get(response.headers["Location"]).get_json()
    assert stored[field] == kept


@pytest.mark.parametrize("field", ["title", "body"])
def test_the_api_refuses_a_change_one_past_the_limit(api_client, make_notes, field):
    (note_id,) = make_notes(1)
    value, message = OVER_THE_LIMIT[field]
    errors = field_errors(api_client.patch(f"/api/notes/{note_id}", json={field: value}))
    assert set(errors) == {field}
    assert message in errors[field]
    note = api_client.get(f"/api/notes/{note_id}").get_json()
    assert (note["title"], note["body"], note["version"]) == ("Note 0", "Body 0", 1)


# Notes: the forms


@pytest.mark.parametrize("field", ["title", "body"])
def test_the_form_accepts_fields_at_their_limit(browser_client, field):
    typed = fields_with(field, AT_THE_LIMIT[field])
    page = browser_client.submit(browser_client.get("/notes/new"), "#note-form", **typed)
    assert page.status == 200
    assert page.flash_messages() == ["Note created."]
    shown = {
        "title": page.html.select_one("article h1").get_text(),
        "body": page.html.select_one("article .note-body").get_text().strip(),
    }
    assert shown[field] == AT_THE_LIMIT[field]


@pytest.mark.parametrize("field", ["title", "body"])
def test_the_edit_form_refuses_one_past_the_limit(browser_client, make_notes, field):
    (note_id,) = make_notes(1)
    value, message = OVER_THE_LIMIT[field]
    edit = browser_client.get(f"/notes/{note_id}/edit")
    page = browser_client.submit(edit, "#note-form", **{field: value})
    assert page.status == 422
    assert message in page.html.select_one(f"#{field}-error").get_text()
    assert page.html.select_one(f"#{field}")["aria-invalid"] == "true"
    shown = browser_client.get(f"/notes/{note_id}").html
    assert shown.select_one("article h1").get_text() == "Note 0"
    assert shown.select_one("article .note-body").get_text().strip() == "Body 0"


# Control characters that are whitespace to Python but not allowed in a note

CONTROL_WHITESPACE = pytest.mark.parametrize(
    "char", ["\v", "\f"], ids=["vertical-tab", "form-feed"]
)
BOTH_FIELDS = pytest.mark.parametrize("field", ["title", "body"])


@CONTROL_WHITESPACE
@BOTH_FIELDS
def test_the_api_refuses_vertical_tabs_and_form_feeds(api_client, field, char):
    for value in (f"Note{char}", f"one{char}two"):
        errors = field_errors(api_client.post("/api/notes", json=fields_with(field, value)))
        assert set(errors) == {field}
        assert "control characters" in errors[field]
    assert api_client.get("/api/notes").get_json()["total"] == 0


@CONTROL_WHITESPACE
@BOTH_FIELDS
def test_the_form_refuses_vertical_tabs_and_form_feeds(browser_client, field, char):
    value = f"Note{char}"
    page = browser_client.submit(
        browser_client.get("/notes/new"), "#note-form", **fields_with(field, value)
    )
    assert page.status == 422
    assert "control characters" in page.html.select_one(f"#{field}-error").get_text()
    kept = {
        "title": page.html.select_one("#title")["value"],
        "body": textarea_value(page.html.select_one("#body")),
    }
    assert kept[field] == value
    assert browser_client.get("/notes/").html.select("#note-list article") == []


# Passwords


def passphrase(length: int) -> str:
    return ("Correct-Horse-Battery-Staple-" * (length // 29 + 1))[:length]


def test_a_password_of_the_maximum_length_is_accepted_whole(app, anon_client):
    password = passphrase(PASSWORD_MAX)
    browser = Browser(anon_client)
    page = browser.submit(browser.get("/signup"), "#signup-form", username="max", password=password)
    assert page.url == "/notes/"
    assert page.flash_messages() == ["Welcome, max."]
    fresh = app.test_client()
    assert sign_in(fresh, "max", password[:-1]).status == 401
    assert sign_in(fresh, "max", password).url == "/notes/"


def test_a_password_one_past_the_maximum_is_refused(app, anon_client):
    from notesweb.auth import service

    browser = Browser(anon_client)
    page = browser.submit(
        browser.get("/signup"),
        "#signup-form",
        username="toolong",
        password=passphrase(PASSWORD_MAX + 1),
    )
    assert page.status == 422
    error = page.html.select_one("#password-error").get_text()
    assert f"at most {PASSWORD_MAX} characters" in error
    with app.app_context():
        assert service.find_user("toolong") is None


# Token names


def token_names(app) -> list[str]:
    from notesweb.models import ApiToken

    with app.app_context():
        return list(db.session.scalars(select(ApiToken.name).order_by(ApiToken.id)))


def test_the_api_accepts_a_token_name_of_the_maximum_length(app, anon_client, user):
    name = "n" * TOKEN_NAME_MAX
    response = anon_client.post(
        "/api/tokens", json={"name": name}, headers=basic("alice", PASSWORD)
    )
    assert response.status_code == 201
    assert token_names(app) == [name]
    assert response.get_json()["token"].startswith("nw_")


def test_the_api_refuses_a_token_name_one_past_the_maximum(app, anon_client, user):
    response = anon_client.post(
        "/api/tokens",
        json={"name": "n" * (TOKEN_NAME_MAX + 1)},
        headers=basic("alice", PASSWORD),
    )
    errors = field_errors(response)
    assert set(errors) == {"name"}
    assert f"at most {TOKEN_NAME_MAX} characters" in errors["name"]
    assert token_names(app) == []


def test_the_account_page_accepts_a_token_name_of_the_maximum_length(app, client):
    name = "n" * TOKEN_NAME_MAX
    browser = Browser(client)
    page = browser.submit(browser.get("/account"), "#token-form", name=name, password=PASSWORD)
    assert page.status == 200
    assert page.html.select_one("#new-token").get_text().startswith("nw_")
    rows = page.html.select("#tokens tbody tr")
    assert [row.select_one("td").get_text(strip=True) for row in rows] == [name]
    assert token_names(app) == [name]


def test_the_largest_id_there_is_names_a_note_and_a_token(
    app, user, client, api_client, other_writer
):
    """Ids run up to ID_MAX (32 bits on every database); only past it is nothing found."""
    from sqlalchemy import text

    from notesweb.limits import ID_MAX

    from .html import csrf_token

    with other_writer.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO notes (id, owner_id, title, body, created_at, updated_at, version)"
                " VALUES (:id, :owner, 'Last', '', :now, :now, 1)"
            ),
            {"id": ID_MAX, "owner": user.id, "now": "2026-01-01 00:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at)"
                " VALUES (:id, :owner, 'last', 'x', :now, :now)"
            ),
            {"id": ID_MAX, "owner": user.id, "now": "2026-01-01 00:00:00"},
        )
    assert api_client.get(f"/api/notes/{ID_MAX}").json["title"] == "Last"
    assert api_client.get(f"/api/notes/{ID_MAX + 1}").status_code == 404
    token = csrf_token(client.get("/account"))
    revoked = client.post(f"/account/tokens/{ID_MAX}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303


def test_a_note_made_without_a_body_has_an_empty_one(app, user):
    from notesweb.notes import service

    with app.app_context():
        assert service.create_note(db.session.get(User, user.id), "Title only").body == ""
