"""Who a rate limit counts: sign-in attempts per address and per username, password
checks on the account pages per account, API calls per account, failed API
authentication per address. Keys never hold a secret."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g
from flask_limiter.util import get_remote_address
from flask_login import current_user

from .auth.service import username_key
from .extensions import limiter

SIGN_IN_MESSAGE = "Too many sign-in attempts. Wait a minute, then try again."


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


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


def limit_sign_in(username_of: Callable[[], str]):
    """Password checks (the login form, Basic credentials for a token, sign-up, account
    changes) share one count per address and one per username. `username_of` reads
    the username the way the view itself does, so both always mean the same account."""

    def username() -> str:
        return _key("username", username_key(username_of()))

    def decorate(view):
        for key in (_address, username):
            view = limiter.shared_limit(
                _login_limit,
                scope="sign-in",
                key_func=key,
                methods=["POST"],
                error_message=SIGN_IN_MESSAGE,
                # On top of a blueprint's limits (the API's count of failed
                # authentication), not instead of them.
                override_defaults=False,
            )(view)
        return view

    return decorate


def limit_password_checks(view):
    """A signed-in person's password checks (changing it, deleting the account, making
    a token) share the sign-in count of their own username, and only that: nothing
    the request sends can move them to another count."""

    def username() -> str:
        return _key("username", username_key(current_user.username))

    return limiter.shared_limit(
        _login_limit,
        scope="sign-in",
        key_func=username,
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
