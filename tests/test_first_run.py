"""A fresh install opens on sign-up, with a welcome, not on a sign-in nobody can pass."""

from __future__ import annotations

from .conftest import make_app
from .html import soup


def test_a_fresh_install_leads_to_sign_up_with_a_welcome(anon_client):
    response = anon_client.get("/", follow_redirects=True)
    assert response.request.path == "/signup"
    page = soup(response)
    assert "nobody has an account here yet" in page.select_one("main .welcome").get_text()
    assert page.select(".flash") == []  # no warning to sign in


def test_a_fresh_installs_stale_swap_navigates_to_sign_up(anon_client):
    response = anon_client.get("/notes/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/signup"


def test_once_someone_has_signed_up_it_leads_to_sign_in(anon_client, user):
    response = anon_client.get("/", follow_redirects=True)
    assert response.request.path == "/login"
    assert soup(response).select_one(".flash").get_text(strip=True) == "Sign in to see your notes."
    signup = soup(anon_client.get("/signup"))
    assert signup.select_one(".welcome") is None


def test_with_sign_up_closed_a_fresh_install_leads_to_sign_in(database_url):
    app = make_app(database_url, REGISTRATION_OPEN=False)
    response = app.test_client().get("/", follow_redirects=True)
    assert response.request.path == "/login"
