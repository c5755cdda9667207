"""Who a rate limit counts: sign-in attempts per address and per username, API calls
per token. Keys never hold a secret: tokens are counted by their hash."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import current_app, request
from flask_limiter.util import get_remote_address

from .auth.service import username_key
from .extensions import limiter

SIGN_IN_MESSAGE = "Too many sign-in attempts. Wait a minute, then try again."


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _api_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def _key(kind: str, value: str) -> str:
    # Installations (or test runs) that share one Redis count apart by namespace.
    return f"{current_app.config['RATELIMIT_NAMESPACE']}:{kind}:{value}"


def _address() -> str:
    return _key("address", get_remote_address())


def _token() -> str:
    credentials = request.authorization
    if credentials is not None and credentials.type == "bearer" and credentials.token:
        return _key("token", hashlib.sha256(credentials.token.encode()).hexdigest())
    return _address()


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
            )(view)
        return view

    return decorate


def limit_per_token(blueprint) -> None:
    limiter.limit(_api_limit, key_func=_token)(blueprint)
