"""The keyboard: the title is focused on New and Edit, Ctrl/Cmd+Enter saves, `n`, `/`,
`e` and `?` do what the help dialog says, never while typing in a field, and focus
lands somewhere sensible after Load more."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .axe import violations


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_new_and_edit_open_with_the_title_focused(signed_in_page, notes, javascript):
    note = notes.write("Focused", "Body")
    page = signed_in_page(java_script_enabled=javascript)
    page.goto("/notes/new")
    expect(page.get_by_label("Title")).to_be_focused()
    page.goto(f"/notes/{note}/edit")
    expect(page.get_by_label("Title")).to_be_focused()


def test_following_new_note_focuses_the_title_after_an_htmx_swap(page: Page):
    page.goto("/notes/")
    page.locator("header").get_by_role("link", name="New note").click()
    expect(page).to_have_url(re.compile(r"/notes/new$"))
    expect(page.get_by_label("Title")).to_be_focused()


@pytest.mark.parametrize("keys", ["Control+Enter", "Meta+Enter"])
def test_ctrl_or_cmd_enter_saves_the_note(page: Page, notes, keys):
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Saved by keyboard")
    page.get_by_label("Body").fill("Written, then saved without the mouse.")
    page.get_by_label("Body").press(keys)
    expect(page.get_by_role("heading", name="Saved by keyboard")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/notes/\d+$"))


def test_n_slash_and_e_go_where_they_say(page: Page, notes):
    note = notes.write("Shortcut target", "Body")
    page.goto(f"/notes/{note}")
    page.keyboard.press("e")
    expect(page).to_have_url(re.compile(rf"/notes/{note}/edit$"))
    page.goto("/notes/")
    page.keyboard.press("/")
    expect(page.get_by_role("searchbox")).to_be_focused()
    page.goto(f"/notes/{note}")  # no search field here: "/" goes to the list's
    page.keyboard.press("/")
    expect(page).to_have_url(re.compile(r"/notes/#search$"))
    expect(page.get_by_role("searchbox")).to_be_focused()
    page.locator("main").click()  # out of the field
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/notes/new$"))


def test_letters_typed_in_a_field_are_only_text(page: Page, notes):
    note = notes.write("Typing", "Body")
    page.goto(f"/notes/{note}/edit")
    body = page.get_by_label("Body")
    body.fill("")
    body.press_sequentially("new ?/e")
    expect(body).to_have_value("new ?/e")
    expect(page).to_have_url(re.compile(rf"/notes/{note}/edit$"))
    expect(page.locator("#shortcuts")).not_to_be_visible()
    page.goto("/notes/")
    page.get_by_role("searchbox").press_sequentially("ne")
    expect(page.get_by_role("searchbox")).to_have_value("ne")
    expect(page).not_to_have_url(re.compile(r"/notes/new$"))


def test_question_mark_opens_the_list_of_shortcuts_and_esc_closes_it(page: Page):
    page.goto("/notes/")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_hidden()
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    for key in ("n", "/", "e", "Enter", "?"):
        expect(
            dialog.locator("kbd", has_text=re.compile(rf"^{re.escape(key)}$"))
        ).not_to_have_count(0)
    page.keyboard.press("n")  # the list is open: no shortcut fires behind it
    expect(page).to_have_url(re.compile(r"/notes/$"))
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.keyboard.press("?")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_the_open_list_of_shortcuts_has_no_violations(signed_in_page):
    page = signed_in_page(bypass_csp=True)
    page.goto("/notes/")
    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_be_visible()
    assert violations(page) == []


def test_load_more_moves_focus_to_the_first_new_note(page: Page, notes):
    notes.make(25)  # newest first: "Note 24" … "Note 5", then "Note 4" … "Note 0"
    page.goto("/notes/")
    page.get_by_role("link", name="Load more").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#note-list > li")).to_have_count(25)
    expect(page.get_by_role("link", name="Note 4", exact=True)).to_be_focused()


def test_single_key_shortcuts_can_be_switched_off_and_stay_off(page: Page, notes):
    page.goto("/notes/")
    page.locator("footer").get_by_role("button", name="Keyboard shortcuts").click()
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    switch = dialog.get_by_role("checkbox", name=re.compile("Single-key shortcuts"))
    expect(switch).to_be_checked()
    switch.uncheck()
    page.keyboard.press("Escape")
    page.reload()
    page.keyboard.press("n")
    page.keyboard.press("?")
    page.wait_for_timeout(300)
    expect(page).to_have_url(re.compile(r"/notes/$"))
    expect(dialog).to_be_hidden()
    page.locator("footer").get_by_role("button", name="Keyboard shortcuts").click()
    expect(switch).not_to_be_checked()
    switch.check()
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(r"/notes/new$"))
