"""History: every change of a note's title or body keeps the version it replaced; the
History page shows each with what the next version changed, word by word; any version
can be restored as a new one; the history goes to the trash and back with its note."""

from __future__ import annotations

import random

import pytest

from notesweb.extensions import db
from notesweb.limits import PAGE_SIZE
from notesweb.models import NoteRevision
from notesweb.notes.diff import Piece, word_diff


def write_versions(api_client, *bodies: str, title: str = "Diary") -> int:
    note_id = api_client.post("/api/notes", json={"title": title, "body": bodies[0]}).json["id"]
    for body in bodies[1:]:
        assert api_client.patch(f"/api/notes/{note_id}", json={"body": body}).status_code == 200
    return note_id


def test_every_edit_keeps_the_version_it_replaced(api_client):
    note_id = write_versions(api_client, "one", "two", "three")
    api_client.patch(f"/api/notes/{note_id}", json={"title": "Journal"})
    api_client.patch(f"/api/notes/{note_id}", json={"pinned": True})  # not an edit
    api_client.patch(f"/api/notes/{note_id}", json={"body": "three"})  # no change
    listed = api_client.get(f"/api/notes/{note_id}/revisions").json
    assert [(r["version"], r["title"]) for r in listed["items"]] == [
        (3, "Diary"),
        (2, "Diary"),
        (1, "Diary"),
    ]
    assert listed["total"] == 3
    second = api_client.get(f"/api/notes/{note_id}/revisions/2").json
    assert second["body"] == "two"
    first = api_client.get(f"/api/notes/{note_id}/revisions/1").json
    note = api_client.get(f"/api/notes/{note_id}").json
    assert first["saved_at"] == note["created_at"]
    assert api_client.get(f"/api/notes/{note_id}/revisions/4").status_code == 404  # current
    missing = api_client.get(f"/api/notes/{note_id}/revisions/99")
    assert missing.status_code == 404
    assert missing.json["detail"] == f"Note {note_id} has no earlier version 99."


def test_restoring_a_version_is_a_new_version_that_can_be_undone(api_client):
    note_id = write_versions(api_client, "first draft", "second draft")
    restored = api_client.post(f"/api/notes/{note_id}/revisions/1/restore")
    assert restored.status_code == 200
    assert (restored.json["version"], restored.json["body"]) == (3, "first draft")
    assert restored.headers["ETag"] == '"3"'
    undone = api_client.post(f"/api/notes/{note_id}/revisions/2/restore").json
    assert (undone["version"], undone["body"]) == (4, "second draft")
    versions = api_client.get(f"/api/notes/{note_id}/revisions").json["items"]
    assert [r["version"] for r in versions] == [3, 2, 1]
    stale = api_client.post(
        f"/api/notes/{note_id}/revisions/1/restore", headers={"If-Match": '"3"'}
    )
    assert stale.status_code == 412
    assert api_client.get(f"/api/notes/{note_id}").json["version"] == 4


def test_the_history_pages_by_cursor_and_offset(api_client):
    note_id = write_versions(api_client, *[f"body {i}" for i in range(8)])
    walked, cursor = [], None
    while True:
        query = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        page = api_client.get(f"/api/notes/{note_id}/revisions", query_string=query).json
        walked += [r["version"] for r in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert walked == [7, 6, 5, 4, 3, 2, 1]
    by_offset = api_client.get(f"/api/notes/{note_id}/revisions?offset=6&limit=3").json
    assert [r["version"] for r in by_offset["items"]] == [1]
    bad = api_client.get(f"/api/notes/{note_id}/revisions?cursor=x")
    assert bad.status_code == 422 and bad.json["errors"][0]["field"] == "cursor"


def test_history_goes_to_the_trash_and_back_and_is_deleted_with_its_note(app, api_client):
    note_id = write_versions(api_client, "a", "b", "c")
    api_client.delete(f"/api/notes/{note_id}")
    assert api_client.get(f"/api/notes/{note_id}/revisions").status_code == 404
    api_client.post(f"/api/trash/{note_id}/restore")
    assert api_client.get(f"/api/notes/{note_id}/revisions").json["total"] == 2
    api_client.delete(f"/api/notes/{note_id}")
    api_client.delete(f"/api/trash/{note_id}")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(NoteRevision)) == 0


def test_emptying_the_trash_deletes_the_histories_it_held(app, api_client):
    kept = write_versions(api_client, "x", "y")
    gone = write_versions(api_client, "p", "q", "r")
    api_client.delete(f"/api/notes/{gone}")
    assert api_client.delete("/api/trash").status_code == 204
    with app.app_context():
        left = db.session.scalars(db.select(NoteRevision.note_id)).all()
    assert left == [kept]


# The diff


@pytest.mark.parametrize(
    ("old", "new", "pieces"),
    [
        ("same", "same", [Piece("same", "same")]),
        (
            "The quick fox jumps",
            "The slow fox jumps",
            [Piece("same", "The "), Piece("removed", "quick"), Piece("added", "slow"),
             Piece("same", " fox jumps")],
        ),
        (
            "keep\nold line\nkeep too\n",
            "keep\nkeep too\nnew line\n",
            [Piece("same", "keep\n"), Piece("removed", "old line\n"), Piece("same", "keep too\n"),
             Piece("added", "new line\n")],
        ),
        ("", "all new", [Piece("added", "all new")]),
        ("Trip to Lisbon", "Trip to Lisbon and Porto",
         [Piece("same", "Trip to Lisbon"), Piece("added", " and Porto")]),
        ("all gone", "", [Piece("removed", "all gone")]),
    ],
)  # fmt: skip
def test_word_diff(old, new, pieces):
    assert word_diff(old, new) == pieces


def test_a_long_body_diffs_only_its_changed_lines():
    lines = [f"line {i} of a long note with words\n" for i in range(2000)]
    changed = lines.copy()
    changed[1000] = "line 1000 of a long note with other words\n"
    pieces = word_diff("".join(lines), "".join(changed))
    assert [p for p in pieces if p.kind != "same"] == [Piece("added", "other ")]


# In the browser


def test_the_history_page_shows_what_each_version_changed(browser_client, api_client):
    note_id = write_versions(api_client, "The quick fox", "The slow fox", title="Fox")
    api_client.patch(f"/api/notes/{note_id}", json={"title": "Foxes"})
    note = browser_client.get(f"/notes/{note_id}")
    history = browser_client.follow(note, "article footer a[href$='/history/']")
    assert history.status == 200
    assert "Version 3 is the note as it is" in history.html.select_one("#history-total").get_text()
    versions = history.html.select("#versions article")
    assert [a["data-version"] for a in versions] == ["2", "1"]
    title_change, body_change = versions[0].select_one(".diff"), versions[1].select_one(".diff")
    assert title_change.select_one(".diff-title del").get_text() == "[removed: Fox]"
    assert title_change.select_one(".diff-title ins").get_text() == "[added: Foxes]"
    assert "The body stayed the same." in title_change.get_text()
    assert body_change.select_one("del").get_text() == "[removed: quick]"
    assert body_change.select_one("ins").get_text() == "[added: slow]"
    assert (
        body_change.select_one(".diff-body").get_text() == "The [removed: quick][added: slow] fox"
    )

    shown = browser_client.follow(history, "#versions [data-version='1'] h2 a")
    assert shown.html.select_one(".note-body").get_text(strip=True) == "The quick fox"
    restored = browser_client.submit(shown, "form.restore")
    assert restored.url == f"/notes/{note_id}"
    assert restored.flash_messages() == ["Restored version 1 as version 4."]
    assert restored.html.select_one(".note-body").get_text(strip=True) == "The quick fox"
    assert restored.html.select_one("h1").get_text() == "Fox"


def test_the_history_page_pages(browser_client, api_client):
    note_id = write_versions(api_client, *[f"body {i}" for i in range(PAGE_SIZE + 3)])
    first = browser_client.get(f"/notes/{note_id}/history/")
    assert len(first.html.select("#versions article")) == PAGE_SIZE
    second = browser_client.follow(first, "a[rel=next]")
    assert [a["data-version"] for a in second.html.select("#versions article")] == ["2", "1"]
    # The newest of the page is compared with the version after it, from the page before.
    newest = second.html.select_one("#versions [data-version='2'] .diff-body").get_text()
    assert newest == "body [removed: 1][added: 2]"


def test_a_note_never_edited_has_no_earlier_versions(browser_client, make_notes):
    (note_id,) = make_notes(1)
    history = browser_client.get(f"/notes/{note_id}/history/")
    assert "No earlier versions yet" in history.html.select_one("main").get_text()


def test_a_diff_past_its_budget_shows_the_changed_middle_whole():
    rng = random.Random(1)
    old = "\n".join(rng.choice("ab") for _ in range(25_000))
    new = "\n".join(rng.choice("ab") for _ in range(25_000))
    pieces = word_diff("start\n" + old, "start\n" + new)
    assert "".join(p.text for p in pieces if p.kind != "added") == "start\n" + old
    assert "".join(p.text for p in pieces if p.kind != "removed") == "start\n" + new
    assert pieces[0].kind == "same" and pieces[0].text.startswith("start\n")
    assert len(pieces) <= 4  # not 25,000 pieces found at a cost of minutes
