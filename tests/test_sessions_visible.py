"""The account page lists the account's signed-in browsers (started, last seen, which
browser, this one marked) and signs out any one of them, or every one but this."""

from __future__ import annotations

import pytest

from .conftest import sign_in
from .html import Browser, csrf_token, soup

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)
HTMX = {"HX-Request": "true"}


@pytest.fixture
def browsers(app, user):
    """Alice signed in from three browsers; the first is the one the tests look from."""
    found = {}
    for agent in (FIREFOX, IPHONE, EDGE):
        client = app.test_client()
        client.environ_base["HTTP_USER_AGENT"] = agent
        assert sign_in(client, "alice").url.endswith("/notes/")
        found[agent] = client
    return found


def signed_in(client) -> bool:
    return client.get("/notes/").status_code == 200


def rows(page) -> dict[str, dict]:
    table = soup(page).select_one("table#sessions")
    found = {}
    for row in table.select("tbody tr"):
        cells = row.select("td")
        found[cells[0].get_text(" ", strip=True)] = {
            "id": int(row["data-session-id"]),
            "current": row.get("aria-current") == "true",
            "times": [t["datetime"] for t in row.select("time")],
            "sign_out": row.select_one("form button"),
        }
    return found


def test_the_account_page_lists_every_signed_in_browser(browsers):
    listed = rows(browsers[FIREFOX].get("/account"))
    assert set(listed) == {
        "Firefox 133 on Linux (this browser)",
        "Mobile Safari 17 on iOS 17",
        "Edge 131 on Windows 10",
    }
    this_one = listed["Firefox 133 on Linux (this browser)"]
    assert this_one["current"] and this_one["sign_out"] is None
    others = [row for name, row in listed.items() if "this browser" not in name]
    assert all(not row["current"] and row["sign_out"] is not None for row in others)
    assert all(len(row["times"]) == 2 for row in listed.values())
    # Another account's browsers are not listed.
    assert len({row["id"] for row in listed.values()}) == 3


def test_another_account_sees_only_its_own(app, browsers):
    from notesweb.auth import service
    from notesweb.extensions import db

    with app.app_context():
        service.create_user("bob", "bob's long passphrase")
        db.session.commit()
    bob = app.test_client()
    sign_in(bob, "bob", "bob's long passphrase")
    assert list(rows(bob.get("/account"))) == ["An unknown browser (this browser)"]


def test_signing_out_one_browser_leaves_the_others(browsers):
    me = Browser(browsers[FIREFOX])
    page = me.get("/account")
    answer = me.submit(page, 'tr:has(td:-soup-contains("Mobile Safari")) form')
    assert answer.url.endswith("/account")
    assert "That browser is signed out." in answer.flash_messages()
    assert not signed_in(browsers[IPHONE])
    assert signed_in(browsers[FIREFOX]) and signed_in(browsers[EDGE])
    assert "Mobile Safari 17 on iOS 17" not in rows(browsers[FIREFOX].get("/account"))


def test_signing_out_a_browser_in_place(browsers):
    me = browsers[FIREFOX]
    page = me.get("/account")
    edge = rows(page)["Edge 131 on Windows 10"]["id"]
    answer = me.post(
        f"/account/sessions/{edge}/end", headers=HTMX | {"X-CSRFToken": csrf_token(page)}
    )
    assert answer.status_code == 200 and answer.text == ""
    assert not signed_in(browsers[EDGE])
    assert signed_in(browsers[IPHONE])


def test_a_sign_in_that_ended_is_neither_listed_nor_counted(app, browsers):
    """Ended (here: past its lifetime) but not purged yet: it is no browser any more."""
    from datetime import timedelta

    from notesweb.extensions import db
    from notesweb.models import LoginSession

    listed = rows(browsers[FIREFOX].get("/account"))
    edge = listed["Edge 131 on Windows 10"]["id"]
    with app.app_context():
        record = db.session.get(LoginSession, edge)
        record.created_at -= timedelta(days=31)
        db.session.commit()
    assert "Edge 131 on Windows 10" not in rows(browsers[FIREFOX].get("/account"))
    me = Browser(browsers[FIREFOX])
    answer = me.submit(me.get("/account"), "#end-others-form")
    assert "Signed out 1 other browser." in answer.flash_messages()


def test_signing_out_everywhere_else(browsers):
    me = Browser(browsers[FIREFOX])
    answer = me.submit(me.get("/account"), "#end-others-form")
    assert "Signed out 2 other browsers." in answer.flash_messages()
    assert not signed_in(browsers[IPHONE]) and not signed_in(browsers[EDGE])
    assert signed_in(browsers[FIREFOX])
    assert list(rows(browsers[FIREFOX].get("/account"))) == ["Firefox 133 on Linux (this browser)"]
    # Alone, there is nobody else to sign out.
    assert soup(browsers[FIREFOX].get("/account")).select_one("#end-others-form") is None


def test_signing_out_this_browsers_own_row_signs_out_here(browsers):
    me = browsers[FIREFOX]
    page = me.get("/account")
    own = rows(page)["Firefox 133 on Linux (this browser)"]["id"]
    answer = me.post(f"/account/sessions/{own}/end", headers={"X-CSRFToken": csrf_token(page)})
    assert answer.status_code == 303 and answer.headers["Location"] == "/login"
    assert not signed_in(me)
    assert signed_in(browsers[IPHONE])


def test_a_browser_that_is_gone_is_not_found(browsers):
    me = browsers[FIREFOX]
    page = me.get("/account")
    for session_id in (0, 2**31, 999):
        answer = me.post(
            f"/account/sessions/{session_id}/end", headers={"X-CSRFToken": csrf_token(page)}
        )
        assert answer.status_code == 404
        message = soup(answer).select_one(".error-page p").get_text()
        assert message == f"There is no signed-in browser {session_id}."


def test_the_page_says_how_long_a_sign_in_lasts(database_url):
    from flask_migrate import upgrade

    from notesweb.auth import service

    from .conftest import make_app

    app = make_app(database_url, SESSION_IDLE_TIMEOUT=5400, SESSION_LIFETIME=86400)
    with app.app_context():
        upgrade()
        service.create_user("alice", "a long and uncommon passphrase")
    client = app.test_client()
    sign_in(client, "alice")
    text = soup(client.get("/account")).select_one("#sessions-heading").find_next("p").get_text()
    assert text == (
        "A browser is signed out 90 minutes after its last visit, and 1 day after signing in."
    )


def test_a_long_user_agent_is_kept_to_its_first_512_characters(app, user):
    from sqlalchemy import select

    from notesweb.extensions import db
    from notesweb.models import LoginSession

    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = FIREFOX + " x" * 1000
    assert sign_in(client, "alice").url.endswith("/notes/")
    with app.app_context():
        kept = db.session.scalar(select(LoginSession.user_agent))
    assert kept == (FIREFOX + " x" * 1000)[:512]
    assert "Firefox 133 on Linux (this browser)" in rows(client.get("/account"))
