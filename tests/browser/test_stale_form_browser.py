"""A note form whose CSRF token went stale (the person signed out and in again in
another tab) hands its text back, ready to send again, with JavaScript on and off."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .axe import violations
from .conftest import sign_in


def renew_the_session_elsewhere(page: Page, username: str) -> None:
    other = page.context.new_page()
    other.goto("/notes/")
    other.get_by_role("button", name="Sign out").click()
    other.wait_for_url("**/login")
    sign_in(other, username)
    other.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_stale_note_form_gives_the_text_back(signed_in_page, live_user, notes, javascript):
    page = signed_in_page(java_script_enabled=javascript, bypass_csp=javascript)  # for axe
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Written over lunch")
    page.get_by_label("Body").fill("Paragraph one.\n\nParagraph two.")
    renew_the_session_elsewhere(page, live_user)

    page.get_by_role("button", name="Create note").click()
    handed_back = page.locator("form#typed-text")
    expect(handed_back).to_be_visible()
    expect(page.locator(".error-page")).to_contain_text("session expired")
    expect(handed_back.get_by_label("Title")).to_have_value("Written over lunch")
    expect(handed_back.get_by_label("Body")).to_have_value("Paragraph one.\n\nParagraph two.")
    # The status regions outlive the swap, so later messages are still announced.
    expect(page.locator("#flash")).to_have_count(1)
    if javascript:
        assert violations(page) == []

    handed_back.get_by_role("button", name="Send again").click()
    expect(page).to_have_url(re.compile(r"/notes/\d+$"))
    expect(page.locator("article h1")).to_have_text("Written over lunch")
    expect(page.locator("#flash")).to_contain_text("Note created.")


def sign_out_from_another_browser(browser, base_url: str, username: str) -> None:
    """The owner signs out "everywhere else" from another browser (its own cookies)."""
    context = browser.new_context(base_url=base_url)
    other = context.new_page()
    sign_in(other, username)
    other.goto("/account")
    other.get_by_role("button", name="Sign out everywhere else").click()
    expect(other.locator("#flash")).to_contain_text("Signed out")
    context.close()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_note_sent_after_being_signed_out_comes_back(
    browser, base_url, signed_in_page, live_user, notes, javascript
):
    page = signed_in_page(java_script_enabled=javascript, bypass_csp=javascript)  # for axe
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Written on the train")
    page.get_by_label("Body").fill("Before the tunnel.")
    sign_out_from_another_browser(browser, base_url, live_user)

    page.get_by_role("button", name="Create note").click()
    handed_back = page.locator("form#typed-text")
    expect(handed_back).to_be_visible()
    expect(page.locator(".error-page")).to_contain_text("You were signed out")
    expect(page.get_by_role("link", name="Sign in (opens a new tab)")).to_be_visible()
    expect(handed_back.get_by_label("Title")).to_have_value("Written on the train")
    expect(handed_back.get_by_label("Body")).to_have_value("Before the tunnel.")
    if javascript:
        assert violations(page) == []
