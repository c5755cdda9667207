"""The theme links: a cookie for this browser, back to where the person was, and no
way out of the site through `next`."""

from __future__ import annotations

import pytest

from .html import soup


def test_choosing_a_theme_remembers_it_and_goes_back(anon_client):
    response = anon_client.get("/theme/dark?next=/login")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("theme=dark;") and "Max-Age=31536000" in cookie
    assert "SameSite=Lax" in cookie
    page = soup(anon_client.get("/login"))
    assert page.html["data-theme"] == "dark"
    footer = page.select_one("footer")
    assert footer.select_one("a.theme-to-dark") is None
    assert footer.select_one("a.theme-to-light")["href"].startswith("/theme/light?next=")


def test_the_systems_theme_forgets_the_choice(anon_client):
    anon_client.get("/theme/light")
    response = anon_client.get("/theme/system?next=/login")
    assert "theme=;" in response.headers["Set-Cookie"]  # deleted
    page = soup(anon_client.get("/login"))
    assert not page.html.has_attr("data-theme")
    assert {a.get_text() for a in page.select("footer a")} == {"Dark theme", "Light theme"}


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_next_never_leaves_the_site(anon_client, target):
    response = anon_client.get("/theme/dark", query_string={"next": target})
    assert response.headers["Location"] == "/notes/"


def test_an_unknown_theme_is_not_found_and_a_forged_cookie_is_ignored(anon_client):
    assert anon_client.get("/theme/purple").status_code == 404
    anon_client.set_cookie("theme", 'dark" onload="x')
    assert not soup(anon_client.get("/login")).html.has_attr("data-theme")
