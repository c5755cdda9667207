"""Security headers on every kind of response, and the session cookie's flags."""

from __future__ import annotations

import pytest

from .conftest import make_app, sign_in


@pytest.mark.parametrize(
    "url",
    [
        "/notes/",
        "/notes/new",
        "/notes/1",
        "/notes/999",
        "/login",
        "/account",
        "/api/notes",
        "/api/openapi.json",
        "/api/docs",
        "/static/css/app.css",
    ],
)
def test_every_response_carries_the_security_headers(client, make_notes, url):
    make_notes(1)
    with client.get(url) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # plain http here


def test_the_session_cookie_is_httponly_and_lax(app, anon_client, user):
    sign_in(anon_client, "alice")
    cookie = anon_client.get_cookie("session")
    assert cookie.http_only
    assert cookie.same_site == "Lax"
    assert not cookie.secure


def test_over_https_the_cookie_is_secure_and_hsts_is_sent(database_url):
    from flask_migrate import upgrade

    app = make_app(database_url, PREFERRED_URL_SCHEME="https")
    with app.app_context():
        upgrade()
    client = app.test_client()
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"]


@pytest.mark.parametrize(
    ("method", "url", "headers", "status"),
    [
        ("get", "/notes/999", {}, 404),
        ("put", "/notes/", {}, 405),
        ("get", "/notes/", {"HX-Request": "true"}, 200),
        ("get", "/notes/999", {"HX-Request": "true"}, 404),
        ("get", "/", {}, 302),
        ("post", "/notes/new", {}, 400),
    ],
)
def test_headers_on_errors_fragments_and_redirects(client, method, url, headers, status):
    response = getattr(client, method)(url, headers=headers)
    assert response.status_code == status
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_and_the_api_are_never_cached(client, api_client, anon_client):
    assert client.get("/notes/").headers["Cache-Control"] == "no-store"
    assert api_client.get("/api/notes").headers["Cache-Control"] == "no-store"
    assert "no-store" not in anon_client.get("/login").headers.get("Cache-Control", "")


def test_signing_out_clears_what_the_browser_kept(client):
    from .html import Browser, csrf_token

    page = Browser(client).get("/notes/")
    token = csrf_token(page.html.select_one("form.logout"))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


def test_the_session_cookie_secure_setting_alone_makes_it_secure(database_url):
    from flask_migrate import upgrade

    app = make_app(database_url, SESSION_COOKIE_SECURE=True)
    with app.app_context():
        upgrade()
    response = app.test_client().get("/login")
    assert "Secure" in response.headers["Set-Cookie"]


def test_passwords_are_stored_with_scrypt(app, user):
    from notesweb.extensions import db
    from notesweb.models import User

    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("scrypt:")
    assert "a long and uncommon passphrase" not in stored


SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_what_people_write_is_shown_as_text_never_as_markup(client):
    """Autoescaping, everywhere a person's text appears: the list, the note, the
    edit form, the account page's token names."""
    from .conftest import PASSWORD
    from .html import Browser

    browser = Browser(client)
    made = browser.submit(browser.get("/notes/new"), "#note-form", title=SCRIPT, body=SCRIPT)
    note_url = made.url
    browser.submit(browser.get("/account"), "#token-form", name=SCRIPT[:100], password=PASSWORD)
    for url in ("/notes/", note_url, f"{note_url}/edit", "/account"):
        response = client.get(url)
        assert "<script>alert" not in response.text, url
        assert "<img src=x" not in response.text, url
        assert "&lt;script&gt;" in response.text, url
