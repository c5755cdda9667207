"""Notes in the browser, with JavaScript off: real pages, real forms, CSRF on."""

from __future__ import annotations

import io

import pytest

from notesweb.limits import BODY_MAX, PAGE_SIZE, TITLE_MAX

from .html import csrf_token, field_error, form_fields, soup, textarea_value


def create(browser, title: str, body: str = ""):
    return browser.submit(browser.get("/notes/new"), "#note-form", title=title, body=body)


def test_home_leads_to_the_list(browser_client):
    page = browser_client.get("/")
    assert page.url == "/notes/"
    assert page.html.select_one("main h1").get_text() == "Notes"
    assert page.html.select_one("#notes-total").get_text(strip=True) == "0 notes"


def test_create_shows_the_note_and_a_flash(browser_client):
    page = create(browser_client, "  Groceries  ", "milk\r\neggs")
    assert page.status == 200
    article = page.html.select_one("article[data-note-id]")
    assert article.select_one("h1").get_text() == "Groceries"
    assert article.select_one(".note-body").get_text().strip() == "milk\neggs"
    assert page.flash_messages() == ["Note created."]
    assert page.url == f"/notes/{article['data-note-id']}"


def test_a_successful_post_answers_303_see_other(client):
    token = csrf_token(client.get("/notes/new"))
    response = client.post("/notes/new", data={"csrf_token": token, "title": "PRG"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/notes/1"


def test_a_file_sent_as_a_field_is_no_server_error(client):
    token = csrf_token(client.get("/notes/new"))
    response = client.post(
        "/notes/new",
        data={"csrf_token": token, "title": (io.BytesIO(b"x"), "t.txt"), "body": "kept"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert textarea_value(soup(response).select_one("#body")) == "kept"


def test_saving_a_note_deleted_meanwhile_keeps_the_text(browser_client, make_notes):
    (note_id,) = make_notes(1)
    edit = browser_client.get(f"/notes/{note_id}/edit")
    browser_client.submit(browser_client.get(f"/notes/{note_id}"), "#delete-form")
    orphan = browser_client.submit(edit, "#note-form", body="my careful edit")
    assert orphan.status == 404
    form = orphan.html.select_one("#note-form")
    assert "deleted while you were editing" in form.select_one("#form-errors").get_text()
    assert form["action"] == "/notes/new"
    assert textarea_value(form.select_one("#body")) == "my careful edit"
    saved = browser_client.submit(orphan, "#note-form")
    assert saved.html.select_one(".note-body").get_text().strip() == "my careful edit"


def test_every_form_field_has_a_label(browser_client):
    form = browser_client.get("/notes/new").html.select_one("#note-form")
    for field in form.select("input:not([type=hidden]), textarea"):
        assert form.select_one(f"label[for={field['id']}]") is not None


@pytest.mark.parametrize(
    ("title", "body", "field", "message"),
    [
        ("   ", "what I typed", "title", "Title is required."),
        ("x" * (TITLE_MAX + 1), "what I typed", "title", "at most 200 characters"),
        ("ok", "b" * (BODY_MAX + 1), "body", "at most 50,000 characters"),
        ("ok", "bell \x07", "body", "control characters"),
    ],
)
def test_invalid_input_keeps_what_was_typed(browser_client, title, body, field, message):
    page = create(browser_client, title, body)
    assert page.status == 422
    form = page.html.select_one("#note-form")
    assert form.select_one("#title")["value"] == title
    assert textarea_value(form.select_one("#body")) == body
    invalid = form.select_one(f"#{field}")
    assert invalid["aria-invalid"] == "true"
    error = field_error(form, invalid)
    assert message in error.get_text()
    assert invalid.has_attr("autofocus")
    assert browser_client.get("/notes/").html.select("#note-list article") == []


def test_edit_changes_the_note(browser_client):
    note = create(browser_client, "Draft", "first")
    edit = browser_client.follow(note, "a[href$='/edit']")
    assert edit.html.select_one("#title")["value"] == "Draft"
    saved = browser_client.submit(edit, "#note-form", title="Final", body="second")
    assert saved.flash_messages() == ["Note saved."]
    assert saved.html.select_one("article h1").get_text() == "Final"
    assert "version 2" in saved.html.select_one("article .meta").get_text()


def test_edit_that_races_another_keeps_the_text_and_says_so(browser_client):
    note = create(browser_client, "Shared", "v1")
    first = browser_client.follow(note, "a[href$='/edit']")
    second = browser_client.follow(note, "a[href$='/edit']")
    browser_client.submit(first, "#note-form", body="from the first tab")
    clash = browser_client.submit(second, "#note-form", body="from the second tab")
    assert clash.status == 409
    assert textarea_value(clash.html.select_one("#body")) == "from the second tab"
    assert "changed elsewhere" in clash.html.select_one("#form-errors").get_text()
    # Saving again on purpose replaces the other change.
    resolved = browser_client.submit(clash, "#note-form")
    assert resolved.html.select_one(".note-body").get_text().strip() == "from the second tab"


def test_invalid_edit_keeps_what_was_typed(browser_client):
    note = create(browser_client, "Keep", "original")
    edit = browser_client.follow(note, "a[href$='/edit']")
    page = browser_client.submit(edit, "#note-form", title="", body="rewritten")
    assert page.status == 422
    assert textarea_value(page.html.select_one("#body")) == "rewritten"
    shown = browser_client.get(note.url)
    assert shown.html.select_one(".note-body").get_text().strip() == "original"


def test_delete_moves_the_note_to_the_trash_and_says_undo(browser_client):
    note = create(browser_client, "Doomed")
    after = browser_client.submit(browser_client.get("/notes/"), "#note-list form.delete")
    assert after.url == "/notes/"
    assert after.flash_messages() == ["Moved “Doomed” to the trash."]
    undo = after.html.select_one("#flash form.undo")
    assert undo["action"] == f"/trash/{note.url.split('/')[-1]}/restore"
    assert after.html.select("#note-list article") == []
    assert browser_client.get(note.url).status == 404
    undone = browser_client.submit(after, "#flash form.undo")
    assert undone.url == "/notes/"
    assert undone.flash_messages() == ["Restored “Doomed”."]
    assert [a.get_text() for a in undone.html.select("#note-list h2 a")] == ["Doomed"]


def test_the_show_page_deletes_to_the_trash_too(browser_client):
    note = create(browser_client, "Doomed too")
    after = browser_client.submit(note, "#delete-form")
    assert after.url == "/notes/"
    assert (
        after.html.select_one("#flash p").get_text().startswith("Moved “Doomed too” to the trash.")
    )
    assert browser_client.get(note.url).status == 404


@pytest.mark.parametrize("url", ["/notes/", "/notes/new", "/notes/1", "/notes/1/edit", "/trash/"])
def test_every_post_form_carries_a_csrf_token(browser_client, make_notes, url):
    make_notes(2)
    forms = browser_client.get(url).html.select("form:not([role=search])")
    assert forms
    for form in forms:
        assert form["method"] == "post"
        assert csrf_token(form)


def test_deleted_ids_are_never_reused(browser_client, make_notes):
    first, second = make_notes(2)
    browser_client.submit(browser_client.get(f"/notes/{second}"), "#delete-form")
    note = create(browser_client, "Newcomer")
    assert note.url == f"/notes/{second + 1}"


def test_paging_reaches_every_note_exactly_once(browser_client, make_notes):
    ids = make_notes(PAGE_SIZE * 2 + 7)
    page = browser_client.get("/notes/")
    assert page.html.select_one("#notes-total").get_text(strip=True) == f"{len(ids)} notes"
    assert page.html.select_one("a[rel=prev]") is None
    seen, pages = [], [page]
    while True:
        seen += [int(a["data-note-id"]) for a in page.html.select("#note-list article")]
        if page.html.select_one("a[rel=next]") is None:
            break
        page = browser_client.follow(page, "a[rel=next]")
        pages.append(page)
    assert len(pages) == 3
    assert seen == sorted(ids, reverse=True)
    # And back again with the "Newer" links.
    back = browser_client.follow(pages[-1], "a[rel=prev]")
    ids_on = lambda page: [a["data-note-id"] for a in page.html.select("#note-list article")]  # noqa: E731
    assert ids_on(back) == ids_on(pages[1])


def test_an_edited_note_moves_to_the_top(browser_client, make_notes):
    ids = make_notes(3)
    edit = browser_client.get(f"/notes/{ids[0]}/edit")
    browser_client.submit(edit, "#note-form", title="Touched")
    listing = browser_client.get("/notes/")
    order = [int(a["data-note-id"]) for a in listing.html.select("#note-list article")]
    assert order == [ids[0], ids[2], ids[1]]


def test_a_foreign_cursor_falls_back_to_the_first_page(browser_client, make_notes):
    make_notes(1)
    page = browser_client.get("/notes/?cursor=not-a-cursor")
    assert page.url == "/notes/"
    assert "no longer valid" in page.flash_messages()[0]


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/nowhere", "Page not found"),
        ("/notes/tags/nowhere", "Page not found"),
        ("/notes/999", "Note not found"),
        ("/notes/99999999999999/edit", "Note not found"),
    ],
)
def test_not_found_is_a_page_in_the_layout(client, url, heading):
    """It speaks of a note only where the address was a note's."""
    response = client.get(url)
    assert response.status_code == 404
    page = soup(response)
    assert page.select_one("nav[aria-label=Main] a[href='/notes/new']") is not None
    assert page.select_one(".error-page h1").get_text() == heading
    assert ("note" in page.select_one(".error-page p").get_text()) == url.startswith("/notes/9")


def test_wrong_method_is_a_page_in_the_layout(client, make_notes):
    (note_id,) = make_notes(1)
    response = client.put(f"/notes/{note_id}")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
    assert soup(response).select_one(".error-page[data-status='405']") is not None


def test_server_error_is_a_page_with_the_request_id(app, client, monkeypatch):
    from notesweb.notes import service

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(service, "list_notes", broken)
    response = client.get("/notes/", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 500
    page = soup(response)
    assert page.select_one("nav[aria-label=Main]") is not None
    assert page.select_one(".error-page code").get_text() == "req-123"
    assert "boom" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "data"),
    [("/notes/new", {"title": "x"}), ("/notes/1/edit", {"title": "x"}), ("/notes/1/delete", {})],
)
def test_posts_without_a_csrf_token_are_refused(client, make_notes, url, data):
    make_notes(1)
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert soup(client.get("/notes/1")).select_one("article h1").get_text() == "Note 0"


def test_an_expired_session_keeps_the_typed_note(client):
    response = client.post("/notes/new", data={"title": "Long essay", "body": "hours of work"})
    assert response.status_code == 400
    page = soup(response)
    assert "session expired" in page.select_one(".error-page").get_text()
    form = page.select_one("form#typed-text")
    assert form["action"] == "/notes/new"
    assert form.select_one("#title")["value"] == "Long essay"
    assert textarea_value(form.select_one("#body")) == "hours of work"
    assert csrf_token(form)


def test_an_expired_session_on_a_deleted_note_keeps_the_text(client, make_notes):
    """The text comes back; sent again, the edit of a note deleted meanwhile becomes
    an offer to create it as a new note, the text still there."""
    (note_id,) = make_notes(1)
    url = f"/notes/{note_id}/edit"
    response = client.post(url, data={"title": "Gone", "body": "still mine", "version": "1"})
    assert response.status_code == 400
    form = soup(response).select_one("form#typed-text")
    assert form["action"] == url
    client.post(
        f"/notes/{note_id}/delete",
        data={"csrf_token": csrf_token(form)},
    )
    again = client.post(url, data=form_fields(form))
    assert again.status_code == 404
    orphan = soup(again).select_one("#note-form")
    assert textarea_value(orphan.select_one("#body")) == "still mine"
    assert orphan["action"] == "/notes/new"


def test_a_note_over_the_request_size_limit_gets_a_413_page(client):
    response = client.post("/notes/new", data={"title": "Big", "body": "x" * 1_100_000})
    assert response.status_code == 413
    assert soup(response).select_one("main h1").get_text() == "Request Entity Too Large"
