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
