"""The browser's console stays clean: htmx takes the app's expected 4xx answers
(invalid forms, a failed sign-in) as answers to show, not as errors to log, and no
page asks for anything that is not there (/favicon.ico included)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from ..conftest import PASSWORD


def watch(page: Page) -> tuple[list[str], list[str]]:
    """The console's errors logged by scripts, and the requests answered 404."""
    errors, missing = [], []
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and "/static/" in message.location.get("url", "")
            and errors.append(message.text)
        ),
    )
    page.on("response", lambda response: response.status == 404 and missing.append(response.url))
    return errors, missing


def test_expected_refusals_log_no_errors(browser, base_url, live_user):
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    errors, missing = watch(page)
    page.goto("/login")
    page.get_by_label("Username").fill(live_user)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".form-errors, .field-error").first).to_be_visible()  # the 401, shown
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/notes/")
    page.goto("/notes/new")
    page.get_by_label("Title").fill(" ")
    page.get_by_role("button", name="Create note").click()
    expect(page.locator("#title-error")).to_be_visible()  # the 422, shown
    context.close()
    assert errors == []
    assert missing == []


def test_pages_name_their_icon(page: Page):
    page.goto("/notes/")
    icon = page.locator("link[rel=icon]")
    svg = page.request.get(icon.get_attribute("href"))
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert page.request.get("/favicon.ico").url.endswith("/static/favicon.svg")
