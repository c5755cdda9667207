"""Every page fits a phone: nothing scrolls sideways at 320, 375 or 768 px, nothing
overlaps, everything tapped is at least 44 px, and the header's links sit behind a
menu that opens without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from notesweb.auth import service as auth_service

from ..conftest import make_app
from .axe import violations

LONG_TITLE = ("A title long enough to need several lines " * 5)[:200]
WIDE_BODY = (
    "| " + " | ".join(f"column-{i}-with-a-long-name" for i in range(8)) + " |\n"
    "|" + "---|" * 8 + "\n"
    "| " + " | ".join("a-wide-cell-of-text" for _ in range(8)) + " |\n\n"
    "```\n"
    + "a_very_long_line_of_code_that_never_breaks() " * 6
    + "\n```\n\n"
    + "https://example.com/"
    + "a-long-path-segment/" * 10
    + " #layout"
)
PHONE_WIDTHS = (320, 375)

# Whether each element anyone taps is at least 44 px both ways: links inside running
# text are left out (WCAG 2.5.5 exempts inline targets), as is the rendered note; a
# checkbox counts with its label, which toggles it.
SMALL_TARGETS = """() => {
  const small = [];
  for (let el of document.querySelectorAll(
      'a[href], button, summary, input:not([type=hidden]), select, textarea')) {
    if (el.type === 'checkbox' && el.closest('label')) el = el.closest('label');
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || el.closest('.markdown, .skip-link')) continue;
    const block = el.closest('p, td, small');
    const inText = el.tagName === 'A' && block && !el.closest('nav, .tags, .row-actions, .actions')
      && block.textContent.trim() !== el.textContent.trim();
    if (!inText && (box.width < 44 || box.height < 44)) {
      small.push(`${el.tagName} "${el.textContent.trim().slice(0, 30)}" ` +
                 `${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return small;
}"""


@pytest.fixture
def pages(notes, live_database, live_user):
    """The signed-in pages to check, with a long title, a wide table, a token and
    enough notes for a pager."""
    ids = notes.make(25)
    wide = notes.write(LONG_TITLE, WIDE_BODY)
    trashed = notes.write("Deleted: " + LONG_TITLE[9:], WIDE_BODY)
    notes.trash(ids[0], trashed)
    notes.edit(wide, WIDE_BODY + "\n\nAnd one more line, with a " + "long" * 30 + " word.")
    app = make_app(live_database)
    with app.app_context():
        auth_service.create_token(auth_service.find_user(live_user), "a token with a long name")
    return [
        "/notes/",
        f"/notes/{wide}",
        f"/notes/{wide}/edit",
        f"/notes/{wide}/history/",
        f"/notes/{wide}/history/1",
        "/notes/import",
        "/trash/",
        f"/trash/{trashed}",
        "/trash/empty",
        "/notes/new",
        "/notes/tags",
        "/notes/?q=title",
        "/notes/?tag=layout",
        "/account",
        "/account/delete",
        "/no/such/page",
    ]


def open_menu(page: Page) -> None:
    """Taps the header's Menu. Forced: Playwright takes the <details> around a <summary>
    for something in the way (Chromium slots the summary in the details' own shadow
    tree), though a real tap at the same point opens it, as the assertion shows."""
    page.locator("details.nav-menu > summary").click(force=True)
    expect(page.locator("details.nav-menu")).to_have_attribute("open", "")
    expect(page.locator("details.nav-menu > ul")).to_have_css("opacity", "1")  # faded in


def scroll_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", [320, 375, 768])
def test_no_signed_in_page_scrolls_sideways(signed_in_page, pages, width):
    page = signed_in_page(viewport={"width": width, "height": 740})
    wider = {}
    for url in pages:
        page.goto(url)
        if scroll_width(page) > width:
            wider[url] = scroll_width(page)
    assert wider == {}


@pytest.mark.parametrize("width", [320, 375, 768])
def test_no_signed_out_page_scrolls_sideways(browser, base_url, width):
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 740})
    page = context.new_page()
    wider = {}
    for url in ("/login", "/signup", "/api/docs"):
        page.goto(url)
        if scroll_width(page) > width:
            wider[url] = scroll_width(page)
    context.close()
    assert wider == {}


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_everything_tapped_on_a_phone_is_44px(signed_in_page, pages, width):
    page = signed_in_page(viewport={"width": width, "height": 740})
    small = {}
    for url in pages:
        page.goto(url)
        open_menu(page)  # its links are tapped too
        if found := page.evaluate(SMALL_TARGETS):
            small[url] = found
    assert small == {}


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize("width", [320, 375, 768, 1280])
def test_a_long_title_wraps_clear_of_its_buttons(signed_in_page, notes, width):
    notes.make(25)
    notes.write(LONG_TITLE)
    page = signed_in_page(viewport={"width": width, "height": 740})
    page.goto("/notes/")
    row = page.locator("#note-list article").first
    expect(row.locator("h2")).to_contain_text(LONG_TITLE.strip())
    title = row.locator("h2").bounding_box()
    for button in row.locator(".row-actions button").all():
        assert not boxes_overlap(title, button.bounding_box())
    assert title["x"] + title["width"] <= width
    older = page.get_by_role("link", name="Older").bounding_box()
    load_more = page.get_by_role("link", name="Load more").bounding_box()
    assert load_more["x"] - (older["x"] + older["width"]) >= 8  # apart, not touching


@pytest.mark.parametrize("javascript", [True, False])
def test_the_header_collapses_into_a_menu_on_a_phone(signed_in_page, javascript):
    page = signed_in_page(viewport={"width": 375, "height": 740}, java_script_enabled=javascript)
    header = page.locator("header")
    tags = header.get_by_role("link", name="Tags")
    expect(tags).to_be_hidden()
    open_menu(page)
    expect(tags).to_be_visible()
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()
    tags.click()
    expect(page).to_have_url(re.compile(r"/notes/tags$"))
    expect(page.get_by_role("heading", name="Tags", level=1)).to_be_visible()


def test_the_header_shows_its_links_where_they_fit(signed_in_page):
    page = signed_in_page(viewport={"width": 1280, "height": 800})
    header = page.locator("header")
    expect(header.get_by_text("Menu")).to_be_hidden()
    for name in ("Notes", "Tags", "New note", "API"):
        expect(header.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.mark.parametrize("which", [0, 1, 8], ids=["list", "wide-note", "account"])
def test_phone_pages_with_the_menu_open_have_no_violations(signed_in_page, pages, which):
    page = signed_in_page(viewport={"width": 375, "height": 740}, bypass_csp=True)
    page.goto(pages[which])
    assert violations(page) == []
    open_menu(page)
    assert violations(page) == []


def direction(locator) -> str:
    return locator.evaluate("element => getComputedStyle(element).direction")


def test_right_to_left_notes_read_right_to_left(page: Page, notes):
    arabic = notes.write("ملاحظة عن الحديقة", "هذه ملاحظة باللغة العربية.\n\nسطر ثان.")
    english = notes.write("A note in English", "Left to right.")
    page.goto("/notes/")
    rows = page.locator("#note-list article")
    assert direction(rows.filter(has_text="ملاحظة").locator("h2")) == "rtl"
    assert direction(rows.filter(has_text="ملاحظة").locator(".excerpt")) == "rtl"
    assert direction(rows.filter(has_text="English").locator("h2")) == "ltr"
    page.goto(f"/notes/{arabic}")
    assert direction(page.locator("h1")) == "rtl"
    assert direction(page.locator(".note-body")) == "rtl"
    page.goto(f"/notes/{arabic}/edit")
    assert direction(page.get_by_label("Title")) == "rtl"
    assert direction(page.get_by_label("Body")) == "rtl"
    page.goto(f"/notes/{english}/edit")
    assert direction(page.get_by_label("Title")) == "ltr"


def test_note_text_keeps_a_reading_width(page: Page, notes):
    body = ("A sentence long enough to fill a wide window several times over. " * 12).strip()
    note = notes.write("Wide", body + "\n\n    indented code\n        more indented")
    page.set_viewport_size({"width": 1600, "height": 900})
    page.goto(f"/notes/{note}")
    width = page.locator(".note-body p").first.bounding_box()["width"]
    character = page.evaluate(
        "(() => { const probe = document.createElement('span'); probe.textContent = '0';"
        " document.querySelector('.note-body p').append(probe);"
        " const w = probe.getBoundingClientRect().width; probe.remove(); return w; })()"
    )
    assert 60 <= width / character <= 72  # about 70 characters a line
    page.goto("/notes/")
    excerpt = page.locator("#note-list article", has_text="Wide").locator(".excerpt")
    assert excerpt.evaluate("e => getComputedStyle(e).whiteSpace") == "pre-wrap"
