"""Pinning and the list's orders: pinned notes come first in every order and in every
way of paging (cursor both ways, offset, the browser's links), a tag's list included;
pinning is not an edit."""

from __future__ import annotations

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from notesweb.extensions import db
from notesweb.limits import PAGE_SIZE
from notesweb.models import User
from notesweb.notes import service

from .html import csrf_token

SORTS = ["updated", "created", "title"]
# Titles and where the title order puts them: without regard to case or accents,
# code point by code point ("10" before "2").
TITLES_IN_ORDER = [
    "10 things",
    "2 things",
    "Apple",
    "apple pie",
    "Ärger",
    "banana",
    "éclair",
    "Eclipse",
    "zebra",
    "Zoo",
]


def expected(notes: list[dict], sort: str) -> list[int]:
    """The order the list must take, worked out from the notes' own fields."""

    def when(note, field):
        return datetime.fromisoformat(note[field])

    if sort == "title":
        position = {title: i for i, title in enumerate(TITLES_IN_ORDER)}
        ordered = sorted(notes, key=lambda n: position[n["title"]])
    else:
        field = f"{sort}_at"
        ordered = sorted(notes, key=lambda n: (when(n, field), n["id"]), reverse=True)
    return [n["id"] for n in ordered if n["pinned"]] + [n["id"] for n in ordered if not n["pinned"]]


def all_notes(api_client) -> list[dict]:
    return api_client.get("/api/notes?limit=100").json["items"]


def by_cursor(api_client, limit: int, **query) -> list[int]:
    ids, cursor = [], None
    while True:
        params = {"limit": limit, **query} | ({"cursor": cursor} if cursor else {})
        page = api_client.get("/api/notes", query_string=params)
        assert page.status_code == 200, page.json
        ids += [n["id"] for n in page.json["items"]]
        if (cursor := page.json["next_cursor"]) is None:
            return ids


@pytest.fixture
def library(app, user, api_client):
    """Ten notes, made in a shuffled title order; three edited later (so the orders by
    change and by creation differ); two pinned, one of them the oldest."""
    shuffled = [TITLES_IN_ORDER[i] for i in (5, 0, 8, 3, 9, 1, 6, 2, 7, 4)]
    with app.app_context():
        owner = db.session.get(User, user.id)
        notes = [service.create_note(owner, title, "text") for title in shuffled]
        for note in (notes[0], notes[4], notes[7]):
            service.update_note(note, body="changed")
        for note in (notes[0], notes[6]):
            service.update_note(note, pinned=True)
    return all_notes(api_client)


@pytest.mark.parametrize("sort", SORTS)
def test_each_order_pages_alike_by_cursor_and_by_offset(api_client, library, sort):
    order = expected(library, sort)
    assert sum(n["pinned"] for n in library) == 2
    for limit in (1, 3, 4, 10):
        assert by_cursor(api_client, limit, sort=sort) == order, limit
    for offset in range(len(order) + 2):
        page = api_client.get(
            "/api/notes", query_string={"sort": sort, "offset": offset, "limit": 3}
        )
        assert [n["id"] for n in page.json["items"]] == order[offset : offset + 3], offset
        if cursor := page.json["next_cursor"]:
            rest = api_client.get("/api/notes", query_string={"sort": sort, "cursor": cursor})
            assert [n["id"] for n in rest.json["items"]] == order[offset + 3 :], offset


def test_the_title_order_ignores_case_and_accents(api_client, library):
    unpinned = [n for n in library if not n["pinned"]]
    for note in library:
        if note["pinned"]:
            api_client.patch(f"/api/notes/{note['id']}", json={"pinned": False})
    titles = [n["title"] for n in api_client.get("/api/notes?sort=title").json["items"]]
    assert titles == TITLES_IN_ORDER
    assert len(unpinned) == 8


def test_the_order_by_creation_is_not_moved_by_edits(api_client, library):
    created = api_client.get("/api/notes?sort=created").json["items"]
    newest_created = max(library, key=lambda n: n["created_at"])
    unpinned = [n["id"] for n in created if not n["pinned"]]
    api_client.patch(f"/api/notes/{unpinned[-1]}", json={"body": "edited last"})
    again = [n["id"] for n in api_client.get("/api/notes?sort=created").json["items"]]
    assert again == [n["id"] for n in created]
    assert newest_created["id"] in again[:3]


def test_pinning_is_not_an_edit(api_client, make_notes):
    first, second = make_notes(2)
    before = api_client.get(f"/api/notes/{first}")
    pinned = api_client.patch(f"/api/notes/{first}", json={"pinned": True})
    assert pinned.status_code == 200
    assert pinned.json["pinned"] is True
    for field in ("version", "updated_at", "title", "body"):
        assert pinned.json[field] == before.json[field], field
    assert pinned.headers["ETag"] == before.headers["ETag"]
    assert [n["id"] for n in api_client.get("/api/notes").json["items"]] == [first, second]
    unpinned = api_client.patch(f"/api/notes/{first}", json={"pinned": False})
    assert unpinned.json["pinned"] is False
    assert [n["id"] for n in api_client.get("/api/notes").json["items"]] == [second, first]


def test_a_note_can_be_made_pinned_and_edited_and_pinned_at_once(api_client, make_notes):
    (older,) = make_notes(1)
    made = api_client.post("/api/notes", json={"title": "Pinned at once", "pinned": True})
    assert made.status_code == 201 and made.json["pinned"] is True
    both = api_client.patch(f"/api/notes/{older}", json={"title": "Renamed", "pinned": True})
    assert both.json["pinned"] is True and both.json["version"] == 2
    stale = api_client.patch(
        f"/api/notes/{older}", json={"pinned": False}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert api_client.get(f"/api/notes/{older}").json["pinned"] is True


@pytest.mark.parametrize("value", ["true", 1, 0, None, "yes", []])
def test_pinned_is_a_json_boolean(api_client, make_notes, value):
    (note_id,) = make_notes(1)
    response = api_client.patch(f"/api/notes/{note_id}", json={"pinned": value})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.json["errors"]] == ["pinned"]
    created = api_client.post("/api/notes", json={"title": "t", "pinned": value})
    assert created.status_code == 422


@pytest.mark.parametrize("sort", ["", "UPDATED", "title ", "rank", "-updated"])
def test_an_unknown_order_is_a_clear_422_in_the_api(api_client, sort):
    response = api_client.get("/api/notes", query_string={"sort": sort})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["sort"]


def test_an_unknown_order_in_the_browser_is_the_usual_one(browser_client, make_notes):
    ids = make_notes(3)
    page = browser_client.get("/notes/?sort=sideways")
    assert page.status == 200
    assert [int(a["data-note-id"]) for a in page.html.select("#note-list article")] == ids[::-1]


def page_ids(page) -> list[int]:
    return [int(a["data-note-id"]) for a in page.html.select("#note-list article")]


@pytest.mark.parametrize("sort", SORTS)
def test_the_browser_pages_both_ways_in_each_order(app, user, browser_client, api_client, sort):
    count = PAGE_SIZE * 2 + 5
    with app.app_context():
        owner = db.session.get(User, user.id)
        notes = [
            service.create_note(owner, f"{TITLES_IN_ORDER[i % 10]} {i:03}") for i in range(count)
        ]
        for note in (notes[0], notes[17], notes[30]):
            service.update_note(note, pinned=True)
    order = [n["id"] for n in api_client.get(f"/api/notes?limit=100&sort={sort}").json["items"]]
    assert len(order) == count and set(order[:3]) == {notes[i].id for i in (0, 17, 30)}

    pages = [browser_client.get(f"/notes/?sort={sort}")]
    while pages[-1].html.select_one("#next-link") is not None:
        pages.append(browser_client.follow(pages[-1], "#next-link"))
    assert [i for page in pages for i in page_ids(page)] == order
    assert all(f"sort={sort}" in page.url for page in pages[1:]) or sort == "updated"
    back = [pages[-1]]
    while back[-1].html.select_one("#previous-link") is not None:
        back.append(browser_client.follow(back[-1], "#previous-link"))
    assert [page_ids(page) for page in back[::-1]] == [page_ids(page) for page in pages]
    labels = {a.get_text() for a in pages[1].html.select("#next-link, #previous-link")}
    assert labels == ({"Previous", "Next"} if sort == "title" else {"Newer", "Older"})


def test_the_sort_control_keeps_the_tag_and_says_which_is_chosen(browser_client, api_client):
    api_client.post("/api/notes", json={"title": "b", "body": "#garden"})
    api_client.post("/api/notes", json={"title": "a", "body": "#garden"})
    page = browser_client.get("/notes/?tag=garden")
    links = {a.get_text(): a for a in page.html.select("nav.sort a")}
    assert set(links) == {"Last changed", "Created", "Title"}
    assert links["Last changed"].get("aria-current") == "true"
    by_title = browser_client.follow(page, "nav.sort a[href*='sort=title']")
    assert "tag=garden" in by_title.url
    assert [h.get_text() for h in by_title.html.select("#note-list h2")] == ["a", "b"]
    chosen = by_title.html.select("nav.sort a[aria-current]")
    assert [a.get_text() for a in chosen] == ["Title"]


def test_the_pin_button_works_without_javascript(browser_client, make_notes):
    first, second, third = make_notes(3)
    page = browser_client.get("/notes/?sort=title")
    form = f"article[data-note-id='{first}'] form.pin"
    assert page.html.select_one(f"{form} button").get_text(" ", strip=True) == "Pin “Note 0”"
    after = browser_client.submit(page, form)
    assert after.url == "/notes/?sort=title"
    assert after.flash_messages() == ["Pinned “Note 0”."]
    assert page_ids(after) == [first, second, third]
    top = after.html.select_one("#note-list article")
    assert "pinned" in top["class"] and "Pinned" in top.select_one(".meta").get_text()
    note = browser_client.get(f"/notes/{first}")
    assert note.html.select_one("form.pin button").get_text(" ", strip=True) == "Unpin “Note 0”"
    unpinned = browser_client.submit(note, "form.pin")
    assert unpinned.url == f"/notes/{first}"
    assert unpinned.html.select_one("form.pin button").get_text(" ", strip=True) == "Pin “Note 0”"
    assert page_ids(browser_client.get("/notes/")) == [third, second, first]


@pytest.mark.parametrize(
    "back", ["https://elsewhere.example/notes/", "//elsewhere.example/notes/", "/account", ""]
)
def test_the_pin_button_returns_only_to_a_notes_page(browser_client, make_notes, back):
    (note_id,) = make_notes(1)
    token = csrf_token(browser_client.get(f"/notes/{note_id}"))
    response = browser_client.client.post(
        f"/notes/{note_id}/pin", data={"csrf_token": token, "pinned": "yes", "next": back}
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/notes/{note_id}"


def test_the_pin_button_returns_without_a_line_break_it_was_given(browser_client, make_notes):
    (note_id,) = make_notes(1)
    token = csrf_token(browser_client.get(f"/notes/{note_id}"))
    response = browser_client.client.post(
        f"/notes/{note_id}/pin",
        data={"csrf_token": token, "pinned": "yes", "next": "/notes/\r\nX-Injected: 1"},
    )
    assert response.status_code == 303
    assert "X-Injected" not in response.headers
    assert response.headers["Location"].startswith("/notes/")


def test_pinning_a_note_that_is_gone_is_a_404(browser_client, api_client, make_notes):
    (note_id,) = make_notes(1)
    page = browser_client.get(f"/notes/{note_id}")
    api_client.delete(f"/api/notes/{note_id}")
    response = browser_client.client.post(
        f"/notes/{note_id}/pin", data={"csrf_token": csrf_token(page), "pinned": "yes"}
    )
    assert response.status_code == 404


def test_pinning_while_someone_edits_does_not_conflict(browser_client, api_client, make_notes):
    (note_id,) = make_notes(1)
    form = browser_client.get(f"/notes/{note_id}/edit")
    api_client.patch(f"/api/notes/{note_id}", json={"pinned": True})
    saved = browser_client.submit(form, "#note-form", body="my edit")
    assert saved.url == f"/notes/{note_id}"
    note = api_client.get(f"/api/notes/{note_id}").json
    assert note["body"] == "my edit" and note["pinned"] is True and note["version"] == 2


def test_a_tags_list_puts_its_pinned_notes_first_through_every_change(api_client):
    def tagged(name):
        return [n["title"] for n in api_client.get(f"/api/notes?tag={name}").json["items"]]

    ids = {}
    for title in ("one", "two", "three"):
        ids[title] = api_client.post("/api/notes", json={"title": title, "body": "#work"}).json[
            "id"
        ]
    api_client.patch(f"/api/notes/{ids['one']}", json={"pinned": True})
    assert tagged("work") == ["one", "three", "two"]
    # A tag added after the pin lists the note as pinned too.
    api_client.patch(f"/api/notes/{ids['one']}", json={"body": "#work #home"})
    api_client.post("/api/notes", json={"title": "four", "body": "#home"})
    assert tagged("home") == ["one", "four"]
    assert tagged("work") == ["one", "three", "two"]
    api_client.patch(f"/api/notes/{ids['one']}", json={"pinned": False})
    assert tagged("home") == ["four", "one"]
    for sort in ("created", "title"):
        titles = [
            n["title"] for n in api_client.get(f"/api/notes?tag=work&sort={sort}").json["items"]
        ]
        assert titles == (["three", "two", "one"] if sort == "created" else ["one", "three", "two"])


def migrated_with_notes(user, body: str, before: str) -> None:
    """The database taken back to revision `before` with the notes of TITLES_IN_ORDER
    (made in reverse, with `body`) in it, then upgraded again."""
    owner = db.session.get(User, user.id)
    for title in reversed(TITLES_IN_ORDER):
        service.create_note(owner, title, body)
    downgrade(revision=before)
    db.session.remove()
    upgrade()


def test_the_migration_gives_the_notes_already_there_their_order(app, user, api_client):
    with app.app_context():
        migrated_with_notes(user, "kept", before="0006")
        keys = db.session.execute(text("SELECT sort_title FROM notes ORDER BY id")).scalars()
        assert list(keys)[:3] == ["zoo", "zebra", "eclipse"]
        assert not db.session.execute(text("SELECT count(*) FROM notes WHERE pinned")).scalar()
    titles = [n["title"] for n in api_client.get("/api/notes?sort=title").json["items"]]
    assert titles == TITLES_IN_ORDER


def tagged_in_order(api_client, sort: str, ids: set[int]) -> list[int]:
    """The whole list in `sort`'s order, but only `ids`: what a tag's list must be."""
    return [i for i in by_cursor(api_client, 100, sort=sort) if i in ids]


@pytest.mark.parametrize("sort", SORTS)
def test_a_tags_list_takes_each_order_as_the_whole_list_does(api_client, library, sort):
    tagged = {n["id"] for n in library[::2]}
    for note_id in tagged:
        api_client.patch(f"/api/notes/{note_id}", json={"body": "text #kept"})
    # A retitled note moves in the title order of its tags too; a pinned one comes first.
    moved, pinned = sorted(tagged)[:2]
    api_client.patch(f"/api/notes/{moved}", json={"title": "Aardvark"})
    api_client.patch(f"/api/notes/{pinned}", json={"pinned": True})
    order = tagged_in_order(api_client, sort, tagged)
    assert len(order) == 5 and pinned in order
    for limit in (1, 2, 5):
        assert by_cursor(api_client, limit, sort=sort, tag="kept") == order, limit
    for offset in range(6):
        page = api_client.get(
            "/api/notes", query_string={"sort": sort, "tag": "kept", "offset": offset, "limit": 2}
        )
        assert [n["id"] for n in page.json["items"]] == order[offset : offset + 2], offset


def test_the_tag_orders_migration_copies_the_notes_already_there(app, user, api_client):
    with app.app_context():
        migrated_with_notes(user, "#kept", before="0009")
    ids = {n["id"] for n in all_notes(api_client)}
    for sort in SORTS:
        assert by_cursor(api_client, 3, sort=sort, tag="kept") == tagged_in_order(
            api_client, sort, ids
        )
