"""Fixtures: an app on a fresh, migrated database per test, its clients and helpers."""

from __future__ import annotations

import os
import shutil
import socket
import uuid

import pytest
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine

from notesweb import create_app
from notesweb.extensions import db
from notesweb.models import User

from .html import Browser

TEST_SECRET = "test-secret-key-not-for-production"


_apps_made = []


class BrowserLikeClient(FlaskClient):
    """Says where its forms come from, as browsers do (`Origin` on every POST): this
    site, unless a test says otherwise."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ORIGIN", "http://localhost")


def make_app(database_url: str, **overrides):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": database_url,
            # Rate-limit counts of one test never reach another's.
            "RATELIMIT_NAMESPACE": uuid.uuid4().hex,
            # scrypt at the lowest cost allowed: hundreds of tests hash passwords. The
            # production cost has a test of its own (tests/test_passwords.py).
            "PASSWORD_HASH_COST": 14,
            **overrides,
        }
    )
    app.test_client_class = BrowserLikeClient
    _apps_made.append(app)
    return app


@pytest.fixture(autouse=True)
def _close_connections():
    """Every app a test made lets go of its database connections when the test ends."""
    yield
    while _apps_made:
        app = _apps_made.pop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    """The Redis that rate-limit counts are shared through (TEST_REDIS_URL)."""
    host, port = REDIS_URL.split("//", 1)[1].split("/", 1)[0].split(":")
    with socket.socket() as s:
        s.settimeout(1)
        reachable = s.connect_ex((host, int(port))) == 0
    if not reachable:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {REDIS_URL}", pytrace=False)
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture
def database_url(tmp_path):
    """SQLite in a temporary folder, or a schema of its own in TEST_DATABASE_URL."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'notesweb.sqlite3'}"
        return
    schema = f"test_{uuid.uuid4().hex}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
    admin.dispose()


@pytest.fixture
def other_writer(database_url):
    """Another program writing to the same database, with connections of its own
    (each app process has one connection per worker thread, and no more)."""
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


PASSWORD = "a long and uncommon passphrase"


@pytest.fixture
def user(app):
    """An account, made through the service (the sign-up form has tests of its own)."""
    from notesweb.auth import service as auth_service

    with app.app_context():
        account = auth_service.create_user("alice", PASSWORD)
        db.session.refresh(account)
        db.session.expunge(account)
        return account


def sign_in(client, username: str, password: str = PASSWORD):
    """Signs in through the real login form, with its CSRF token."""
    page = Browser(client).get("/login")
    return Browser(client).submit(page, "#login-form", username=username, password=password)


def change_password(client, current: str, new: str):
    """Sends the account page's password form, as a browser would."""
    browser = Browser(client)
    return browser.submit(
        browser.get("/account"), "#password-form", current_password=current, new_password=new
    )


@pytest.fixture
def anon_client(app):
    return app.test_client()


@pytest.fixture
def client(app, user):
    """A browser session signed in as `user`."""
    client = app.test_client()
    sign_in(client, user.username)
    return client


@pytest.fixture
def api_token(app, user) -> str:
    from notesweb.auth import service as auth_service

    with app.app_context():
        secret, _record = auth_service.create_token(db.session.get(User, user.id), "tests")
        return secret


@pytest.fixture
def api_client(app, api_token):
    """A program calling the API with a bearer token."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {api_token}"
    return client


@pytest.fixture
def postgres_cluster():
    """A PostgreSQL cluster of the test's own, which it may stop and start."""
    from .servers import throwaway_cluster

    yield from throwaway_cluster()


@pytest.fixture(scope="session")
def java() -> str:
    """The Java runtime that the Nu Html Checker needs."""
    found = shutil.which("java")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("java is missing; CI must install it for the HTML checker", pytrace=False)
        pytest.skip("java not found: the Nu Html Checker needs a Java runtime")
    return found


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def browser_client(client) -> Browser:
    """A client that reads pages and submits their forms as a browser without JS does."""
    return Browser(client)


@pytest.fixture
def make_notes(app, user):
    """Create notes through the service, oldest first; returns their ids."""
    from notesweb.notes import service

    def make(count: int, prefix: str = "Note", owner=user) -> list[int]:
        with app.app_context():
            owner = db.session.get(User, owner.id)
            return [
                service.create_note(owner, f"{prefix} {i}", f"Body {i}").id for i in range(count)
            ]

    return make
