"""Fixtures: an app on a fresh, migrated database per test, its clients and helpers."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from notesweb import create_app
from notesweb.extensions import db

from .html import Browser

TEST_SECRET = "test-secret-key-not-for-production"


def make_app(database_url: str, **overrides):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": TEST_SECRET,
            "SQLALCHEMY_DATABASE_URI": database_url,
            **overrides,
        }
    )


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'notesweb.sqlite3'}"


@pytest.fixture
def app(database_url):
    app = make_app(database_url)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def browser_client(client) -> Browser:
    """A client that reads pages and submits their forms as a browser without JS does."""
    return Browser(client)


@pytest.fixture
def make_notes(app):
    """Create notes through the service, oldest first; returns their ids."""
    from notesweb.notes import service

    def make(count: int, prefix: str = "Note") -> list[int]:
        with app.app_context():
            return [service.create_note(f"{prefix} {i}", f"Body {i}").id for i in range(count)]

    return make
