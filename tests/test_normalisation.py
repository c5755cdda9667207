"""What is trimmed, folded or filled in, and what is kept exactly as typed."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import select

from notesweb.extensions import db
from notesweb.models import User

from .conftest import PASSWORD, change_password, sign_in
from .html import Browser

# A username long enough that "the password is the username" is the only objection.
LONG_NAME = "marguerite42"
LONG_NAME_PASSWORD = "marguerite's long passphrase"

WIDE_SPACES = pytest.mark.parametrize(
    "space", ["\u00a0", "\u3000"], ids=["no-break-space", "ideographic-space"]
)


def basic(username: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def sign_up(client, username: str, password: str = PASSWORD):
    browser = Browser(client)
    return browser.submit(
        browser.get("/signup"), "#signup-form", username=username, password=password
    )


# Titles: only spaces, tabs and line breaks are trimmed


@WIDE_SPACES
def test_the_api_keeps_other_spaces_at_a_titles_ends(api_client, space):
    title = f"{space}Indented{space}"
    response = api_client.post("/api/notes", json={"title": f" {title}\n"})
    assert response.status_code == 201
    assert response.get_json()["title"] == title
    assert api_client.get(response.headers["Location"]).get_json()["title"] == title


@WIDE_SPACES
def test_the_form_keeps_other_spaces_at_a_titles_ends(browser_client, space):
    title = f"{space}Indented{space}"
    page = browser_client.submit(browser_client.get("/notes/new"), "#note-form", title=f" {title} ")
    assert page.flash_messages() == ["Note created."]
    assert page.html.select_one("article h1").get_text() == title
    edit = browser_client.follow(page, "a[href$='/edit']")
    assert edit.html.select_one("#title")["value"] == title


# Usernames and passwords


def test_a_username_is_trimmed_at_sign_up(app, anon_client, runner):
    page = sign_up(anon_client, " bob ")
    assert page.url == "/notes/"
    assert page.flash_messages() == ["Welcome, bob."]
    assert page.html.select_one("nav a[href='/account']").get_text() == "bob"
    assert sign_in(app.test_client(), "bob").url == "/notes/"
    listed = runner.invoke(args=["user", "list"])
    assert [line.split("\t")[0] for line in listed.output.splitlines()] == ["bob"]


def test_usernames_are_keyed_in_lower_case_as_the_migration_keys_them(app, anon_client):
    """Migration 0002 made the named owner's key with lower(); the service must key
    every name the same way, or that owner could never sign in."""
    from sqlalchemy import text

    from notesweb.extensions import db

    sign_up(anon_client, "Carol.Ann")
    with app.app_context():
        keys = db.session.execute(text("SELECT username, username_key FROM users")).all()
    assert [tuple(row) for row in keys] == [("Carol.Ann", "carol.ann")]


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("", "Username is required."),
        ("   ", "Username is required."),
        ("no spaces", "Username may hold letters a–z, digits, dots, dashes and underscores."),
        ("ünï", "Username may hold letters a–z, digits, dots, dashes and underscores."),
    ],
)
def test_a_refused_username_is_told_why_in_so_many_words(anon_client, username, message):
    page = sign_up(anon_client, username)
    assert page.status == 422
    assert page.html.select_one("#username-error").get_text() == message


@pytest.mark.parametrize(
    "password", ["QWERTY123456", "LeaveMeAlone", "FinalFantasy", "1QAZ2WSX3EDC"]
)
def test_the_common_password_check_ignores_case(app, anon_client, password):
    from notesweb.auth import service

    page = sign_up(anon_client, "carol", password)
    assert page.status == 422
    assert "most common" in page.html.select_one("#password-error").get_text()
    with app.app_context():
        assert service.find_user("carol") is None


@pytest.fixture
def long_named(app):
    from notesweb.auth import service

    with app.app_context():
        service.create_user(LONG_NAME, LONG_NAME_PASSWORD)


def password_hash(app, username: str) -> str:
    from notesweb.models import User

    with app.app_context():
        return db.session.scalar(select(User.password_hash).where(User.username == username))


USERNAME_IN_ANY_CASE = pytest.mark.parametrize(
    "new_password", [LONG_NAME, LONG_NAME.upper(), LONG_NAME.capitalize()]
)


@USERNAME_IN_ANY_CASE
def test_the_password_form_refuses_the_username_in_any_case(app, long_named, new_password):
    client = app.test_client()
    sign_in(client, LONG_NAME, LONG_NAME_PASSWORD)
    before = password_hash(app, LONG_NAME)
    page = change_password(client, LONG_NAME_PASSWORD, new_password)
    assert page.status == 422
    error = page.html.select_one("#new_password-error").get_text()
    assert "must not be the username" in error
    assert password_hash(app, LONG_NAME) == before
    assert client.get("/notes/").status_code == 200


@USERNAME_IN_ANY_CASE
def test_the_cli_refuses_the_username_in_any_case_as_a_password(
    app, runner, long_named, new_password
):
    signed_in = app.test_client()
    sign_in(signed_in, LONG_NAME, LONG_NAME_PASSWORD)
    before = password_hash(app, LONG_NAME)
    result = runner.invoke(
        args=["user", "set-password", LONG_NAME, "--password-stdin"], input=new_password
    )
    assert result.exit_code != 0
    assert "must not be the username" in result.output
    assert password_hash(app, LONG_NAME) == before
    assert signed_in.get("/notes/").status_code == 200


# Token names

BLANK_NAMES = pytest.mark.parametrize("name", ["", "   ", " \t "], ids=["empty", "spaces", "tab"])


def token_names(app) -> list[str]:
    from notesweb.models import ApiToken

    with app.app_context():
        return list(db.session.scalars(select(ApiToken.name).order_by(ApiToken.id)))


@BLANK_NAMES
def test_the_api_names_a_token_left_blank(app, anon_client, user, name):
    response = anon_client.post(
        "/api/tokens", json={"name": name}, headers=basic("alice", PASSWORD)
    )
    assert response.status_code == 201
    assert token_names(app) == ["API token"]


def test_the_api_names_a_token_sent_without_a_body(app, anon_client, user):
    response = anon_client.post("/api/tokens", headers=basic("alice", PASSWORD))
    assert response.status_code == 201
    assert token_names(app) == ["API token"]


@BLANK_NAMES
def test_the_account_page_names_a_token_left_blank(app, client, name):
    browser = Browser(client)
    page = browser.submit(browser.get("/account"), "#token-form", name=name, password=PASSWORD)
    assert page.status == 200
    rows = page.html.select("#tokens tbody tr")
    assert [row.select_one("td").get_text(strip=True) for row in rows] == ["API token"]
    assert token_names(app) == ["API token"]


def test_a_refused_new_password_is_reported_on_the_password_field(app, user):
    from notesweb.auth import service
    from notesweb.exceptions import ValidationError
    from notesweb.extensions import db

    with app.app_context(), pytest.raises(ValidationError) as refused:
        service.set_password(db.session.get(User, user.id), "short")
    assert [e.field for e in refused.value.errors] == ["password"]
