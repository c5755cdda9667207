"""The trash: a deleted note leaves every list, search, tag and total at once, and comes
back as it was (same id, version, times, pin and tags) from Undo, the Trash page or the
API; it is deleted for good by hand, by Empty trash, or TRASH_DAYS later by the purge."""

from __future__ import annotations

from datetime import timedelta

import pytest

from notesweb.extensions import db
from notesweb.limits import PAGE_SIZE
from notesweb.models import Note, Tag, TrashedNote, User, utcnow
from notesweb.notes import trash

from .html import csrf_token, soup

SWAP = {"HX-Request": "true"}


def seen_by_api(api_client, note_id: int) -> dict:
    """What a program sees of the note and the lists it is in."""
    return {
        "note": api_client.get(f"/api/notes/{note_id}").status_code,
        "total": api_client.get("/api/notes").json["total"],
        "found": [n["id"] for n in api_client.get("/api/notes?q=walrus").json["items"]],
        "tags": {t["name"]: t["count"] for t in api_client.get("/api/tags").json["items"]},
        "tagged": [n["id"] for n in api_client.get("/api/notes?tag=zoo").json["items"]],
        "in_trash": [n["id"] for n in api_client.get("/api/trash").json["items"]],
    }


def test_a_deleted_note_leaves_everything_at_once_and_comes_back_as_it_was(api_client):
    kept = api_client.post("/api/notes", json={"title": "Kept", "body": "walrus #zoo"}).json
    made = api_client.post(
        "/api/notes", json={"title": "Walrus", "body": "about #zoo/seals", "pinned": True}
    ).json
    edited = api_client.patch(f"/api/notes/{made['id']}", json={"body": "walrus #zoo/seals"}).json
    before = seen_by_api(api_client, made["id"])
    assert before == {
        "note": 200,
        "total": 2,
        "found": [made["id"], kept["id"]],
        "tags": {"zoo": 2, "zoo/seals": 1},
        "tagged": [made["id"], kept["id"]],
        "in_trash": [],
    }

    assert api_client.delete(f"/api/notes/{made['id']}").status_code == 204
    assert seen_by_api(api_client, made["id"]) == {
        "note": 404,
        "total": 1,
        "found": [kept["id"]],
        "tags": {"zoo": 1},
        "tagged": [kept["id"]],
        "in_trash": [made["id"]],
    }
    in_trash = api_client.get(f"/api/trash/{made['id']}").json
    assert in_trash["body"] == "walrus #zoo/seals" and in_trash["tags"] == ["zoo/seals"]

    restored = api_client.post(f"/api/trash/{made['id']}/restore")
    assert restored.status_code == 200
    assert restored.headers["ETag"] == f'"{edited["version"]}"'
    assert restored.json == edited
    assert seen_by_api(api_client, made["id"]) == before
    assert api_client.post(f"/api/trash/{made['id']}/restore").status_code == 404
    # The version goes on from where it was: a stale If-Match is still stale.
    stale = api_client.patch(
        f"/api/notes/{made['id']}", json={"title": "x"}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412


def test_deleted_for_good_from_the_api_and_its_id_never_comes_back(api_client):
    ids = [api_client.post("/api/notes", json={"title": f"N{i}"}).json["id"] for i in range(3)]
    for note_id in ids:
        assert api_client.delete(f"/api/notes/{note_id}").status_code == 204
    assert api_client.delete(f"/api/trash/{ids[0]}").status_code == 204
    assert api_client.delete(f"/api/trash/{ids[0]}").status_code == 404
    assert api_client.post(f"/api/trash/{ids[0]}/restore").status_code == 404
    assert api_client.get("/api/trash").json["total"] == 2
    assert api_client.delete("/api/trash").status_code == 204
    assert api_client.get("/api/trash").json == {
        "items": [],
        "total": 0,
        "limit": PAGE_SIZE,
        "offset": 0,
        "next_cursor": None,
    }
    newcomer = api_client.post("/api/notes", json={"title": "New"}).json["id"]
    assert newcomer == ids[-1] + 1


def test_the_trash_pages_newest_deletion_first_by_cursor_and_offset(api_client):
    ids = [api_client.post("/api/notes", json={"title": f"N{i}"}).json["id"] for i in range(7)]
    order = [ids[3], ids[0], ids[6], ids[1], ids[5], ids[2], ids[4]]
    for note_id in order:
        api_client.delete(f"/api/notes/{note_id}")
    newest_first = order[::-1]
    walked, cursor = [], None
    while True:
        query = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = api_client.get("/api/trash", query_string=query).json
        assert page["total"] == 7
        walked += [n["id"] for n in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert walked == newest_first
    by_offset = api_client.get("/api/trash?offset=5&limit=3").json
    assert [n["id"] for n in by_offset["items"]] == newest_first[5:]
    assert by_offset["next_cursor"] is None
    wrong = api_client.get("/api/trash", query_string={"cursor": "nonsense"})
    assert wrong.status_code == 422
    assert wrong.json["errors"] == [
        {"field": "cursor", "message": "Not a valid cursor for this list."}
    ]
    foreign = api_client.get("/api/notes?limit=1").json["next_cursor"]
    assert foreign is None or api_client.get(f"/api/trash?cursor={foreign}").status_code == 422


@pytest.fixture
def clock(monkeypatch):
    """The time as the trash reads it; `clock.later(days)` moves it on."""

    class Clock:
        now = None

        def later(self, days: float) -> None:
            self.now = (self.now or utcnow()) + timedelta(days=days)

    moved = Clock()
    monkeypatch.setattr(trash, "utcnow", lambda: moved.now or utcnow())
    return moved


def test_notes_past_keeping_are_gone_and_purged(app, api_client, runner, clock):
    old, recent = [api_client.post("/api/notes", json={"title": t}).json["id"] for t in "ab"]
    api_client.delete(f"/api/notes/{old}")
    clock.later(app.config["TRASH_DAYS"] - 1)
    api_client.delete(f"/api/notes/{recent}")
    clock.later(1.5)
    # Past keeping: neither listed nor restorable, though its row waits for the purge.
    assert [n["id"] for n in api_client.get("/api/trash").json["items"]] == [recent]
    assert api_client.post(f"/api/trash/{old}/restore").status_code == 404
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("deleted 1 notes from the trash, ")
    with app.app_context():
        assert db.session.scalars(db.select(TrashedNote.id)).all() == [recent]


def test_deleting_a_note_purges_its_owners_notes_past_keeping(app, api_client, clock):
    old, new = [api_client.post("/api/notes", json={"title": t}).json["id"] for t in "ab"]
    api_client.delete(f"/api/notes/{old}")
    clock.later(app.config["TRASH_DAYS"] + 1)
    api_client.delete(f"/api/notes/{new}")
    with app.app_context():
        assert db.session.scalars(db.select(TrashedNote.id)).all() == [new]


def test_trash_days_is_a_setting(monkeypatch):
    from .conftest import make_app

    monkeypatch.setenv("TRASH_DAYS", "7")
    assert make_app("sqlite://").config["TRASH_DAYS"] == 7


# In the browser


def delete_in_place(client, note_id: int, listed: str = "/notes/"):
    token = csrf_token(client.get(listed))
    headers = SWAP | {"X-CSRFToken": token, "HX-Current-URL": f"http://localhost{listed}"}
    return client.post(f"/notes/{note_id}/delete", headers=headers), headers


def test_undo_in_place_puts_the_note_back_in_its_row(client, make_notes):
    ids = make_notes(3)
    deleted, headers = delete_in_place(client, ids[1])
    assert deleted.status_code == 200
    answer = soup(deleted)
    # The row is swapped for its empty place; the rest goes out of band.
    place = answer.find("li", recursive=False)
    assert place["id"] == f"deleted-note-{ids[1]}" and place.has_attr("hidden")
    assert answer.select_one("#notes-total").get_text(strip=True) == "2 notes"
    undo = answer.select_one("#flash form.undo")
    assert answer.select_one("#flash bdi").get_text() == "Note 1"
    assert undo["data-hx-post"] == undo["action"] == f"/trash/{ids[1]}/restore"
    assert undo["data-hx-target"] == f"#deleted-note-{ids[1]}"
    assert undo.select_one("[name=next]")["value"] == "/notes/"  # without the row, a reload

    fields = {i["name"]: i.get("value", "") for i in undo.select("input")}
    restored = client.post(undo["action"], data=fields, headers=headers)
    assert restored.status_code == 200
    back = soup(restored)
    row = back.find("li", recursive=False)
    assert row.select_one("article")["data-note-id"] == str(ids[1])
    assert row.select_one("h2 a")["href"] == f"/notes/{ids[1]}"
    assert back.select_one("#notes-total").get_text(strip=True) == "3 notes"
    assert back.select_one("#flash").get_text(strip=True) == "Restored “Note 1”."
    listed = soup(client.get("/notes/")).select("#note-list article")
    assert [int(a["data-note-id"]) for a in listed] == ids[::-1]


def test_undo_on_a_search_counts_the_search(client, make_notes):
    ids = make_notes(3, prefix="Walrus")
    make_notes(2, prefix="Other")
    deleted, headers = delete_in_place(client, ids[0], "/notes/?q=walrus")
    answer = soup(deleted)
    assert answer.select_one("#notes-total").get_text(strip=True) == "2 notes match “walrus”"
    assert answer.select_one("#flash [name=next]")["value"] == "/notes/?q=walrus"


def test_the_trash_page_restores_and_deletes_for_good_without_javascript(
    browser_client, make_notes
):
    ids = make_notes(3)
    for note_id in ids:
        browser_client.submit(browser_client.get(f"/notes/{note_id}"), "#delete-form")
    page = browser_client.get("/trash/")
    assert page.status == 200
    assert page.html.select_one("#trash-total").get_text(strip=True) == "3 notes in the trash"
    rows = page.html.select("#trash-list article")
    assert [int(a["data-note-id"]) for a in rows] == ids[::-1]
    assert "Body 2" in rows[0].select_one(".excerpt").get_text()

    restored = browser_client.submit(page, f"#trash-list [data-note-id='{ids[1]}'] form.restore")
    assert restored.url == "/trash/"
    assert restored.flash_messages() == ["Restored “Note 1”."]
    assert browser_client.get(f"/notes/{ids[1]}").status == 200

    gone = browser_client.submit(
        restored, f"#trash-list [data-note-id='{ids[0]}'] form.delete-forever"
    )
    assert gone.flash_messages() == ["Deleted “Note 0” for good."]
    assert browser_client.get(f"/trash/{ids[0]}").status == 404
    assert [int(a["data-note-id"]) for a in gone.html.select("#trash-list article")] == [ids[2]]

    shown = browser_client.follow(gone, f"#trash-list [data-note-id='{ids[2]}'] h2 a")
    assert shown.html.select_one(".note-body").get_text(strip=True) == "Body 2"
    back = browser_client.submit(shown, "form.restore")
    assert back.url == f"/notes/{ids[2]}"


def test_empty_trash_asks_first(browser_client, make_notes, app):
    ids = make_notes(2)
    for note_id in ids:
        browser_client.submit(browser_client.get(f"/notes/{note_id}"), "#delete-form")
    confirm = browser_client.follow(browser_client.get("/trash/"), "#empty-trash")
    assert confirm.html.select_one("h1").get_text() == "Empty the trash?"
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(TrashedNote)) == 2
    emptied = browser_client.submit(confirm, "#empty-form")
    assert emptied.flash_messages() == ["Deleted 2 notes for good."]
    assert emptied.html.select_one("#trash-total").get_text(strip=True) == "0 notes in the trash"
    assert "The trash is empty." in emptied.html.select_one("#trash").get_text()


@pytest.mark.parametrize(("button", "message"), [("restore", "Restored"), ("delete", "Deleted")])
def test_trash_buttons_by_htmx_remove_the_row_and_count_again(client, make_notes, button, message):
    ids = make_notes(2)
    for note_id in ids:
        delete_in_place(client, note_id)
    token = csrf_token(client.get("/trash/"))
    answer = client.post(f"/trash/{ids[0]}/{button}", headers=SWAP | {"X-CSRFToken": token})
    assert answer.status_code == 200
    fragment = soup(answer)
    assert all(t.has_attr("data-hx-swap-oob") for t in fragment.find_all(recursive=False))
    assert fragment.select_one("#trash-total").get_text(strip=True) == "1 note in the trash"
    assert fragment.select_one("#flash").get_text(strip=True).startswith(f"{message} “Note 0”")


def test_the_trash_page_pages(browser_client, make_notes, api_client):
    ids = make_notes(PAGE_SIZE + 3)
    for note_id in ids:
        api_client.delete(f"/api/notes/{note_id}")
    first = browser_client.get("/trash/")
    assert len(first.html.select("#trash-list article")) == PAGE_SIZE
    second = browser_client.follow(first, "a[rel=next]")
    listed = [int(a["data-note-id"]) for a in second.html.select("#trash-list article")]
    assert listed == ids[:3][::-1]
    assert browser_client.follow(second, "a[rel=prev]").html.select_one("a[rel=next]")
    stale = browser_client.get("/trash/?cursor=nonsense")
    assert stale.url == "/trash/"
    assert stale.flash_messages() == ["That page link is no longer valid; here is the first page."]


def test_the_counts_stay_exact_through_trash_and_back(app, api_client):
    ids = [
        api_client.post("/api/notes", json={"title": f"N{i}", "body": "#a #b"}).json["id"]
        for i in range(4)
    ]
    for note_id in ids[:3]:
        api_client.delete(f"/api/notes/{note_id}")
    api_client.post(f"/api/trash/{ids[0]}/restore")
    api_client.delete(f"/api/trash/{ids[1]}")
    with app.app_context():
        assert db.session.scalar(db.select(User.note_count)) == 2
        counts = dict(db.session.execute(db.select(Tag.key, Tag.note_count)).all())
        assert counts == {"a": 2, "b": 2}
        assert db.session.scalar(db.select(db.func.count()).select_from(Note)) == 2
