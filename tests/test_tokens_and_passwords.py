"""API tokens die with the password (unless the person keeps them), and a signed-in
browser cannot mint a token without the password, nor try passwords that way
faster than it could sign in."""

from __future__ import annotations

from .conftest import PASSWORD
from .html import Browser, csrf_token, soup

NEW_PASSWORD = "a brand new passphrase"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def works(client, token: str) -> bool:
    status = client.get("/api/notes", headers=bearer(token)).status_code
    assert status in (200, 401)
    return status == 200


def change_password(client, **extra: str):
    browser = Browser(client)
    return browser.submit(
        browser.get("/account"),
        "#password-form",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        **extra,
    )


def test_changing_the_password_revokes_every_token(client, anon_client, api_token):
    assert works(anon_client, api_token)
    page = change_password(client)
    assert page.flash_messages() == [
        "Password changed. Other browsers have been signed out and your API tokens revoked."
    ]
    assert not works(anon_client, api_token)
    assert page.html.select("#tokens tbody tr") == []


def test_the_tokens_can_be_kept_by_ticking_the_box(client, anon_client, api_token):
    account = Browser(client).get("/account")
    box = account.html.select_one("#password-form input[type=checkbox]#keep_tokens")
    assert box is not None and not box.has_attr("checked")
    assert account.html.select_one("label[for=keep_tokens]").get_text(strip=True) == (
        "Keep my API tokens"
    )
    page = change_password(client, keep_tokens="y")
    assert page.flash_messages() == ["Password changed. Other browsers have been signed out."]
    assert works(anon_client, api_token)


def test_a_refused_password_change_revokes_nothing(client, anon_client, api_token):
    browser = Browser(client)
    page = browser.submit(
        browser.get("/account"),
        "#password-form",
        current_password="not my password",
        new_password=NEW_PASSWORD,
    )
    assert page.status == 422
    assert works(anon_client, api_token)


def test_the_cli_revokes_tokens_unless_told_to_keep_them(runner, anon_client, api_token):
    kept = runner.invoke(
        args=["user", "set-password", "alice", "--password-stdin", "--keep-tokens"],
        input=NEW_PASSWORD,
    )
    assert kept.exit_code == 0, kept.output
    assert kept.output.strip() == (
        "password of alice set; its browsers signed out, its API tokens kept"
    )
    assert works(anon_client, api_token)
    revoked = runner.invoke(
        args=["user", "set-password", "alice", "--password-stdin"], input=PASSWORD
    )
    assert revoked.exit_code == 0, revoked.output
    assert revoked.output.strip().endswith("its API tokens revoked")
    assert not works(anon_client, api_token)


def token_rows(client) -> list:
    return Browser(client).get("/account").html.select("#tokens tbody tr")


def test_creating_a_token_in_the_browser_asks_for_the_password(client):
    browser = Browser(client)
    for password in ("", "not my password"):
        page = browser.submit(browser.get("/account"), "#token-form", name="x", password=password)
        assert page.status == 422
        assert page.html.select_one("#password-error").get_text() == "This is not your password."
        assert page.html.select_one("#password")["aria-invalid"] == "true"
        # The name typed is kept; the password never comes back.
        assert page.html.select_one("#token-form #name")["value"] == "x"
        assert not page.html.select_one("#token-form #password").get("value")
        assert page.html.select_one("#new-token") is None
    assert token_rows(client) == []
    made = browser.submit(browser.get("/account"), "#token-form", name="x", password=PASSWORD)
    assert made.html.select_one("#new-token").get_text().startswith("nw_")


def test_token_creation_counts_as_a_password_check(client):
    """Five refused password checks a minute (LOGIN_RATE_LIMIT) on the account pages."""
    page = client.get("/account")
    statuses = [
        client.post(
            "/account/tokens",
            data={"csrf_token": csrf_token(page), "name": "x", "password": "guess"},
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [422] * 5 + [429]
    refused = client.post(
        "/account/tokens",
        data={"csrf_token": csrf_token(page), "name": "x", "password": PASSWORD},
    )
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in soup(refused).get_text()
    # Changing the password is refused too: one count for the account's pages.
    changed = client.post(
        "/account/password",
        data={
            "csrf_token": csrf_token(page),
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 429
