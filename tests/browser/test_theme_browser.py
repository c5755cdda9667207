"""Light and dark: pages follow the system's preference, and a link in the footer
(no JavaScript needed) switches this browser to the other theme, remembered."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .axe import violations


def is_dark(page: Page) -> bool:
    """Whether the page's background is dark (by its luminance)."""
    rgb = page.evaluate(
        "getComputedStyle(document.documentElement).backgroundColor"
        ".match(/\\d+/g).slice(0, 3).map(Number)"
    )
    red, green, blue = rgb
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue < 128


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_footer_link_switches_the_theme_and_it_is_remembered(signed_in_page, javascript):
    page = signed_in_page(color_scheme="light", java_script_enabled=javascript)
    page.goto("/notes/tags")
    footer = page.locator("footer")
    assert not is_dark(page)
    expect(footer.get_by_role("link", name="Light theme")).to_be_hidden()
    footer.get_by_role("link", name="Dark theme").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert page.url.endswith("/notes/tags")  # back where it was
    assert is_dark(page)
    page.reload()
    assert is_dark(page)
    expect(footer.get_by_role("link", name="Dark theme")).to_have_count(0)
    footer.get_by_role("link", name="The system's theme").click()
    expect(page.locator("html")).not_to_have_attribute("data-theme", "dark")
    assert not is_dark(page)


def test_a_dark_system_gets_a_dark_page_and_a_link_to_light(browser, base_url):
    context = browser.new_context(base_url=base_url, color_scheme="dark")
    page = context.new_page()
    page.goto("/login")
    assert is_dark(page)
    footer = page.locator("footer")
    expect(footer.get_by_role("link", name="Dark theme")).to_be_hidden()
    footer.get_by_role("link", name="Light theme").click()
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert not is_dark(page)
    context.close()


@pytest.mark.parametrize("url", ["/notes/", "/notes/{id}", "/notes/{id}/edit", "/account"])
def test_dark_pages_have_no_violations(signed_in_page, notes, url):
    note = notes.write("Dark", "Some **text**, a [link](https://example.com) and #tag.")
    page = signed_in_page(color_scheme="dark", bypass_csp=True)
    page.goto(url.format(id=note))
    assert is_dark(page)
    assert violations(page) == []
