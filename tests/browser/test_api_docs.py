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
    expect(page.locator(".opblock")).to_have_count(8)
    expect(page.get_by_text("/api/notes/{note_id}").first).to_be_visible()
    assert refused == []
