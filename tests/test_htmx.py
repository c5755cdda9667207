"""HTMX: one URL answers with a page or a fragment, by the rule in htmx.py."""

from __future__ import annotations

import json

import pytest

from notesweb.limits import PAGE_SIZE

from .html import csrf_token, soup

SWAP = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


def is_full_page(response) -> bool:
    return soup(response).select_one("html > body nav[aria-label=Main]") is not None


@pytest.mark.parametrize(
    ("headers", "full"),
    [({}, True), (SWAP, False), (BOOSTED, True), (HISTORY_RESTORE, True)],
)
@pytest.mark.parametrize("url", ["/notes/", "/notes/new"])
def test_page_or_fragment(client, make_notes, url, headers, full):
    make_notes(3)
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert is_full_page(response) is full


def test_the_list_fragment_is_the_list_region_of_the_page(client, make_notes):
    make_notes(PAGE_SIZE + 1)
    fragment = soup(client.get("/notes/", headers=SWAP))
    page = soup(client.get("/notes/"))
    for token in fragment.select("input[name=csrf_token]") + page.select("input[name=csrf_token]"):
        token.decompose()  # signed with a timestamp: differs from one second to the next
    in_place = [t for t in fragment.find_all(recursive=False) if not t.has_attr("data-hx-swap-oob")]
    assert [t.name for t in in_place] == ["section"]
    assert fragment.select_one("section#notes") == page.select_one("section#notes")
    # Besides the list, the swap tells screen readers what changed.
    assert fragment.select_one("#announce").get_text() == f"Loaded {PAGE_SIZE} notes."


def test_paging_links_swap_the_list_and_push_the_url(client, make_notes):
    make_notes(PAGE_SIZE + 1)
    page = soup(client.get("/notes/"))
    older = page.select_one("a[rel=next]")
    assert older["data-hx-get"] == older["href"]
    assert older["data-hx-target"] == "#notes"
    assert older["data-hx-push-url"] == "true"
    more = page.select_one("#load-more")
    assert more["href"] == older["href"]
    assert (more["data-hx-target"], more["data-hx-swap"]) == ("#note-list", "beforeend")
    second = soup(client.get(older["href"], headers=SWAP))
    assert len(second.select("#note-list > li")) == 1
    assert second.select_one("#load-more") is None


def test_invalid_form_by_htmx_gets_the_form_back(client):
    token = csrf_token(client.get("/notes/new"))
    response = client.post(
        "/notes/new",
        data={"title": " ", "body": "typed"},
        headers=SWAP | {"X-CSRFToken": token},
    )
    assert response.status_code == 422
    fragment = soup(response)
    assert [t.name for t in fragment.find_all(recursive=False)] == ["form"]
    assert fragment.select_one("#title").has_attr("autofocus")
    assert "typed" in fragment.select_one("#body").get_text()


def test_valid_form_by_htmx_navigates_to_the_note(client):
    token = csrf_token(client.get("/notes/new"))
    response = client.post(
        "/notes/new", data={"title": "By htmx"}, headers=SWAP | {"X-CSRFToken": token}
    )
    assert response.status_code == 204
    assert response.headers["HX-Location"] == "/notes/1"
    assert soup(client.get("/notes/1")).select_one("article h1").get_text() == "By htmx"


def test_htmx_errors_are_retargeted_to_the_status_region(client):
    token = csrf_token(client.get("/notes/"))
    response = client.post("/notes/42/delete", headers=SWAP | {"X-CSRFToken": token})
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#flash"
    assert soup(response).select_one("[role=alert]") is not None


def test_error_fragments_vary_on_hx_request(client):
    response = client.get("/notes/999", headers=SWAP)
    assert response.status_code == 404
    assert "HX-Request" in response.headers["Vary"]
    assert "HX-Request" in client.get("/notes/999").headers["Vary"]


def test_a_refused_token_on_an_htmx_delete_does_not_land_in_the_row(client, make_notes):
    (note_id,) = make_notes(1)
    response = client.post(
        f"/notes/{note_id}/delete",
        headers=SWAP | {"X-CSRFToken": "stale"},
    )
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#flash"
    assert not is_full_page(response)
    assert client.get(f"/notes/{note_id}").status_code == 200


def test_a_stale_cursor_in_a_swap_says_so_in_the_swap(client, make_notes):
    make_notes(2)
    response = client.get("/notes/?cursor=stale", headers=SWAP)
    assert response.status_code == 200
    fragment = soup(response)
    assert "no longer valid" in fragment.select_one("#flash[data-hx-swap-oob]").get_text()
    assert len(fragment.select("#note-list article")) == 2
    # Nothing is left behind to show up later on an unrelated page.
    assert soup(client.get("/notes/new")).select("#flash p") == []


def test_the_csrf_token_travels_in_a_header_set_on_body(client):
    page = soup(client.get("/notes/"))
    body = page.select_one("body")
    assert body["data-hx-boost"] == "true"
    assert json.loads(body["data-hx-headers"])["X-CSRFToken"] == csrf_token(page)
