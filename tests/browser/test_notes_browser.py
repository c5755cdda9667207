"""The notes pages in Chromium, with JavaScript on (HTMX) and off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from notesweb.limits import PAGE_SIZE


def note_ids(page: Page) -> list[int]:
    return [int(i) for i in page.locator("#note-list article").evaluate_all(
        "articles => articles.map(a => a.dataset.noteId)"
    )]  # fmt: skip


def mark_document(page: Page) -> None:
    """A flag that a full page load would wipe out."""
    page.evaluate("window.__sameDocument = true")


def still_same_document(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === true")


@pytest.fixture
def js_off_page(signed_in_page):
    return signed_in_page(java_script_enabled=False)


def test_paging_swaps_the_list_and_pushes_the_url(page: Page, notes):
    ids = notes.make(PAGE_SIZE * 2 + 5)[::-1]
    page.goto("/notes/")
    mark_document(page)
    assert note_ids(page) == ids[:PAGE_SIZE]

    page.get_by_role("link", name="Older").click()
    expect(page).to_have_url(re.compile(r"/notes/\?cursor="))
    expect(page.locator("#note-list article").first).to_have_attribute(
        "data-note-id", str(ids[PAGE_SIZE])
    )
    assert still_same_document(page)
    second_url = page.url

    page.go_back()
    expect(page).to_have_url(re.compile(r"/notes/$"))
    expect(page.locator("#note-list article").first).to_have_attribute("data-note-id", str(ids[0]))

    page.go_forward()
    expect(page).to_have_url(second_url)
    expect(page.locator("#note-list article").first).to_have_attribute(
        "data-note-id", str(ids[PAGE_SIZE])
    )

    page.reload()
    assert note_ids(page) == ids[PAGE_SIZE : PAGE_SIZE * 2]
    expect(page.get_by_role("link", name="Newer")).to_be_visible()


def test_load_more_appends_the_next_page_in_place(page: Page, notes):
    ids = notes.make(PAGE_SIZE * 2 + 5)[::-1]
    page.goto("/notes/")
    mark_document(page)
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#note-list article")).to_have_count(PAGE_SIZE * 2)
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#note-list article")).to_have_count(len(ids))
    assert note_ids(page) == ids
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    # The list still starts at the newest note: there is nothing newer to link to.
    expect(page.get_by_role("link", name="Newer")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="Loaded 5 notes.")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/notes/$"))
    assert still_same_document(page)


def test_delete_from_the_list_removes_the_row_and_undo_puts_it_back(page: Page, notes):
    ids = notes.make(3)[::-1]
    page.goto("/notes/")
    mark_document(page)
    row = page.locator(f"article[data-note-id='{ids[1]}']")
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())

    row.get_by_role("button", name="Delete").click()
    expect(row).to_have_count(0)
    expect(page.locator("#notes-total")).to_have_text("2 notes")
    expect(page.locator("#flash")).to_contain_text("Moved “Note 1” to the trash.")
    # Keyboard focus moves on to the next note rather than falling out of the page.
    expect(page.get_by_role("link", name="Note 0", exact=True)).to_be_focused()
    assert notes.get(ids[1]) is None

    page.locator("#flash").get_by_role("button", name="Undo").click()
    expect(page.locator("#flash")).to_have_text("Restored “Note 1”.")
    expect(page.locator("#notes-total")).to_have_text("3 notes")
    assert note_ids(page) == ids  # back in its own place, not at the end
    expect(page.get_by_role("link", name="Note 1", exact=True)).to_be_focused()
    assert notes.get(ids[1]) is not None
    assert dialogs == []  # nothing asked: Undo is the safety
    assert still_same_document(page)


def test_undo_after_the_list_changed_reloads_with_the_note_back(page: Page, notes):
    ids = notes.make(3)[::-1]
    page.goto("/notes/")
    page.locator(f"article[data-note-id='{ids[0]}']").get_by_role("button", name="Delete").click()
    expect(page.locator("#flash")).to_contain_text("Moved “Note 2” to the trash.")
    page.get_by_role("searchbox").fill("Note 1")  # the list is swapped: no row to go back to
    expect(page.locator("#note-list article")).to_have_count(1)
    page.locator("#flash").get_by_role("button", name="Undo").click()
    expect(page.locator("#flash")).to_have_text("Restored “Note 2”.")
    expect(page).to_have_url(re.compile(r"/notes/\?q=Note(\+|%20)1$"))
    page.get_by_role("searchbox").fill("")
    page.goto("/notes/")
    assert note_ids(page) == ids


def test_deleting_the_last_rows_moves_focus_to_the_total(page: Page, notes):
    ids = notes.make(2)[::-1]
    page.goto("/notes/")
    for note_id in ids:
        page.locator(f"article[data-note-id='{note_id}']").get_by_role(
            "button", name="Delete"
        ).click()
        expect(page.locator(f"article[data-note-id='{note_id}']")).to_have_count(0)
    expect(page.locator("#notes-total")).to_have_text("0 notes")
    expect(page.locator("#notes-total")).to_be_focused()


def test_the_form_validates_in_place_and_keeps_focus_sensible(page: Page, notes):
    page.goto("/notes/new")
    mark_document(page)
    page.get_by_label("Title").fill("   ")
    page.get_by_label("Body").fill("Everything I wrote")
    page.get_by_role("button", name="Create note").click()

    error = page.locator("#title-error")
    expect(error).to_have_text("Title is required.")
    expect(page.get_by_label("Title")).to_be_focused()
    expect(page.get_by_label("Title")).to_have_attribute("aria-describedby", "title-error")
    expect(page.get_by_label("Body")).to_have_value("Everything I wrote")
    assert still_same_document(page)

    page.get_by_label("Title").fill("Now with a title")
    page.get_by_role("button", name="Create note").click()
    expect(page).to_have_url(re.compile(r"/notes/\d+$"))
    expect(page.locator("article h1")).to_have_text("Now with a title")
    expect(page.locator("#flash")).to_contain_text("Note created.")
    expect(page.locator(".note-body")).to_have_text("Everything I wrote")


def test_boosted_navigation_keeps_the_document(page: Page, notes):
    (note_id,) = notes.make(1)
    page.goto("/notes/")
    mark_document(page)
    page.get_by_role("link", name="Note 0", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/notes/{note_id}$"))
    expect(page).to_have_title("Note 0 · notesweb")
    page.get_by_role("link", name="Edit").click()
    # Settled: htmx focuses the title then, and would take keys meant for the body.
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Body").fill("Edited in place")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".note-body")).to_have_text("Edited in place")
    assert still_same_document(page)


# JavaScript off: the same flows with plain links and forms.


def test_without_js_paging_and_load_more_are_links(js_off_page: Page, notes):
    page = js_off_page
    ids = notes.make(PAGE_SIZE * 2 + 5)[::-1]
    page.goto("/notes/")
    page.get_by_role("link", name="Older").click()
    expect(page).to_have_url(re.compile(r"cursor="))
    assert note_ids(page) == ids[PAGE_SIZE : PAGE_SIZE * 2]
    page.get_by_role("link", name="Load more").click()
    assert note_ids(page) == ids[PAGE_SIZE * 2 :]
    page.get_by_role("link", name="Newer").click()
    assert note_ids(page) == ids[PAGE_SIZE : PAGE_SIZE * 2]


def test_without_js_delete_and_undo_are_plain_forms(js_off_page: Page, notes):
    page = js_off_page
    ids = notes.make(2)[::-1]
    page.goto("/notes/")
    row = page.locator(f"article[data-note-id='{ids[0]}']")
    row.get_by_role("button", name="Delete").click()
    expect(page).to_have_url(re.compile(r"/notes/$"))
    expect(page.locator("#flash")).to_contain_text("Moved “Note 1” to the trash.")
    assert note_ids(page) == ids[1:]
    page.locator("#flash").get_by_role("button", name="Undo").click()
    expect(page).to_have_url(re.compile(r"/notes/$"))
    expect(page.locator("#flash")).to_have_text("Restored “Note 1”.")
    assert note_ids(page) == ids


def test_the_trash_page_restores_deletes_for_good_and_empties(page: Page, notes):
    ids = notes.make(4)
    notes.trash(*ids)
    page.goto("/trash/")
    expect(page.locator("#trash-total")).to_have_text("4 notes in the trash")
    restore = page.locator(f"#trash-list article[data-note-id='{ids[3]}']")
    restore.get_by_role("button", name="Restore").click()
    expect(restore).to_have_count(0)
    expect(page.locator("#trash-total")).to_have_text("3 notes in the trash")
    expect(page.get_by_role("link", name="Note 2", exact=True)).to_be_focused()

    doomed = page.locator(f"#trash-list article[data-note-id='{ids[2]}']")
    page.once("dialog", lambda dialog: dialog.accept())
    doomed.get_by_role("button", name="Delete forever").click()
    expect(doomed).to_have_count(0)
    expect(page.locator("#flash")).to_have_text("Deleted “Note 2” for good.")

    page.get_by_role("link", name="Empty trash").click()
    page.get_by_role("button", name="Delete 2 notes for good").click()
    expect(page.locator("#trash-total")).to_have_text("0 notes in the trash")
    page.goto("/notes/")
    assert note_ids(page) == [ids[3]]


def test_without_js_validation_and_create_work(js_off_page: Page, notes):
    page = js_off_page
    page.goto("/notes/new")
    page.get_by_label("Title").fill("   ")
    page.get_by_label("Body").fill("Kept text")
    page.get_by_role("button", name="Create note").click()
    expect(page.locator("#title-error")).to_have_text("Title is required.")
    expect(page.get_by_label("Body")).to_have_value("Kept text")
    page.get_by_label("Title").fill("Plain form")
    page.get_by_role("button", name="Create note").click()
    expect(page.locator("article h1")).to_have_text("Plain form")
    expect(page.locator("#flash")).to_contain_text("Note created.")


def test_after_signing_out_back_shows_no_notes(page: Page, notes):
    (note_id,) = notes.make(1)
    page.goto(f"/notes/{note_id}")
    page.goto("/notes/")
    expect(page.locator("#note-list article")).to_have_count(1)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.go_back()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("Body 0")).to_have_count(0)


RICH = "# Heading\n\n- [x] done\n- [ ] open\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n**bold** https://example.com"


def test_preview_swaps_in_the_rendering_and_leaves_the_text_alone(page: Page, notes):
    page.goto("/notes/new")
    mark_document(page)
    page.get_by_label("Title").fill("Rich")
    page.get_by_label("Body").fill(RICH)
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#note-preview")
    expect(preview.locator("h2", has_text="Heading")).to_be_visible()
    expect(preview.locator("td.align-right")).to_have_text("2")
    expect(page.get_by_role("button", name="Preview")).to_be_focused()
    expect(page.get_by_label("Body")).to_have_value(RICH)
    assert still_same_document(page) and page.url.endswith("/notes/new")
    assert notes.make(0) == [] and page.locator("#flash p").count() == 0
    page.get_by_role("button", name="Create note").click()
    expect(page.locator(".note-body strong")).to_have_text("bold")


def test_without_js_preview_sends_the_form_and_keeps_the_text(js_off_page: Page, notes):
    page = js_off_page
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Rich")
    page.get_by_label("Body").fill(RICH)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#note-preview .note-body h2")).to_have_text("Heading")
    expect(page.get_by_label("Title")).to_have_value("Rich")
    expect(page.get_by_label("Body")).to_have_value(RICH)
    page.get_by_role("button", name="Create note").click()
    expect(page.locator(".note-body td.align-right")).to_have_text("2")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_pinning_from_a_sorted_list_moves_the_note_to_the_top(signed_in_page, notes, javascript):
    page = signed_in_page(java_script_enabled=javascript)
    ids = notes.make(3)
    page.goto("/notes/?sort=created")
    if javascript:
        mark_document(page)
    assert note_ids(page) == ids[::-1]
    page.get_by_role("button", name="Pin “Note 0”").click()
    expect(page.get_by_text("Pinned “Note 0”.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/notes/\?sort=created$"))
    assert note_ids(page) == [ids[0], ids[2], ids[1]]
    expect(
        page.locator("#note-list article").first.get_by_text("Pinned", exact=True)
    ).to_be_visible()
    expect(page.get_by_role("link", name="Created")).to_have_attribute("aria-current", "true")
    if javascript:
        assert still_same_document(page)
    page.get_by_role("button", name="Unpin “Note 0”").click()
    expect(page.get_by_text("Unpinned “Note 0”.")).to_be_visible()
    assert note_ids(page) == ids[::-1]


def search_box(page: Page):
    return page.get_by_role("searchbox", name="Search notes")


def test_search_as_you_type_swaps_the_results_in_and_keeps_the_url(page: Page, notes):
    notes.write("Basil pesto", "garlic and pine nuts")
    notes.write("Garden", "basil and tomatoes")
    notes.write("Other", "nothing to see")
    page.goto("/notes/")
    mark_document(page)
    searches = []
    page.on("request", lambda request: "q=" in request.url and searches.append(request.url))
    search_box(page).press_sequentially("basil", delay=30)
    expect(page.locator("#notes-total")).to_have_text("2 notes match “basil”")
    expect(page).to_have_url(re.compile(r"/notes/\?q=basil$"))
    expect(page.locator("#announce")).to_have_text("2 notes match “basil”.")
    expect(page.locator("#note-list .snippet mark").first).to_have_text("basil")
    expect(search_box(page)).to_be_focused()
    assert still_same_document(page)
    assert len(searches) <= 2, searches  # debounced: not a request a key
    expect(page.locator("nav.sort")).to_have_count(0)  # results come best first

    search_box(page).press("End")
    search_box(page).press_sequentially(" -garlic", delay=30)
    expect(page.locator("#notes-total")).to_have_text("1 note matches “basil -garlic”")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/notes/\?q=basil$"))
    expect(page.locator("#notes-total")).to_have_text("2 notes match “basil”")
    page.reload()
    expect(search_box(page)).to_have_value("basil")
    expect(page.locator("#note-list article")).to_have_count(2)
    search_box(page).fill("")
    search_box(page).dispatch_event("search")
    expect(page.locator("#notes-total")).to_have_text("3 notes")


def test_search_works_without_javascript(js_off_page, notes):
    page = js_off_page
    notes.write("Basil pesto", "garlic")
    notes.write("Other", "nothing")
    page.goto("/notes/")
    search_box(page).fill("pesto")
    search_box(page).press("Enter")
    expect(page).to_have_url(re.compile(r"/notes/\?q=pesto$"))
    expect(page.locator("#notes-total")).to_have_text("1 note matches “pesto”")
    expect(page.locator("#note-list h2")).to_have_text(["Basil pesto"])
