"""What is typed in the note form is kept as a draft while typing: a closed tab loses
nothing, and opening the form again offers it back. Without JavaScript nothing
changes."""

from __future__ import annotations

import re

from playwright.sync_api import expect


def test_a_closed_tab_loses_nothing(signed_in_page, notes):
    note_id = notes.write("Letter", "Dear Sam,")
    page = signed_in_page()
    page.goto(f"/notes/{note_id}/edit")
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Body").fill("Dear Sam,\n\nThe garden is in bloom.")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    context = page.context
    page.close()

    again = context.new_page()
    again.goto(f"/notes/{note_id}/edit")
    offer = again.locator("#draft-offer")
    expect(offer).to_contain_text("You have unsaved changes to this note")
    expect(again.get_by_label("Body")).to_have_value("Dear Sam,")
    offer.get_by_role("link", name="Restore the draft").click()
    expect(again.get_by_label("Body")).to_have_value("Dear Sam,\n\nThe garden is in bloom.")
    again.get_by_role("button", name="Save").click()
    expect(again).to_have_url(re.compile(rf"/notes/{note_id}$"))
    expect(again.locator(".note-body")).to_contain_text("The garden is in bloom.")
    # The drafts saved while typing made no versions: this save made the second.
    expect(again.locator("main article .meta")).to_contain_text("version 2")
    again.goto("/notes/new")
    again.goto(f"/notes/{note_id}/edit")
    expect(again.locator("#draft-offer")).to_have_count(0)


def test_a_new_note_draft_comes_back(signed_in_page, notes):
    page = signed_in_page()
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Shopping")
    page.get_by_label("Body").fill("bread")
    expect(page.locator("#draft-status")).to_contain_text("Draft saved")
    context = page.context
    page.close()
    again = context.new_page()
    again.goto("/notes/new")
    expect(again.locator("#draft-offer")).to_contain_text("“Shopping”")
    again.get_by_role("link", name="Restore the draft").click()
    expect(again.get_by_label("Title")).to_have_value("Shopping")
    expect(again.get_by_label("Body")).to_have_value("bread")


def test_without_javascript_no_draft_is_kept(signed_in_page, notes):
    page = signed_in_page(java_script_enabled=False)
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Offline")
    page.get_by_label("Body").fill("typed")
    page.wait_for_timeout(1500)  # longer than the draft's delay with JavaScript
    expect(page.locator("#draft-status")).to_have_text("")
    page.goto("/notes/new")
    expect(page.locator("#draft-offer")).to_have_count(0)
