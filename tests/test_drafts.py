"""Drafts: what is typed in a note form is kept on the server as it is typed (without
a new version), offered back when the form is opened again, and gone once saved."""

from __future__ import annotations

from notesweb.extensions import db
from notesweb.models import Draft

from .html import Browser, csrf_token, soup, textarea_value

SWAP = {"HX-Request": "true"}


def save_draft(client, url: str, **fields):
    token = csrf_token(client.get("/notes/new"))
    return client.post(url, data=fields, headers=SWAP | {"X-CSRFToken": token})


def drafts_kept(app) -> list[tuple[int, str]]:
    with app.app_context():
        return db.session.execute(db.select(Draft.note_id, Draft.body)).all()


def test_a_new_note_draft_is_offered_back_and_gone_once_saved(app, client):
    saved = save_draft(client, "/notes/new/draft", title="Half", body="written")
    assert saved.status_code == 200
    assert saved.get_data(as_text=True).strip().startswith("Draft saved")
    browser = Browser(client)
    form = browser.get("/notes/new")
    offer = form.html.select_one("#draft-offer")
    assert "You have an unsaved new note" in offer.get_text() and "Half" in offer.get_text()
    # Until the person chooses, typing saves no draft over it.
    assert form.html.select_one("#draft-status") is None

    restored = browser.follow(form, "#restore-draft")
    assert restored.html.select_one("#draft-offer") is None
    note_form = restored.html.select_one("#note-form")
    assert note_form.has_attr("data-unsaved")
    assert restored.html.select_one("#title")["value"] == "Half"
    assert textarea_value(restored.html.select_one("#body")) == "written"
    assert "restored" in restored.html.select_one("#draft-status").get_text()

    created = browser.submit(restored, "#note-form", body="written in full")
    assert created.flash_messages() == ["Note created."]
    assert drafts_kept(app) == []
    assert browser.get("/notes/new").html.select_one("#draft-offer") is None


def test_an_edit_draft_makes_no_version_and_a_restored_one_meets_newer_changes(
    app, client, api_client
):
    note_id = api_client.post("/api/notes", json={"title": "T", "body": "one\n\ntwo"}).json["id"]
    for body in ("one\n\ntwo!", "one\n\ntwo!!"):
        assert save_draft(client, f"/notes/{note_id}/draft", title="T", body=body, version="1")
    assert api_client.get(f"/api/notes/{note_id}").json["version"] == 1
    assert drafts_kept(app) == [(note_id, "one\n\ntwo!!")]

    api_client.patch(f"/api/notes/{note_id}", json={"body": "one?\n\ntwo"})
    browser = Browser(client)
    offered = browser.get(f"/notes/{note_id}/edit")
    assert "You have unsaved changes to this note" in offered.html.select_one("#draft-offer").text
    restored = browser.follow(offered, "#restore-draft")
    assert restored.html.select_one("#version")["value"] == "1"  # where the draft began
    clash = browser.submit(restored, "#note-form")
    assert clash.status == 409  # the newer version is not overwritten: the merge page
    assert textarea_value(clash.html.select_one("#combined_body")) == "one?\n\ntwo!!"
    saved = browser.submit(clash, "#note-form", press="#keep_both")
    assert saved.html.select_one(".note-body").get_text("\n", strip=True) == "one?\ntwo!!"
    assert drafts_kept(app) == []


def test_a_draft_can_be_discarded_and_one_like_the_note_is_not_offered(client, api_client):
    note_id = api_client.post("/api/notes", json={"title": "T", "body": "b"}).json["id"]
    save_draft(client, f"/notes/{note_id}/draft", title="T", body="b", version="1")
    browser = Browser(client)
    assert browser.get(f"/notes/{note_id}/edit").html.select_one("#draft-offer") is None
    save_draft(client, f"/notes/{note_id}/draft", title="T", body="b and more", version="1")
    offered = browser.get(f"/notes/{note_id}/edit")
    discarded = browser.submit(offered, "#draft-offer form.discard-draft")
    assert discarded.url == f"/notes/{note_id}/edit"
    assert discarded.html.select_one("#draft-offer") is None
    assert textarea_value(discarded.html.select_one("#body")) == "b"


def test_a_draft_keeps_what_the_note_would_refuse_but_not_a_nul(client):
    long_title = "x" * 300
    assert save_draft(client, "/notes/new/draft", title=long_title, body="").status_code == 200
    refused = save_draft(client, "/notes/new/draft", title="t", body="a\x00b")
    assert refused.status_code == 422
    assert soup(refused).get_text().strip() == "Draft not saved: Body holds a NUL character."


def test_a_note_deleted_for_good_takes_its_draft(app, client, api_client):
    note_id = api_client.post("/api/notes", json={"title": "T"}).json["id"]
    save_draft(client, f"/notes/{note_id}/draft", title="T", body="draft", version="1")
    api_client.delete(f"/api/notes/{note_id}")
    assert drafts_kept(app) == [(note_id, "draft")]  # in the trash, it may come back
    api_client.delete(f"/api/trash/{note_id}")
    assert drafts_kept(app) == []
