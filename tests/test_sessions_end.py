"""Sign-in sessions end on the server: after SESSION_IDLE_TIMEOUT without a request
and SESSION_LIFETIME after signing in, whatever cookie the browser still holds. Ended
sessions and expired tokens are purged at sign-in and by `flask purge`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text

from notesweb.extensions import db
from notesweb.models import ApiToken, LoginSession, Note

from .conftest import PASSWORD, make_app, sign_in
from .test_config import start

IDLE, LIFETIME = 3, 10


@pytest.fixture
def short_app(database_url):
    app = make_app(database_url, SESSION_IDLE_TIMEOUT=IDLE, SESSION_LIFETIME=LIFETIME)
    with app.app_context():
        upgrade()
    return app


@pytest.fixture
def clock(monkeypatch):
    """The time as the auth service reads it; `clock.move(seconds)` moves it on."""
    from notesweb.auth import service

    class Clock:
        now = datetime.now(UTC).replace(microsecond=0)

        @classmethod
        def move(cls, seconds: float) -> None:
            cls.now += timedelta(seconds=seconds)

    monkeypatch.setattr(service, "utcnow", lambda: Clock.now)
    return Clock


@pytest.fixture
def signed_in(short_app, clock):
    from notesweb.auth import service

    with short_app.app_context():
        service.create_user("alice", PASSWORD)
    client = short_app.test_client()
    assert sign_in(client, "alice").url.endswith("/notes/")
    return client


def is_signed_in(client) -> bool:
    response = client.get("/notes/")
    if response.status_code == 200:
        return True
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/login")
    return False


def sessions(app) -> list[LoginSession]:
    with app.app_context():
        found = list(db.session.scalars(select(LoginSession)))
        db.session.expunge_all()
        return found


def test_a_session_ends_after_the_idle_timeout(short_app, signed_in, clock):
    clock.move(IDLE - 1)
    assert is_signed_in(signed_in)
    clock.move(IDLE)
    assert not is_signed_in(signed_in)
    # Ended on the server: the row is gone, so the same cookie never works again.
    assert sessions(short_app) == []
    clock.move(-IDLE)
    assert not is_signed_in(signed_in)


def test_requests_keep_a_session_alive_until_its_lifetime(short_app, signed_in, clock):
    for _ in range(4):
        clock.move(IDLE - 1)
        assert is_signed_in(signed_in)
    assert (IDLE - 1) * 4 < LIFETIME
    clock.move(LIFETIME - (IDLE - 1) * 4)
    assert not is_signed_in(signed_in)


def test_a_note_sent_after_the_session_ended_is_handed_back(short_app, signed_in, clock):
    """Signed out meanwhile: nothing is saved, the text comes back with the way to sign
    in again (in another tab), and it can then be sent from the same page."""
    from .html import Browser, csrf_token, form_fields, soup, textarea_value

    token = csrf_token(signed_in.get("/notes/new"))
    clock.move(IDLE)
    typed = {"title": "Kept?", "body": "An hour of writing", "csrf_token": token}
    response = signed_in.post("/notes/new", data=typed)
    assert response.status_code == 401
    page = soup(response)
    assert page.select_one(".error-page h1").get_text() == "Signed out"
    sign_in_link = page.select_one(".error-page a[href='/login']")
    assert sign_in_link["target"] == "_blank" and "noopener" in sign_in_link["rel"]
    form = page.select_one("form#typed-text")
    assert form["action"] == "/notes/new"
    assert form.select_one("#title")["value"] == "Kept?"
    assert textarea_value(form.select_one("#body")) == "An hour of writing"
    with short_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Note)) == 0

    # Signed in again "in another tab": the page's token is stale now, so the first
    # send hands the text back once more, with a token of the new session.
    Browser(signed_in).submit(Browser(signed_in).get("/login"), "#login-form",
                              username="alice", password=PASSWORD)  # fmt: skip
    again = signed_in.post("/notes/new", data=form_fields(form))
    assert again.status_code == 400
    last = soup(again).select_one("form#typed-text")
    sent = signed_in.post("/notes/new", data=form_fields(last))
    assert sent.status_code == 303
    with short_app.app_context():
        note = db.session.scalar(select(Note))
        assert (note.title, note.body) == ("Kept?", "An hour of writing")


def test_a_swap_sent_after_the_session_ended_keeps_the_text_in_place(short_app, signed_in, clock):
    from .html import csrf_token, soup

    token = csrf_token(signed_in.get("/notes/new"))
    clock.move(IDLE)
    response = signed_in.post(
        "/notes/new",
        data={"title": "Kept?", "body": "typed", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 401
    assert response.headers["HX-Retarget"] == "this"
    assert soup(response).select_one("form#typed-text #title")["value"] == "Kept?"


def test_other_forms_sent_after_the_session_ended_go_to_sign_in(signed_in, clock):
    from .html import csrf_token

    token = csrf_token(signed_in.get("/account"))
    clock.move(IDLE)
    response = signed_in.post("/account/tokens", data={"name": "x", "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/account/tokens"


def test_last_seen_is_written_at_most_once_a_minute(app, client, monkeypatch):
    from notesweb.auth import service

    first = sessions(app)[0].last_seen_at
    later = first + timedelta(seconds=59)
    monkeypatch.setattr(service, "utcnow", lambda: later)
    assert is_signed_in(client)
    assert sessions(app)[0].last_seen_at == first
    later = first + timedelta(seconds=60)
    assert is_signed_in(client)
    assert sessions(app)[0].last_seen_at == later


def make_token(app, username: str, days_left: float) -> None:
    from notesweb.auth import service

    with app.app_context():
        owner = service.find_user(username)
        _secret, record = service.create_token(owner, f"{days_left} days")
        record.expires_at = service.utcnow() + timedelta(days=days_left)
        db.session.commit()


def counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(LoginSession)),
            db.session.scalar(select(func.count()).select_from(ApiToken)),
        )


def test_signing_in_purges_that_accounts_ended_sessions_and_expired_tokens(short_app, clock):
    from notesweb.auth import service

    with short_app.app_context():
        for name in ("alice", "bob"):
            service.create_user(name, PASSWORD)
    for name in ("alice", "bob"):
        sign_in(short_app.test_client(), name)
        make_token(short_app, name, -1)
        make_token(short_app, name, 1)
    clock.move(IDLE)
    assert counts(short_app) == (2, 4)
    sign_in(short_app.test_client(), "alice")
    # Alice's old session and expired token are gone; Bob's wait for his sign-in or a purge.
    assert counts(short_app) == (2, 3)
    with short_app.app_context():
        names = set(db.session.scalars(select(ApiToken.name).join(ApiToken.user)))
    assert names == {"1 days", "-1 days"}


def test_the_purge_command_deletes_what_ended_everywhere(short_app, clock):
    from notesweb.auth import service

    with short_app.app_context():
        for name in ("alice", "bob", "carol"):
            service.create_user(name, PASSWORD)
    sign_in(short_app.test_client(), "alice")
    clock.move(LIFETIME)
    sign_in(short_app.test_client(), "bob")
    make_token(short_app, "alice", -0.001)
    make_token(short_app, "carol", 0.001)
    result = short_app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().startswith(
        "deleted 0 notes from the trash, 1 ended sessions, 1 expired tokens and "
    )
    assert counts(short_app) == (1, 1)


@pytest.mark.parametrize("value", ["0", "-5", "a week", "1.5", "²"])
def test_a_session_setting_that_is_not_seconds_is_refused(tmp_path, value):
    result = start(tmp_path, SECRET_KEY="x" * 64, SESSION_IDLE_TIMEOUT=value)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"notesweb: SESSION_IDLE_TIMEOUT must be a whole number of seconds above 0, not {value!r}"
    ]


def test_the_migration_counts_a_session_as_seen_when_it_began(app, client):
    with app.app_context():
        downgrade(revision="0003")
        began = db.session.execute(text("SELECT created_at FROM login_sessions")).scalar()
        db.session.remove()
        upgrade()
        seen = db.session.execute(text("SELECT last_seen_at FROM login_sessions")).scalar()
    assert seen == began
    assert is_signed_in(client)
