"""axe-core finds no accessibility violations on any kind of page, with HTMX at work."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .axe import violations


@pytest.fixture
def page(signed_in_page):
    """A signed-in page whose CSP lets the test inject axe (the app's pages need no such leave)."""
    return signed_in_page(bypass_csp=True)


@pytest.mark.parametrize(
    "url",
    [
        "/notes/",
        "/notes/new",
        "/notes/{id}",
        "/notes/{id}/edit",
        "/notes/{id}/history/",
        "/notes/{id}/history/1",
        "/notes/import",
        "/trash/",
        "/trash/{trashed}",
        "/trash/empty",
        "/x",
        "/account",
        "/account/delete",
        "/notes/tags",
        "/notes/?tag=none",
        "/notes/?sort=title",
        "/notes/?q=note",
        "/notes/?q=zzzz",
        "/notes/?q=" + "a" * 501,
    ],
)
def test_pages_have_no_violations(page: Page, notes, url):
    ids = notes.make(25)
    notes.trash(*ids[1:4])
    notes.edit(ids[0], "Body 0, and a second thought.\n\nA new paragraph.")
    page.goto(url.format(id=ids[0], trashed=ids[1]))
    assert violations(page) == []


def test_pages_after_htmx_swaps_have_no_violations(page: Page, notes):
    notes.make(45)
    page.goto("/notes/")
    page.get_by_role("link", name="Load more").click()
    expect(page.locator("#note-list article")).to_have_count(40)
    assert violations(page) == []
    page.goto("/notes/new")
    page.get_by_label("Title").fill(" ")
    page.get_by_role("button", name="Create note").click()
    expect(page.locator("#title-error")).to_be_visible()
    assert violations(page) == []


def test_signed_out_pages_have_no_violations(browser, base_url):
    context = browser.new_context(base_url=base_url, bypass_csp=True)
    page = context.new_page()
    for url in ("/login", "/signup"):
        page.goto(url)
        assert violations(page) == [], url
    context.close()


def test_rendered_markdown_and_its_preview_have_no_violations(page: Page, notes):
    body = (
        "# Heading #rich #rich/nested/deep\n\n## Sub\n\n- [x] done\n- [ ] open\n\n"
        "| a | b |\n|:-|-:|\n| 1 | 2 |\n\n"
        "> quoted\n\n```\ncode\n```\n\n**bold** _em_ ~~gone~~ https://example.com ![pic](p.png)"
    )
    page.goto("/notes/new")
    page.get_by_label("Title").fill("Rich")
    page.get_by_label("Body").fill(body)
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#note-preview .note-body h2")).to_be_visible()
    assert violations(page) == []
    page.get_by_role("button", name="Create note").click()
    expect(page.locator(".note-body table")).to_be_visible()
    assert violations(page) == []
    for url in ("/notes/tags", "/notes/?tag=rich"):
        page.goto(url)
        assert violations(page) == []
