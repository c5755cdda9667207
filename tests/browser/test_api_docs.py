"""The API reference renders from vendored assets under the site's CSP."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def test_the_docs_page_renders_every_operation(page: Page):
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/api/docs")
    expect(page.locator(".opblock")).to_have_count(18)
    expect(page.get_by_text("/api/notes/{note_id}").first).to_be_visible()
    assert refused == []


def test_the_docs_page_sits_in_the_apps_header_and_reached_from_it(page: Page):
    page.goto("/notes/")
    page.locator("header").get_by_role("link", name="API").click()
    expect(page.locator(".opblock")).to_have_count(18)  # its scripts ran: a whole page
    expect(page.locator("header").get_by_role("link", name="Notes", exact=True)).to_be_visible()
    page.locator("header").get_by_role("link", name="Notes", exact=True).click()
    expect(page.get_by_role("heading", name="Notes", level=1)).to_be_visible()


def test_the_docs_page_is_dark_in_dark_mode(signed_in_page):
    page = signed_in_page(color_scheme="dark")
    page.goto("/api/docs")
    expect(page.locator(".opblock")).to_have_count(18)
    reference = page.locator(".api-reference")
    assert "invert" in reference.evaluate("e => getComputedStyle(e).filter")
    page.emulate_media(color_scheme="light")
    assert reference.evaluate("e => getComputedStyle(e).filter") == "none"


def test_the_account_pages_api_link_loads_the_reference(page: Page):
    page.goto("/account")
    page.locator("main").get_by_role("link", name="the API").click()
    expect(page.locator(".opblock")).to_have_count(18)
