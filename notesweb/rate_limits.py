"""Who a rate limit counts: sign-in attempts per address and per username, API calls
per token. Keys never hold a secret: tokens are counted by their hash."""

from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address

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


def _attempted_username() -> str:
    credentials = request.authorization
    if credentials is not None and credentials.type == "basic":
        name = credentials.username or ""
    else:
        name = request.form.get("username", "")
    return _key("username", name.strip().casefold())


def _token() -> str:
    credentials = request.authorization
    if credentials is not None and credentials.type == "bearer" and credentials.token:
        return _key("token", hashlib.sha256(credentials.token.encode()).hexdigest())
    return _address()


def limit_sign_in(view):
    """Attempts to sign in (a form, or Basic credentials for a token), per IP and username."""
    for key in (_address, _attempted_username):
        view = limiter.limit(
            _login_limit, key_func=key, methods=["POST"], error_message=SIGN_IN_MESSAGE
        )(view)
    return view


def limit_per_token(blueprint) -> None:
    limiter.limit(_api_limit, key_func=_token)(blueprint)
