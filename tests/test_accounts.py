"""Accounts in the browser: sign up, sign in and out, and who may see which notes."""

from __future__ import annotations

import re

import pytest

from notesweb.extensions import db

from .conftest import PASSWORD, change_password, sign_in
from .html import Browser, soup


def sign_up(client, username: str, password: str = PASSWORD):
    browser = Browser(client)
    return browser.submit(
        browser.get("/signup"), "#signup-form", username=username, password=password
    )


def test_sign_up_signs_in_and_shows_an_empty_list(anon_client):
    page = sign_up(anon_client, "Bob")
    assert page.url == "/notes/"
    assert page.flash_messages() == ["Welcome, Bob."]
    assert page.html.select_one("nav a[href='/account']").get_text() == "Bob"


@pytest.mark.parametrize(
    ("username", "password", "field", "message"),
    [
        ("carol", "short", "password", "at least 12 characters"),
        ("carol", "qwerty123456", "password", "most common"),
        ("carol", "Carol", "password", "at least 12"),
        ("carolcarolcarol", "CAROLCAROLCAROL", "password", "must not be the username"),
        ("", PASSWORD, "username", "required"),
        ("no spaces please", PASSWORD, "username", "letters a–z, digits"),
        ("аlice", PASSWORD, "username", "letters a–z, digits"),
        ("ß" * 40, PASSWORD, "username", "letters a–z, digits"),
        ("ALICE", PASSWORD, "username", "taken"),
    ],
)
def test_sign_up_refusals_say_why_beside_the_field(
    anon_client, user, username, password, field, message
):
    page = sign_up(anon_client, username, password)
    assert page.status == 422
    error = page.html.select_one(f"#{field}-error")
    assert message in error.get_text()
    assert page.html.select_one("#username")["value"] == username


def test_usernames_are_unique_without_regard_to_case(app, user):
    from notesweb.auth import service
    from notesweb.exceptions import ValidationError

    with app.app_context(), pytest.raises(ValidationError):
        service.create_user("Alice", "another long passphrase")


def test_sign_up_can_be_closed(database_url):
    from .conftest import make_app

    closed = make_app(database_url, REGISTRATION_OPEN=False).test_client()
    assert closed.get("/signup").status_code == 404
    assert soup(closed.get("/login")).select_one("a[href='/signup']") is None


def test_sign_in_is_case_insensitive_and_wrong_passwords_say_little(anon_client, user):
    wrong = sign_in(anon_client, "alice", "not the password")
    assert wrong.status == 401
    assert wrong.html.select_one("#password-error").get_text() == "Wrong username or password."
    unknown = sign_in(anon_client, "nobody", PASSWORD)
    assert unknown.html.select_one("#password-error").get_text() == "Wrong username or password."
    page = sign_in(anon_client, "ALICE")
    assert page.url == "/notes/"


def test_pages_that_need_a_login_come_back_after_it(anon_client, user, make_notes):
    (note_id,) = make_notes(1)
    response = anon_client.get(f"/notes/{note_id}/edit?from=list")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/login?next=/notes/{note_id}/edit?from%3Dlist"
    browser = Browser(anon_client)
    page = browser.get(response.headers["Location"])
    back = browser.submit(page, "#login-form", username="alice", password=PASSWORD)
    assert back.url == f"/notes/{note_id}/edit?from=list"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/notes/\r\nLocation: https://evil.example",
        "evil.example",
    ],
)
def test_the_next_target_must_be_a_path_on_this_site(anon_client, user, target):
    browser = Browser(anon_client)
    page = browser.get("/login")
    form = page.html.select_one("#login-form")
    data = {i["name"]: i.get("value", "") for i in form.select("input[name]")}
    data |= {"username": "alice", "password": PASSWORD, "next": target}
    response = anon_client.post("/login", data=data)
    assert response.status_code == 303
    assert response.headers["Location"] == "/notes/"


def test_an_htmx_swap_without_a_login_navigates_to_the_login_page(anon_client, user):
    response = anon_client.get("/notes/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login?next=")


@pytest.mark.parametrize("header", ["HX-Boosted", "HX-History-Restore-Request"])
def test_whole_page_htmx_requests_without_a_login_are_redirected(anon_client, user, header):
    response = anon_client.get("/notes/", headers={"HX-Request": "true", header: "true"})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login?next=")


def test_sign_out_ends_the_session_for_good(app, client):
    copied_cookie = client.get_cookie("session").value
    page = Browser(client).get("/notes/")
    out = Browser(client).submit(page, "form.logout")
    assert out.url == "/login"
    assert out.flash_messages() == ["You are signed out."]
    # The cookie as it was before signing out no longer signs anyone in.
    replay = app.test_client()
    replay.set_cookie("session", copied_cookie)
    assert replay.get("/notes/").status_code == 303


def test_every_sign_in_starts_a_new_session(app, anon_client, user):
    from notesweb.models import LoginSession

    sign_in(anon_client, "alice")
    first = anon_client.get_cookie("session").value
    sign_in(anon_client, "alice")
    assert anon_client.get_cookie("session").value != first
    with app.app_context():
        assert db.session.query(LoginSession).count() == 2


def test_a_sign_in_secret_carries_256_random_bits_and_only_its_hash_is_kept(app, client):
    from notesweb.models import LoginSession

    with client.session_transaction() as session:
        secret = session["_user_id"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", secret)  # 32 random bytes, base64url
    with app.app_context():
        (stored,) = db.session.scalars(db.select(LoginSession.token_hash))
    assert secret not in stored and len(stored) == 64


def test_another_users_note_is_a_404_like_a_missing_one(app, client, make_notes):
    from notesweb.auth import service

    with app.app_context():
        bob = service.create_user("bob", "bob's long passphrase")
    (bobs_note,) = make_notes(1, prefix="Bob's", owner=bob)
    for url in (f"/notes/{bobs_note}", f"/notes/{bobs_note}/edit"):
        mine, missing = client.get(url), client.get("/notes/999999")
        assert mine.status_code == missing.status_code == 404
    assert soup(client.get("/notes/")).select("#note-list article") == []


def test_changing_the_password_signs_out_other_browsers(app, client, user):
    other = app.test_client()
    sign_in(other, "alice")
    page = change_password(client, PASSWORD, "a brand new passphrase")
    assert page.flash_messages() == [
        "Password changed. Other browsers have been signed out and your API tokens revoked."
    ]
    assert client.get("/notes/").status_code == 200  # this browser stays signed in
    assert other.get("/notes/").status_code == 303
    fresh = app.test_client()
    assert sign_in(fresh, "alice", PASSWORD).status == 401
    assert sign_in(fresh, "alice", "a brand new passphrase").url == "/notes/"


COMMON = "This password is one of the most common ones; choose another."


@pytest.mark.parametrize(
    ("current", "new", "field", "message"),
    [
        ("wrong", "a brand new passphrase", "current_password", "This is not your password."),
        (PASSWORD, "letmein", "new_password", "Password must be at least 12 characters."),
        (PASSWORD, "leavemealone", "new_password", COMMON),
        (PASSWORD, "1qaz2wsx3edc", "new_password", COMMON),
    ],
)
def test_password_change_refusals(client, current, new, field, message):
    page = change_password(client, current, new)
    assert page.status == 422
    assert page.html.select_one(f"#{field}-error").get_text() == message


def test_deleting_the_account_deletes_its_notes_after_confirmation(app, client, make_notes):
    from notesweb.models import ApiToken, Note, User

    make_notes(3)
    browser = Browser(client)
    confirm = browser.follow(browser.get("/account"), "a[href='/account/delete']")
    assert "3 notes" in confirm.html.select_one("#delete-account-form button").get_text()
    refused = browser.submit(confirm, "#delete-account-form", password="wrong")
    assert refused.status == 422
    with app.app_context():
        assert db.session.query(Note).count() == 3
    done = browser.submit(confirm, "#delete-account-form", password=PASSWORD)
    assert done.url == "/login"
    assert done.flash_messages() == ["Your account and all its notes are deleted."]
    with app.app_context():
        assert db.session.query(User).count() == 0
        assert db.session.query(Note).count() == 0
        assert db.session.query(ApiToken).count() == 0
    assert client.get("/notes/").status_code == 303


def test_a_taken_name_and_a_weak_password_are_both_reported(anon_client, user):
    page = sign_up(anon_client, "ALICE", "short")
    assert page.status == 422
    assert page.html.select_one("#username-error").get_text() == "This username is taken."
    assert page.html.select_one("#password-error").get_text() == (
        "Password must be at least 12 characters."
    )


def test_a_name_taken_between_the_check_and_the_insert_is_reported_as_taken(app, user, monkeypatch):
    """Two sign-ups of one name at once: the unique key refuses the second, which
    hears the same answer as if the check had seen the first."""
    from notesweb.auth import service
    from notesweb.exceptions import FieldError, ValidationError

    monkeypatch.setattr(service, "find_user", lambda _name: None)  # the check saw nobody
    with app.app_context():
        with pytest.raises(ValidationError) as refused:
            service.create_user("ALICE", "another long passphrase")
        assert refused.value.errors == [FieldError("username", "This username is taken.")]
        # The failed insert is rolled back: the session goes on working.
        assert service.create_user("bob", "another long passphrase").username == "bob"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("carol", "short", "Password must be at least 12 characters."),
        ("carol", "qwerty123456", "This password is one of the most common ones; choose another."),
        ("carolcarolcarol", "CarolCarolCarol", "Password must not be the username."),
    ],
)
def test_each_password_rule_says_so_in_so_many_words(anon_client, username, password, message):
    page = sign_up(anon_client, username, password)
    assert page.status == 422
    assert page.html.select_one("#password-error").get_text() == message
