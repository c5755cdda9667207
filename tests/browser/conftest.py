"""A live gunicorn serving the app on its own SQLite file, and Debian's Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import delete, update

from notesweb.extensions import db
from notesweb.models import Draft, Note, NoteRevision, TrashedNote, User
from notesweb.notes import service, trash

from ..conftest import PASSWORD, make_app
from ..servers import gunicorn

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must install it", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def live_database(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'notesweb.sqlite3'}"
    app = make_app(url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return url


@pytest.fixture(scope="session")
def live_server(live_database) -> Iterator[str]:
    # Every test signs in from the same address; the limit has tests of its own.
    with gunicorn(live_database, LOGIN_RATE_LIMIT="1000 per minute") as server:
        yield server.url


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server


USERNAME = "browser-user"


@pytest.fixture(scope="session")
def live_user(live_database) -> str:
    from notesweb.auth import service as auth_service

    app = make_app(live_database)
    with app.app_context():
        auth_service.create_user(USERNAME, PASSWORD)
        db.engine.dispose()
    return USERNAME


def sign_in(page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/notes/")


@pytest.fixture
def page(page, live_user):
    """pytest-playwright's page, signed in."""
    sign_in(page, live_user)
    return page


@pytest.fixture
def signed_in_page(browser, base_url, live_user):
    """A page in a browser context of its own (`context_options` as Playwright takes
    them), signed in; closed after the test."""
    contexts = []

    def open_page(**context_options):
        context = browser.new_context(base_url=base_url, **context_options)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, live_user)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def notes(live_database, live_user):
    """Empties the live database before a test and seeds it with `notes.make(n)`."""
    from notesweb.auth import service as auth_service

    app = make_app(live_database)

    class Notes:
        @staticmethod
        def make(count: int) -> list[int]:
            with app.app_context():
                owner = auth_service.find_user(live_user)
                return [
                    service.create_note(owner, f"Note {i}", f"Body {i}").id for i in range(count)
                ]

        @staticmethod
        def write(title: str, body: str = "") -> int:
            with app.app_context():
                return service.create_note(auth_service.find_user(live_user), title, body).id

        @staticmethod
        def edit(note_id: int, body: str) -> None:
            with app.app_context():
                owner = auth_service.find_user(live_user)
                service.update_note(service.get_note(owner, note_id), body=body)

        @staticmethod
        def trash(*note_ids: int) -> None:
            with app.app_context():
                owner = auth_service.find_user(live_user)
                for note_id in note_ids:
                    trash.trash_note(service.get_note(owner, note_id))

        @staticmethod
        def get(note_id: int):
            with app.app_context():
                return db.session.get(Note, note_id)

    with app.app_context():
        db.session.execute(delete(Note))
        db.session.execute(delete(TrashedNote))
        db.session.execute(delete(NoteRevision))
        db.session.execute(delete(Draft))
        db.session.execute(update(User).values(note_count=0))  # the kept totals too
        db.session.commit()
    yield Notes
    with app.app_context():
        db.engine.dispose()
