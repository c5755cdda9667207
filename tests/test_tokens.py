"""API tokens: made with Basic credentials or on the account page, kept only as hashes,
expiring, revocable, and the only way into /api/notes."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from notesweb.extensions import db
from notesweb.models import User

from .conftest import PASSWORD
from .html import Browser, csrf_token, soup


def basic(username: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_basic_credentials_buy_a_token(app, anon_client, user):
    response = anon_client.post("/api/tokens", headers=basic("alice", PASSWORD))
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    assert body["token"].startswith("nw_")
    assert len(body["token"]) == len("nw_") + 43  # 32 random bytes, base64url
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=29) < expires - datetime.now(expires.tzinfo) <= timedelta(days=30)
    notes = anon_client.get("/api/notes", headers=bearer(body["token"]))
    assert notes.status_code == 200


def test_a_token_can_be_named(anon_client, user):
    response = anon_client.post(
        "/api/tokens", json={"name": "backup script"}, headers=basic("alice", PASSWORD)
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "headers", [{}, basic("alice", "wrong password"), basic("nobody", PASSWORD), bearer("x")]
)
def test_wrong_credentials_get_401_with_a_basic_challenge(anon_client, user, headers):
    response = anon_client.post("/api/tokens", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_the_database_never_holds_the_token(app, api_token):
    with app.app_context():
        dump = "\n".join(
            str(row)
            for table in db.metadata.sorted_tables
            for row in db.session.execute(table.select())
        )
    assert "scrypt:" in dump  # the dump holds the other secrets' hashes, so it is complete
    assert api_token not in dump
    assert api_token[3:] not in dump


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer nw_not-a-real-token", "Basic YWxpY2U6eA==", "Token abc"],
)
def test_notes_need_a_valid_bearer_token(anon_client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = anon_client.get("/api/notes", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_expired_token_gets_401(app, anon_client, api_token):
    with app.app_context():
        db.session.execute(text("UPDATE api_tokens SET expires_at = '2000-01-01 00:00:00.000000'"))
        db.session.commit()
    response = anon_client.get("/api/notes", headers=bearer(api_token))
    assert response.status_code == 401
    assert "expired" in response.get_json()["detail"]


def test_delete_revokes_the_token_it_is_sent_with(anon_client, api_token):
    assert anon_client.delete("/api/tokens", headers=bearer(api_token)).status_code == 204
    assert anon_client.get("/api/notes", headers=bearer(api_token)).status_code == 401
    assert anon_client.delete("/api/tokens", headers=bearer(api_token)).status_code == 401


def test_use_is_recorded(app, anon_client, api_token):
    from notesweb.models import ApiToken

    with app.app_context():
        assert db.session.query(ApiToken).one().last_used_at is None
    anon_client.get("/api/notes", headers=bearer(api_token))
    with app.app_context():
        assert db.session.query(ApiToken).one().last_used_at is not None


def test_a_session_cookie_does_not_open_the_api(client):
    response = client.get("/api/notes")
    assert response.status_code == 401


def test_another_users_note_is_a_404_in_the_api(app, api_client, make_notes):
    from notesweb.auth import service

    with app.app_context():
        bob = service.create_user("bob", "bob's long passphrase")
    (bobs_note,) = make_notes(1, owner=bob)
    for method in ("get", "patch", "delete"):
        response = getattr(api_client, method)(f"/api/notes/{bobs_note}", json={"title": "x"})
        assert response.status_code == 404
    assert api_client.get("/api/notes").get_json()["total"] == 0


def test_the_account_page_creates_lists_and_revokes_tokens(client):
    browser = Browser(client)
    account = browser.get("/account")
    created = browser.submit(account, "#token-form", name="laptop sync", password=PASSWORD)
    token = created.html.select_one("#new-token").get_text()
    assert token.startswith("nw_")
    # Post/Redirect/Get: the token is shown on the account page the POST redirected to.
    assert created.url == "/account"
    assert created.response.headers["Cache-Control"] == "no-store"
    assert client.get("/api/notes", headers=bearer(token)).status_code == 200

    listing = browser.get("/account")  # a reload
    assert listing.html.select_one("#new-token") is None  # shown once only
    assert len(listing.html.select("#tokens tbody tr")) == 1  # and made once only
    row = listing.html.select_one("#tokens tbody tr")
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert cells[0] == "laptop sync"
    assert cells[2] != "never"  # it was just used
    revoked = browser.submit(listing, f"tr[data-token-id='{row['data-token-id']}'] form")
    assert revoked.flash_messages() == ["Token revoked."]
    assert revoked.html.select("#tokens tbody tr") == []
    assert client.get("/api/notes", headers=bearer(token)).status_code == 401


def test_token_lifetime_is_a_setting(database_url):
    from flask_migrate import upgrade

    from notesweb.auth import service

    from .conftest import make_app

    app = make_app(database_url, API_TOKEN_DAYS=7)
    with app.app_context():
        upgrade()
        user = service.create_user("gina", PASSWORD)
        _secret, record = service.create_token(user)
        assert timedelta(days=6) < record.expires_at - record.created_at <= timedelta(days=7)


def test_reloading_a_token_answer_leads_back_to_the_account_page(client):
    for url in ("/account/tokens", "/account/password"):
        response = client.get(url)
        assert response.status_code == 303
        assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("tab\there", "Name must be one line of text."),
        ("nul\x00", "Name must be one line of text."),
        ("x" * 101, "Name must be at most 100 characters."),
    ],
)
def test_token_names_are_one_short_line(client, name, message):
    browser = Browser(client)
    page = browser.submit(browser.get("/account"), "#token-form", name=name, password=PASSWORD)
    assert page.status == 422
    assert page.html.select_one("#name-error").get_text() == message


def test_a_token_made_without_a_name_is_given_one(app, user):
    from notesweb.auth import service

    with app.app_context():
        _secret, record = service.create_token(db.session.get(User, user.id))
        assert record.name == "API token"


@pytest.mark.parametrize("token_id", [0, 2**31, 99999999999999999999999])
def test_revoking_an_impossible_token_id_is_404(client, token_id):
    token = csrf_token(client.get("/account"))
    response = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": token})
    assert response.status_code == 404
    message = soup(response).select_one(".error-page p").get_text()
    assert message == f"There is no API token {token_id}."


def test_the_account_page_lists_the_newest_token_first(client):
    browser = Browser(client)
    for name in ("first", "second", "third"):
        browser.submit(browser.get("/account"), "#token-form", name=name, password=PASSWORD)
    rows = browser.get("/account").html.select("#tokens tbody tr")
    assert [row.select_one("td").get_text() for row in rows] == ["third", "second", "first"]
