"""A note posted with a failing CSRF token comes back, ready to send again, only to a
form of this site (by `Origin`, or without it `Referer`): another site cannot have
its text shown as the person's own with a fresh, valid token beside it."""

from __future__ import annotations

import pytest

from .html import soup

TEXT = {"title": "Planted title", "body": "Planted body", "csrf_token": "stale"}


def post(client, **headers):
    client.environ_base.pop("HTTP_ORIGIN", None)
    return client.post("/notes/new", data=TEXT, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost"},
        {"Referer": "http://localhost/notes/new"},
        {"Origin": "http://localhost", "Referer": "https://elsewhere.example/"},
    ],
    ids=["origin", "referer", "origin-first"],
)
def test_this_sites_form_gets_its_text_back(client, headers):
    response = post(client, **headers)
    assert response.status_code == 400
    form = soup(response).select_one("form#typed-text")
    assert form.select_one("#title")["value"] == "Planted title"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://elsewhere.example"},
        {"Origin": "http://localhost.elsewhere.example"},
        {"Origin": "null"},
        {"Referer": "https://elsewhere.example/notes/new"},
        {"Origin": "https://elsewhere.example", "Referer": "http://localhost/notes/new"},
        {},
    ],
    ids=["other-site", "look-alike", "null", "referer", "origin-wins", "neither"],
)
def test_another_sites_post_is_refused_without_showing_its_text(client, headers):
    response = post(client, **headers)
    assert response.status_code == 400
    page = soup(response)
    assert page.select_one("form#typed-text") is None
    assert "Planted" not in response.text
    assert "session expired" in page.select_one(".error-page").get_text()
