"""Password hashes and secrets: scrypt at OWASP's cost for new hashes, older hashes
upgraded at the next sign-in, every failed sign-in as costly as any other, production
refusing a short SECRET_KEY, and passwords of at least 12 characters by default."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade

from notesweb.config import load_settings
from notesweb.extensions import db
from notesweb.models import User

from .conftest import PASSWORD, make_app, sign_in
from .test_config import start

OLD_COST = "scrypt:32768:8:1$"


def test_the_defaults_are_owasps_cost_and_nists_length(tmp_path):
    settings = load_settings(str(tmp_path), {"SECRET_KEY": "x" * 32})
    assert settings["PASSWORD_HASH_COST"] == 17
    assert settings["PASSWORD_MIN_LENGTH"] == 12


def test_new_hashes_are_scrypt_at_the_configured_cost(database_url):
    from notesweb.auth import service

    app = make_app(database_url, PASSWORD_HASH_COST=17)
    with app.app_context():
        upgrade()
        user = service.create_user("alice", PASSWORD)
        assert user.password_hash.startswith("scrypt:131072:8:1$")


@pytest.fixture
def old_hash_user(app):
    """Alice, her password hashed as before this change (Werkzeug's default N=2**15)."""
    from werkzeug.security import generate_password_hash

    from notesweb.auth import service

    with app.app_context():
        user = service.create_user("alice", PASSWORD)
        user.password_hash = generate_password_hash(PASSWORD, method="scrypt")
        db.session.commit()
        assert user.password_hash.startswith(OLD_COST)
        return user.id


def stored_hash(app, user_id: int) -> str:
    with app.app_context():
        return db.session.get(User, user_id).password_hash


def test_an_old_hash_is_upgraded_when_the_password_is_proved(app, old_hash_user):
    wrong = app.test_client()
    sign_in(wrong, "alice", "not the password")
    assert stored_hash(app, old_hash_user).startswith(OLD_COST)
    client = app.test_client()
    assert sign_in(client, "alice").url == "/notes/"
    upgraded = stored_hash(app, old_hash_user)
    assert upgraded.startswith(f"scrypt:{2**14}:8:1$")  # the tests' cost
    # And the password still works with it.
    assert sign_in(app.test_client(), "alice").url == "/notes/"
    assert stored_hash(app, old_hash_user) == upgraded


def test_an_account_without_a_password_costs_a_full_check(app, monkeypatch):
    """Accounts made by the migration have no usable hash; refusing them must take
    as long as refusing a wrong password (one scrypt check), or their names leak."""
    import werkzeug.security

    from notesweb.auth import passwords, service

    with app.app_context():
        service.create_user("alice", PASSWORD)
        user = service.find_user("alice")
        user.password_hash = "!"  # what migration 0002 stores for a named owner
        db.session.commit()
    checked = []
    real_check = werkzeug.security.check_password_hash

    def counting(password_hash, password):
        checked.append(password_hash.split("$")[0])
        return real_check(password_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    for username in ("alice", "nobody-at-all"):
        response = sign_in(app.test_client(), username, "any password at all")
        assert response.status == 401
    assert checked == [f"scrypt:{2**14}:8:1"] * 2


def test_an_old_cheaper_hash_takes_as_long_to_refuse_as_a_new_one(database_url, monkeypatch):
    """A hash at N=2**15 checked alone would answer four times faster than an unknown
    username (checked at 2**17): three more checks at its cost make up the difference."""
    import werkzeug.security
    from werkzeug.security import generate_password_hash

    from notesweb.auth import passwords, service

    app = make_app(database_url, PASSWORD_HASH_COST=17)
    with app.app_context():
        upgrade()
        user = service.create_user("alice", PASSWORD)
        user.password_hash = generate_password_hash(PASSWORD, method="scrypt:32768:8:1")
        db.session.commit()
    checked = []
    real_check = werkzeug.security.check_password_hash

    def counting(password_hash, password):
        checked.append(int(password_hash.split(":")[1]))
        return real_check(password_hash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    sign_in(app.test_client(), "alice", "a wrong password")
    assert sum(checked) == 2**17 == sum([2**15] * 4)
    checked.clear()
    sign_in(app.test_client(), "nobody-at-all", "a wrong password")
    assert checked == [2**17]


@pytest.mark.parametrize("length", [1, 31])
def test_production_refuses_a_short_secret_key(tmp_path, length):
    result = start(tmp_path, SECRET_KEY="k" * length)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"notesweb: SECRET_KEY is {length} characters; production needs")


def test_a_secret_key_of_32_characters_is_enough(tmp_path):
    assert start(tmp_path, SECRET_KEY="k" * 32).returncode == 0


def test_development_takes_a_short_key(tmp_path):
    assert start(tmp_path, SECRET_KEY="dev", NOTESWEB_ENV="development").returncode == 0


def test_sign_up_asks_for_the_configured_length(database_url):
    from .html import Browser

    for minimum in (12, 16):
        app = make_app(database_url, PASSWORD_MIN_LENGTH=minimum)
        with app.app_context():
            upgrade()
        browser = Browser(app.test_client())
        page = browser.get("/signup")
        assert page.html.select_one("#password")["minlength"] == str(minimum)
        assert f"At least {minimum} characters" in page.html.select_one("#signup-form").get_text()
        short = browser.submit(page, "#signup-form", username="dora", password="d" * (minimum - 1))
        assert short.status == 422
        assert short.html.select_one("#password-error").get_text() == (
            f"Password must be at least {minimum} characters."
        )


@pytest.mark.parametrize("value", ["7", "twelve"])
def test_a_minimum_below_nists_8_is_refused(tmp_path, value):
    result = start(tmp_path, SECRET_KEY="k" * 32, PASSWORD_MIN_LENGTH=value)
    assert result.returncode != 0
    assert "PASSWORD_MIN_LENGTH must be a whole number from 8 to 1000" in result.stderr
