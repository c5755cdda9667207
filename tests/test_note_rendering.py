"""Note bodies in the browser: rendered Markdown on the note page, plain-text excerpts in
the list, and Preview in the form, with and without JavaScript. The API keeps the body
as written."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from notesweb.extensions import db
from notesweb.limits import BODY_MAX
from notesweb.models import Note
from notesweb.notes import markdown

from .html import soup, textarea_value

SOURCE = "# Groceries\n\n- [x] **milk**\n- [ ] eggs\n\n<script>alert(1)</script>Done."


def create(browser, title: str, body: str):
    return browser.submit(browser.get("/notes/new"), "#note-form", title=title, body=body)


def test_the_note_page_shows_the_body_rendered(browser_client):
    page = create(browser_client, "Shopping", SOURCE)
    body = page.html.select_one("article .note-body")
    assert body.select_one("h2").get_text() == "Groceries"
    assert body.select_one("li strong").get_text() == "milk"
    assert len(body.select("input.task-list-item-checkbox")) == 2
    assert body.find("script") is None
    assert page.response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_api_keeps_the_body_as_written(api_client):
    created = api_client.post("/api/notes", json={"title": "Shopping", "body": SOURCE})
    assert created.get_json()["body"] == SOURCE
    assert api_client.get(created.headers["Location"]).get_json()["body"] == SOURCE


def test_the_list_shows_the_start_of_each_note_as_plain_text(browser_client):
    create(browser_client, "Shopping", SOURCE)
    excerpt = browser_client.get("/notes/").html.select_one("#note-list .excerpt")
    assert excerpt.find(True) is None
    assert excerpt.get_text() == "Groceries\n☑ milk\n☐ eggs\nDone."


def test_preview_without_javascript_renders_and_keeps_the_text_unsaved(browser_client):
    form_page = browser_client.get("/notes/new")
    page = browser_client.submit(
        form_page, "#note-form", press="#preview-note", title="Draft", body="Some *stress*"
    )
    assert (page.status, page.url) == (200, "/notes/new")
    form = page.html.select_one("#note-form")
    assert form.select_one("#title")["value"] == "Draft"
    assert textarea_value(form.select_one("#body")) == "Some *stress*"
    assert form.select_one("#note-preview em").get_text() == "stress"
    assert browser_client.get("/notes/").html.select_one("#notes-total").get_text() == "0 notes"
    # Saving from the previewed form creates the note as typed.
    saved = browser_client.submit(page, "#note-form")
    assert saved.html.select_one(".note-body em").get_text() == "stress"


def test_preview_of_an_edit_saves_nothing(browser_client, make_notes, app):
    (note_id,) = make_notes(1)
    edit = browser_client.get(f"/notes/{note_id}/edit")
    page = browser_client.submit(edit, "#note-form", press="#preview-note", body="new **text**")
    assert page.html.select_one("#note-preview strong").get_text() == "text"
    assert page.html.select_one("#note-form input[name=version]")["value"] == "1"
    with app.app_context():
        note = db.session.get(Note, note_id)
        assert (note.body, note.version) == ("Body 0", 1)


def test_an_empty_preview_says_so(browser_client):
    page = browser_client.submit(
        browser_client.get("/notes/new"), "#note-form", press="#preview-note", title="", body=" "
    )
    assert page.status == 200
    assert "Nothing to preview" in page.html.select_one("#note-preview").get_text()


def test_the_preview_button_swaps_in_only_the_preview_with_htmx(client):
    page = soup(client.get("/notes/new"))
    button = page.select_one("#preview-note")
    assert button["data-hx-target"] == button["data-hx-select"] == "#note-preview"
    response = client.post(
        button["data-hx-post"],
        data={
            "csrf_token": page.select_one("input[name=csrf_token]")["value"],
            "title": "",
            "body": "~~old~~ new",
            "preview": "yes",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    preview = soup(response).select_one("#note-preview")
    assert preview.select_one("s").get_text() == "old"
    assert not preview.has_attr("hidden")


@pytest.mark.parametrize(
    ("change", "excerpt"),
    [
        ({"body": "**New** start"}, "New start"),
        ({"title": "Renamed"}, "Old start"),
        ({"body": ""}, ""),
    ],
)
def test_the_excerpt_follows_every_change_of_the_body(api_client, app, change, excerpt):
    note = api_client.post("/api/notes", json={"title": "T", "body": "_Old_ start"}).get_json()
    assert api_client.patch(f"/api/notes/{note['id']}", json=change).status_code == 200
    with app.app_context():
        assert db.session.get(Note, note["id"]).excerpt == excerpt


def test_the_excerpt_migration_fills_in_the_notes_already_there(app, make_notes):
    make_notes(3)
    with app.app_context():
        db.session.execute(text("UPDATE notes SET body = '# Heading\n\n*text*'"))
        db.session.commit()
        downgrade(revision="0004")
        assert db.session.execute(text("SELECT count(*) FROM notes")).scalar() == 3
        db.session.remove()
        upgrade()
        excerpts = db.session.execute(text("SELECT excerpt FROM notes")).scalars().all()
    assert excerpts == [markdown.excerpt("# Heading\n\n*text*")] * 3 == ["Heading\ntext"] * 3


def test_a_body_too_long_to_save_is_not_previewed_either(browser_client):
    too_long = "x" * (BODY_MAX + 1)
    page = browser_client.submit(
        browser_client.get("/notes/new"), "#note-form", press="#preview-note", body=too_long
    )
    assert page.status == 422
    assert "at most 50,000 characters" in page.html.select_one("#note-preview").get_text()
    assert page.html.select_one("#note-preview .note-body") is None
    assert textarea_value(page.html.select_one("#body")) == too_long
