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


def test_logs_and_error_pages_never_show_a_password_or_token(
    app, anon_client, api_token, caplog, monkeypatch, capfd
):
    import logging

    from notesweb.notes import service

    caplog.set_level(logging.DEBUG)
    secret_password = "a long and uncommon passphrase"  # the fixture user's password
    sign_in(anon_client, "alice", secret_password)

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "list_notes_by_offset", broken)
    failed = anon_client.get("/api/notes", headers={"Authorization": f"Bearer {api_token}"})
    assert failed.status_code == 500
    wrong = anon_client.post("/login", data={"username": "alice", "password": secret_password})
    assert wrong.status_code == 400  # no CSRF token
    pages = failed.get_data(as_text=True) + wrong.get_data(as_text=True)
    logged = caplog.text + "".join(capfd.readouterr())
    for secret in (secret_password, api_token):
        assert secret not in logged
        assert secret not in pages
