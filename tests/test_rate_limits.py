"""Rate limits: failed sign-ins per username and address, per username (not for a
browser that signed in before) and per address; API calls per account; in memory and
shared through Redis."""

from __future__ import annotations

import base64
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from flask_migrate import upgrade

from .conftest import PASSWORD, make_app
from .html import Browser, csrf_token, form_fields

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(params=["memory", "redis"])
def storage(request) -> dict:
    # A namespace of its own, so that runs (and tests) never count each other's hits:
    # the limits library keeps one memory store per process.
    prefix = {"RATELIMIT_NAMESPACE": uuid.uuid4().hex}
    if request.param == "memory":
        return {"RATELIMIT_STORAGE_URI": "memory://", **prefix}
    return {"RATELIMIT_STORAGE_URI": request.getfixturevalue("redis_url"), **prefix}


@pytest.fixture
def limited_app(database_url, storage):
    # The per-username count as tight as the per-pair one, so tests reach it quickly.
    app = make_app(database_url, LOGIN_USERNAME_RATE_LIMIT="5 per hour", **storage)
    with app.app_context():
        upgrade()
        from notesweb.auth import service

        service.create_user("alice", PASSWORD)
        service.create_user("bob", PASSWORD)
    return app


def attempt(client, username: str, password: str):
    browser = Browser(client)
    page = browser.get("/login")
    data = {i["name"]: i.get("value", "") for i in page.html.select("#login-form input[name]")}
    return client.post("/login", data=data | {"username": username, "password": password})


def test_the_sixth_sign_in_attempt_in_a_minute_is_refused(limited_app):
    client = limited_app.test_client()
    statuses = [attempt(client, "alice", "wrong password").status_code for _ in range(5)]
    assert statuses == [401] * 5
    refused = attempt(client, "alice", PASSWORD)
    assert refused.status_code == 429
    # Both the per-minute count and (in these tests) the per-hour one are used up.
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "Too many sign-in attempts" in refused.get_data(as_text=True)


def guess_from_many_addresses(app, username: str, count: int = 5, net: str = "10.0.0") -> None:
    for address in range(count):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"{net}.{address}"
        assert attempt(client, username, "wrong password").status_code == 401


def test_the_username_is_limited_from_any_address_but_not_for_its_owners_browser(limited_app):
    """OWASP's device cookie: after a distributed guesser used up the username's count,
    the owner's browser (signed in before) still signs in; a new browser is refused."""
    owners = limited_app.test_client()
    owners.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert attempt(owners, "alice", PASSWORD).status_code == 303
    owners.post("/logout", data={"csrf_token": csrf_token(owners.get("/notes/"))})
    assert owners.get("/notes/").status_code == 303  # signed out, the device cookie kept

    guess_from_many_addresses(limited_app, "ALICE")

    new_browser = limited_app.test_client()
    new_browser.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    refused = attempt(new_browser, "alice", PASSWORD)
    assert refused.status_code == 429
    assert attempt(owners, "alice", PASSWORD).status_code == 303
    assert owners.get("/notes/").status_code == 200
    # Another account's count is its own.
    assert attempt(new_browser, "bob", PASSWORD).status_code == 303


def test_a_device_cookie_is_for_its_accounts_only_and_cannot_be_forged(limited_app):
    bobs = limited_app.test_client()
    assert attempt(bobs, "bob", PASSWORD).status_code == 303
    guess_from_many_addresses(limited_app, "alice")
    assert attempt(bobs, "alice", PASSWORD).status_code == 429
    forged = limited_app.test_client()
    forged.set_cookie("notesweb_device", bobs.get_cookie("notesweb_device").value + "x")
    assert attempt(forged, "bob", PASSWORD).status_code == 303
    unsigned = limited_app.test_client()
    unsigned.set_cookie("notesweb_device", '["alice"]')
    assert attempt(unsigned, "alice", PASSWORD).status_code == 429


def test_a_new_password_makes_old_device_cookies_ordinary(limited_app):
    """Each entry is tied to the password it was earned with: a stolen or shared
    browser's cookie stops exempting anyone once the password changes."""
    owners = limited_app.test_client()
    assert attempt(owners, "alice", PASSWORD).status_code == 303
    changed = limited_app.test_cli_runner().invoke(
        args=["user", "set-password", "alice", "--password-stdin"],
        input="a brand new passphrase",
    )
    assert changed.exit_code == 0, changed.output
    guess_from_many_addresses(limited_app, "alice")
    assert attempt(owners, "alice", "a brand new passphrase").status_code == 429


def test_only_failures_count(limited_app):
    """Signing in many times, rightly, uses up nobody's allowance."""
    for _ in range(8):
        assert attempt(limited_app.test_client(), "alice", PASSWORD).status_code == 303
    client = limited_app.test_client()
    statuses = [attempt(client, "alice", "wrong").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_a_guesser_at_one_address_does_not_lock_out_the_owner_elsewhere(database_url):
    app = make_app(database_url)  # the per-username count at its default, 20 an hour
    with app.app_context():
        upgrade()
        from notesweb.auth import service

        service.create_user("alice", PASSWORD)
    limited_app = app
    guesser = limited_app.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "198.51.100.1"
    assert [attempt(guesser, "alice", "wrong").status_code for _ in range(6)][-1] == 429
    owner = limited_app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "203.0.113.5"
    assert attempt(owner, "alice", PASSWORD).status_code == 303


def test_one_address_trying_many_usernames_is_limited(database_url):
    app = make_app(database_url, LOGIN_ADDRESS_RATE_LIMIT="4 per minute")
    with app.app_context():
        upgrade()
    client = app.test_client()
    statuses = [attempt(client, f"someone{n}", "a guess").status_code for n in range(5)]
    assert statuses == [401] * 4 + [429]


def test_token_creation_is_limited_like_sign_in(limited_app):
    client = limited_app.test_client()
    wrong = base64.b64encode(b"alice:wrong password").decode()
    for _ in range(5):
        response = client.post("/api/tokens", headers={"Authorization": f"Basic {wrong}"})
        assert response.status_code == 401
    right = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    refused = client.post("/api/tokens", headers={"Authorization": f"Basic {right}"})
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 60


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_calls_are_limited_per_account(limited_app):
    """Alice's two tokens share one count; Bob's token has its own."""
    limited_app.config["API_RATE_LIMIT"] = "3 per minute"
    from notesweb.auth import service

    with limited_app.app_context():
        alices = [service.create_token(service.find_user("alice"))[0] for _ in range(2)]
        bobs, _ = service.create_token(service.find_user("bob"))
    client = limited_app.test_client()
    statuses = [client.get("/api/notes", headers=bearer(t)).status_code for t in alices * 2]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/api/notes", headers=bearer(alices[1]))
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert client.get("/api/notes", headers=bearer(bobs)).status_code == 200


def test_random_tokens_get_no_allowance_of_their_own(limited_app):
    """Failed authentication counts per address (API_AUTH_FAILURE_LIMIT); a live
    token from the same address is still served."""
    limited_app.config["API_AUTH_FAILURE_LIMIT"] = "3 per minute"
    from notesweb.auth import service

    with limited_app.app_context():
        alices, _ = service.create_token(service.find_user("alice"))
    guesser = limited_app.test_client()
    statuses = [
        guesser.get("/api/notes", headers=bearer(f"nw_guess{i}")).status_code for i in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    # Without any token, or through the tokens endpoint, the same count refuses.
    assert guesser.get("/api/notes").status_code == 429
    assert guesser.delete("/api/tokens", headers=bearer("nw_guess")).status_code == 429
    assert guesser.get("/api/notes", headers=bearer(alices)).status_code == 200
    elsewhere = limited_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.0.0.7"
    assert elsewhere.get("/api/notes", headers=bearer("nw_guess")).status_code == 401


def test_successful_api_calls_never_count_as_failures(limited_app):
    limited_app.config["API_AUTH_FAILURE_LIMIT"] = "2 per minute"
    from notesweb.auth import service

    with limited_app.app_context():
        alices, _ = service.create_token(service.find_user("alice"))
    client = limited_app.test_client()
    assert all(
        client.get("/api/notes", headers=bearer(alices)).status_code == 200 for _ in range(5)
    )
    assert client.get("/api/notes", headers=bearer("nw_wrong")).status_code == 401


ANOTHER_PROCESS = """
import sys
from tests.conftest import make_app
from tests.test_rate_limits import attempt
app = make_app(sys.argv[1], RATELIMIT_STORAGE_URI=sys.argv[2], RATELIMIT_NAMESPACE=sys.argv[3])
print(attempt(app.test_client(), "alice", sys.argv[4]).status_code)
"""


def test_another_process_sees_the_counts_kept_in_redis(database_url, redis_url):
    namespace = uuid.uuid4().hex
    app = make_app(database_url, RATELIMIT_STORAGE_URI=redis_url, RATELIMIT_NAMESPACE=namespace)
    with app.app_context():
        upgrade()
        from notesweb.auth import service

        service.create_user("alice", PASSWORD)
    for _ in range(5):
        assert attempt(app.test_client(), "alice", "wrong").status_code == 401
    other = subprocess.run(
        [sys.executable, "-c", ANOTHER_PROCESS, database_url, redis_url, namespace, PASSWORD],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert other.returncode == 0, other.stderr
    assert other.stdout.strip().splitlines()[-1] == "429"


UNREACHABLE_REDIS = """
import sys, uuid
from flask_migrate import upgrade
from tests.conftest import PASSWORD, make_app
from tests.test_rate_limits import attempt
app = make_app(sys.argv[1], RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
with app.app_context():
    upgrade()
    from notesweb.auth import service
    service.create_user("alice", PASSWORD)
client = app.test_client()
print(attempt(client, "alice", PASSWORD).status_code)
print(*[attempt(client, "alice", "wrong").status_code for _ in range(6)])
"""


def test_an_unreachable_redis_does_not_break_sign_in(database_url):
    # In a process of its own: the limiter remembers a dead store for as long as it lives.
    result = subprocess.run(
        [sys.executable, "-c", UNREACHABLE_REDIS, database_url],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    signed_in, attempts = result.stdout.strip().splitlines()[-2:]
    assert signed_in == "303"
    # Limits still hold, counted in memory until Redis is back (failures only).
    assert attempts.split() == ["401"] * 5 + ["429"]


def test_a_basic_header_on_the_login_form_does_not_dodge_the_username_count(limited_app):
    for address in range(5):
        client = limited_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.1.0.{address}"
        decoy = base64.b64encode(f"decoy{address}:x".encode()).decode()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Basic {decoy}"
        assert attempt(client, "alice", "wrong password").status_code == 401
    last = limited_app.test_client()
    last.environ_base["REMOTE_ADDR"] = "10.1.0.99"
    assert attempt(last, "alice", PASSWORD).status_code == 429


def test_account_pages_count_refused_password_checks_per_account_only(limited_app):
    """A decoy username, or another address, does not move the count elsewhere; a
    guesser holding Alice's session cannot lock her out of signing in elsewhere."""
    client = limited_app.test_client()
    assert attempt(client, "alice", PASSWORD).status_code == 303
    statuses = []
    for n in range(6):
        client.environ_base["REMOTE_ADDR"] = f"10.5.1.{n}"
        form = form_fields(Browser(client).get("/account").html.select_one("#password-form"))
        data = form | {"current_password": "a guess", "new_password": "x" * 20}
        statuses.append(
            client.post("/account/password", data=data | {"username": f"decoy{n}"}).status_code
        )
    assert statuses == [422] * 5 + [429]
    elsewhere = limited_app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.5.2.1"
    assert attempt(elsewhere, "alice", PASSWORD).status_code == 303
    bobs = limited_app.test_client()
    assert attempt(bobs, "bob", PASSWORD).status_code == 303
    form = form_fields(Browser(bobs).get("/account").html.select_one("#password-form"))
    data = form | {"current_password": "a guess", "new_password": "x" * 20}
    assert bobs.post("/account/password", data=data).status_code == 422


def test_the_login_form_and_token_creation_share_one_count(limited_app):
    for address in range(3):
        client = limited_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.2.0.{address}"
        assert attempt(client, "alice", "wrong").status_code == 401
    wrong = base64.b64encode(b"alice:wrong").decode()
    for address in range(2):
        client = limited_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.3.0.{address}"
        response = client.post("/api/tokens", headers={"Authorization": f"Basic {wrong}"})
        assert response.status_code == 401
    right = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    client = limited_app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.4.0.1"
    response = client.post("/api/tokens", headers={"Authorization": f"Basic {right}"})
    assert response.status_code == 429


def test_sign_up_is_limited_per_address(limited_app):
    client = limited_app.test_client()
    statuses = []
    for n in range(6):
        page = Browser(client).get("/signup")
        statuses.append(
            Browser(client).submit(page, "#signup-form", username=f"new{n}", password="x").status
        )
    assert statuses == [422] * 5 + [429]


@pytest.mark.parametrize(("proxies", "sixth"), [(0, 429), (1, 401)])
def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(database_url, proxies, sixth):
    """Exposed directly (0), X-Forwarded-For is anyone's to forge and is ignored;
    behind nginx (1), it names the client, and clients count apart."""
    app = make_app(database_url, TRUSTED_PROXIES=proxies, LOGIN_ADDRESS_RATE_LIMIT="5 per minute")
    with app.app_context():
        upgrade()
    statuses = []
    for n in range(6):
        client = app.test_client()
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{n}"
        statuses.append(attempt(client, f"guess{n}", "wrong").status_code)
    assert statuses == [401] * 5 + [sixth]
