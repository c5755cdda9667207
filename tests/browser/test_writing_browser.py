"""Writing comfort: leaving a note form with unsaved text asks first (only then: not
unchanged, not after a save), the body grows with its text, and the characters left
show near the limit."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from notesweb.limits import BODY_MAX


def leave_by_unload(page: Page) -> list[str]:
    """Navigates away as the browser does (not through htmx); the dialogs it raised."""
    asked = []

    def answer(dialog):
        asked.append(dialog.type)
        dialog.dismiss()  # stay

    page.once("dialog", answer)
    page.evaluate("window.location.assign('/notes/tags')")
    page.wait_for_timeout(500)
    return asked


def test_leaving_a_changed_form_asks_first(page: Page, notes):
    note = notes.write("Draft", "First words")
    page.goto(f"/notes/{note}/edit")
    assert leave_by_unload(page) == []  # unchanged: nothing to lose
    page.wait_for_url(re.compile(r"/notes/tags$"))

    page.goto(f"/notes/{note}/edit")
    page.get_by_label("Body").fill("First words, and more")
    assert leave_by_unload(page) == ["beforeunload"]
    expect(page).to_have_url(re.compile(rf"/notes/{note}/edit$"))
    expect(page.get_by_label("Body")).to_have_value("First words, and more")


def test_following_a_link_from_a_changed_form_asks_first(page: Page, notes):
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Unsaved")
    tags = page.locator("header").get_by_role("link", name="Tags")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))  # stay
    tags.click()
    page.wait_for_timeout(500)
    assert asked == ["confirm"]
    expect(page).to_have_url(re.compile(r"/notes/new$"))
    expect(page.get_by_label("Title")).to_have_value("Unsaved")

    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))  # leave
    tags.click()
    expect(page).to_have_url(re.compile(r"/notes/tags$"))
    assert asked == ["confirm", "confirm"]


def test_saving_leaves_nothing_to_ask_about(page: Page, notes):
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Saved")
    page.get_by_label("Body").fill("Kept")
    page.get_by_role("button", name="Create note").click()
    expect(page.get_by_role("heading", name="Saved")).to_be_visible()
    page.evaluate("window.location.assign('/notes/tags')")
    page.wait_for_url(re.compile(r"/notes/tags$"))
    assert asked == []


def test_a_refused_save_still_counts_as_unsaved(page: Page, notes):
    page.goto("/notes/new")
    page.get_by_label("Title").fill(" ")  # the browser lets it through; the server refuses it
    page.get_by_label("Body").fill("No title yet, but words worth keeping")
    page.get_by_role("button", name="Create note").click()
    expect(page.locator("#title-error")).to_be_visible()
    assert leave_by_unload(page) == ["beforeunload"]


def test_the_body_grows_with_its_text(page: Page):
    page.goto("/notes/new")
    body = page.get_by_label("Body")
    empty = body.bounding_box()["height"]
    body.fill("\n".join(f"line {i}" for i in range(40)))
    assert body.bounding_box()["height"] > empty * 1.5


def test_the_characters_left_show_near_the_limit(page: Page):
    page.goto("/notes/new")
    body = page.get_by_label("Body")
    count = page.locator("#body-count")
    body.fill("a" * (BODY_MAX // 2))
    expect(count).to_be_hidden()
    assert "body-count" not in (body.get_attribute("aria-describedby") or "")
    body.fill("a" * (BODY_MAX - 1_234))
    expect(count).to_have_text("1,234 characters left")
    assert "body-count" in body.get_attribute("aria-describedby")
    page.get_by_label("Title").fill("t" * 199)
    expect(page.locator("#title-count")).to_have_text("1 character left")


def test_going_back_from_a_changed_form_asks_first(page: Page, notes):
    note = notes.write("Back", "Before")
    page.goto(f"/notes/{note}")
    page.get_by_role("link", name="Edit").click()  # boosted: Back is htmx's to handle
    expect(page).to_have_url(re.compile(rf"/notes/{note}/edit$"))
    # Settled: htmx focuses the title then, and would take keys meant for the body.
    expect(page.get_by_label("Title")).to_be_focused()
    page.get_by_label("Body").fill("Before, and after")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))  # stay
    page.go_back()
    page.wait_for_timeout(500)
    assert asked == ["confirm"]
    expect(page).to_have_url(re.compile(rf"/notes/{note}/edit$"))
    expect(page.get_by_label("Body")).to_have_value("Before, and after")
