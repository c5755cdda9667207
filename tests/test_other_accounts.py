"""What one account does never reaches another: deleting an account, changing a
password, listing tokens and counting notes all keep to the account that asked."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from notesweb.extensions import db

from .conftest import PASSWORD, change_password, sign_in
from .html import Browser, soup

BOB_PASSWORD = "bob's own long passphrase"
NEW_PASSWORD = "a brand new passphrase"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def bob(app, make_notes):
    """A second account with four notes, two API tokens and a signed-in browser."""
    from notesweb.auth import service

    with app.app_context():
        account = service.create_user("bob", BOB_PASSWORD)
        token, _record = service.create_token(account, "bob's laptop")
        service.create_token(account, "bob's backup")
        db.session.refresh(account)
        db.session.expunge(account)
    note_ids = make_notes(4, prefix="Bob's", owner=account)
    browser = app.test_client()
    sign_in(browser, "bob", BOB_PASSWORD)
    assert browser.get("/notes/").status_code == 200
    return SimpleNamespace(id=account.id, token=token, note_ids=note_ids, browser=browser)


def rows_of(app, model, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count()).select_from(model).where(model.user_id == user_id)
        )


def assert_bob_is_intact(app, anon_client, bob, *, sessions: int) -> None:
    from notesweb.models import ApiToken, LoginSession

    api = anon_client.get("/api/notes", headers=bearer(bob.token))
    assert api.status_code == 200
    assert api.get_json()["total"] == 4
    assert [n["id"] for n in api.get_json()["items"]] == bob.note_ids[::-1]
    assert rows_of(app, ApiToken, bob.id) == 2
    assert rows_of(app, LoginSession, bob.id) == sessions
    assert bob.browser.get("/notes/").status_code == 200


def delete_alice_in_the_browser(client, runner) -> None:
    browser = Browser(client)
    done = browser.submit(browser.get("/account/delete"), "#delete-account-form", password=PASSWORD)
    assert done.flash_messages() == ["Your account and all its notes are deleted."]


def delete_alice_with_the_cli(client, runner) -> None:
    result = runner.invoke(args=["user", "delete", "alice", "--yes"])
    assert result.exit_code == 0, result.output
    # Bob's four notes are not counted as Alice's.
    assert "deleted user alice and 2 notes" in result.output


@pytest.mark.parametrize(
    "delete_alice", [delete_alice_in_the_browser, delete_alice_with_the_cli], ids=["form", "cli"]
)
def test_deleting_an_account_leaves_other_accounts_intact(
    app, client, anon_client, runner, api_token, make_notes, bob, delete_alice
):
    make_notes(2)
    delete_alice(client, runner)

    # Alice is gone, with her token...
    assert client.get("/notes/").status_code == 303
    assert anon_client.get("/api/notes", headers=bearer(api_token)).status_code == 401
    # ...and Bob keeps his notes, tokens, signed-in browser and password.
    assert_bob_is_intact(app, anon_client, bob, sessions=1)
    assert sign_in(app.test_client(), "bob", BOB_PASSWORD).url == "/notes/"


def change_alice_in_the_browser(client, runner) -> None:
    page = change_password(client, PASSWORD, NEW_PASSWORD)
    assert page.flash_messages() == [
        "Password changed. Other browsers have been signed out and your API tokens revoked."
    ]


def change_alice_with_the_cli(client, runner) -> None:
    result = runner.invoke(
        args=["user", "set-password", "alice", "--password-stdin"], input=NEW_PASSWORD
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    "change_password",
    [change_alice_in_the_browser, change_alice_with_the_cli],
    ids=["form", "cli"],
)
def test_a_password_change_ends_only_that_accounts_sessions(
    app, client, anon_client, runner, bob, change_password
):
    alices_other_browser = app.test_client()
    sign_in(alices_other_browser, "alice")
    assert alices_other_browser.get("/notes/").status_code == 200

    change_password(client, runner)

    assert alices_other_browser.get("/notes/").status_code == 303
    assert_bob_is_intact(app, anon_client, bob, sessions=1)


def test_the_account_page_lists_only_the_accounts_own_tokens(app, client, api_token, bob):
    from notesweb.models import ApiToken

    with app.app_context():
        alices = {
            str(token_id)
            for token_id in db.session.scalars(
                select(ApiToken.id).where(ApiToken.user_id != bob.id)
            )
        }
    assert len(alices) == 1
    rows = Browser(client).get("/account").html.select("#tokens tbody tr")
    assert {row["data-token-id"] for row in rows} == alices
    assert [row.select_one("td").get_text(strip=True) for row in rows] == ["tests"]


def test_the_total_after_an_htmx_delete_counts_only_the_accounts_notes(client, make_notes, bob):
    ids = make_notes(3)
    listing = soup(client.get("/notes/"))
    assert listing.select_one("#notes-total").get_text(strip=True) == "3 notes"
    token = json.loads(listing.select_one("body")["data-hx-headers"])["X-CSRFToken"]
    response = client.post(
        f"/notes/{ids[1]}/delete",
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert soup(response).select_one("#notes-total").get_text(strip=True) == "2 notes"


def test_the_account_delete_page_counts_only_the_accounts_notes(client, make_notes, bob):
    make_notes(2)
    page = Browser(client).get("/account/delete")
    assert "its 2 notes and its API tokens" in page.html.select_one("main h1 + p").get_text()
    button = page.html.select_one("#delete-account-form button[type=submit]")
    assert button.get_text(strip=True) == "Delete my account and 2 notes"


def test_the_cli_list_counts_each_accounts_own_notes(runner, make_notes, bob):
    make_notes(2)
    result = runner.invoke(args=["user", "list"])
    assert result.exit_code == 0, result.output
    counts = {line.split("\t")[0]: line.split("\t")[2] for line in result.output.splitlines()}
    assert counts == {"alice": "2 notes", "bob": "4 notes"}
