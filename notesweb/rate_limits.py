"""Who a rate limit counts: failed sign-ins per username and address, per username
and per address; sign-ups per address; refused password checks on the account pages
per account; API calls per account; failed API authentication per address. Keys never
hold a secret."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .auth.devices import is_known_device
from .auth.service import username_key
from .extensions import limiter

SIGN_IN_MESSAGE = "Too many sign-in attempts. Try again later."


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_username_limit() -> str:
    return current_app.config["LOGIN_USERNAME_RATE_LIMIT"]


def _login_address_limit() -> str:
    return current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _api_auth_failure_limit() -> str:
    return current_app.config["API_AUTH_FAILURE_LIMIT"]


def _key(kind: str, value: str) -> str:
    # Installations (or test runs) that share one Redis count apart by namespace.
    return f"{current_app.config['RATELIMIT_NAMESPACE']}:{kind}:{value}"


def _address() -> str:
    return _key("address", get_remote_address())


def _api_account() -> str:
    return _key("account", str(g.api_user.id))


def _authenticated() -> bool:
    return g.get("api_user") is not None


def _failed_sign_in(response) -> bool:
    return response.status_code == 401


def _failed_password_check(response) -> bool:
    return response.status_code == 422


def limit_sign_in(username_of: Callable[[], str]):
    """Sign-in attempts (the login form, Basic credentials for a token) count only when
    they fail, so a success never uses up anyone's allowance. Three counts:

    - per username and address (LOGIN_RATE_LIMIT): the strict one;
    - per username from anywhere (LOGIN_USERNAME_RATE_LIMIT), against a guesser with
      many addresses; a browser that has signed in to the account before (auth.devices)
      is not held by it, so nobody can lock the owner out;
    - per address over all usernames (LOGIN_ADDRESS_RATE_LIMIT), against trying one
      password on many accounts.

    `username_of` reads the username the way the view itself does, so both always mean
    the same account."""

    def pair() -> str:
        return _key("username-address", f"{username_key(username_of())}|{get_remote_address()}")

    def username() -> str:
        return _key("username", username_key(username_of()))

    def known_device() -> bool:
        return is_known_device(username_of())

    counts = (
        ("sign-in", _login_limit, pair, None),
        ("sign-in-username", _login_username_limit, username, known_device),
        ("sign-in-address", _login_address_limit, _address, None),
    )

    def decorate(view):
        for scope, limit, key, exempt in counts:
            view = limiter.shared_limit(
                limit,
                scope=scope,
                key_func=key,
                exempt_when=exempt,
                deduct_when=_failed_sign_in,
                methods=["POST"],
                error_message=SIGN_IN_MESSAGE,
                # On top of a blueprint's limits (the API's count of failed
                # authentication), not instead of them.
                override_defaults=False,
            )(view)
        return view

    return decorate


def limit_sign_up(view):
    """Every sign-up attempt counts, per address: each one costs a password hash."""
    return limiter.shared_limit(
        _login_limit,
        scope="sign-up",
        key_func=_address,
        methods=["POST"],
        error_message=SIGN_IN_MESSAGE,
    )(view)


def limit_password_checks(view):
    """A signed-in person's password checks (changing it, deleting the account, making
    a token) count when refused, per account and only per account: nothing the request
    sends can move them to another count."""
    return limiter.shared_limit(
        _login_limit,
        scope="password-check",
        key_func=lambda: _key("account", str(current_user.id)),
        deduct_when=_failed_password_check,
        methods=["POST"],
        error_message=SIGN_IN_MESSAGE,
    )(view)


def limit_api_calls(blueprint) -> None:
    """Per account, counted once the token is known (auth.identity settles it before
    any limit runs): a random token gets no allowance of its own."""
    limiter.limit(_api_limit, key_func=_api_account, exempt_when=lambda: not _authenticated())(
        blueprint
    )
    limit_api_auth_failures(blueprint)


def limit_api_auth_failures(blueprint) -> None:
    """Requests refused for their credentials (401) count per address, one count for
    every API blueprint; a request with a live token is never refused by it."""
    limiter.shared_limit(
        _api_auth_failure_limit,
        scope="api-auth-failures",
        key_func=lambda: _key("api-auth-failures", get_remote_address()),
        exempt_when=_authenticated,
        deduct_when=lambda response: response.status_code == 401,
    )(blueprint)
