"""A note sent while the database cannot take it (SQLite locked by another writer for
longer than its 5 s busy timeout) is never lost: with JavaScript the form keeps it and
says why; without, the 503 page hands it back ready to send again."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest
from playwright.sync_api import Page, expect

from .axe import violations

TITLE = "Written while the database was busy"
BODY = "First line\nSecond line"


@pytest.fixture
def database_locked(live_database):
    """A context that holds the live database's write lock while it is open."""

    @contextlib.contextmanager
    def locked():
        holder = sqlite3.connect(live_database.removeprefix("sqlite:///"))
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()

    return locked


def write_note(page: Page) -> None:
    page.goto("/notes/new")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Body").fill(BODY)


def test_with_htmx_the_form_keeps_the_text_and_says_why(signed_in_page, notes, database_locked):
    page = signed_in_page(bypass_csp=True)  # for axe
    write_note(page)
    with database_locked():
        page.get_by_role("button", name="Create note").click()
        alert = page.locator("#flash [role=alert]")
        expect(alert).to_contain_text("temporarily unavailable", timeout=15_000)
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(page.get_by_label("Body")).to_have_value(BODY)
    assert violations(page) == []

    page.get_by_role("button", name="Create note").click()
    expect(page.locator("main h1")).to_have_text(TITLE)


def test_without_javascript_the_503_page_hands_the_text_back(
    signed_in_page, notes, database_locked
):
    page = signed_in_page(java_script_enabled=False)
    write_note(page)
    with database_locked():
        page.get_by_role("button", name="Create note").click()
        expect(page.locator("main h1")).to_have_text("Service Unavailable", timeout=15_000)
    expect(page.get_by_label("Title")).to_have_value(TITLE)
    expect(page.get_by_label("Body")).to_have_value(BODY)

    page.get_by_role("button", name="Send again").click()
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator(".note-body")).to_have_text(BODY)


def test_the_503_page_with_the_text_handed_back_has_no_violations(
    signed_in_page, notes, database_locked
):
    page = signed_in_page(bypass_csp=True)  # for axe
    write_note(page)
    with database_locked():
        # A plain submission, as without JavaScript: form.submit() passes htmx by.
        with page.expect_navigation(timeout=15_000):
            page.locator("#note-form").evaluate("form => form.submit()")
    expect(page.locator("main h1")).to_have_text("Service Unavailable")
    expect(page.locator("form#typed-text")).to_be_visible()
    assert violations(page) == []
