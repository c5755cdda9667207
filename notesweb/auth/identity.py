"""Who is asking: settled once, before a rate limit, a view or an error page runs.

A browser is signed in with its session cookie (Flask-Login), a program with a bearer
token (`g.api_user`). This is the one place that knows how Flask-Login keeps a
request's user; everything else asks `current_user`, or `known_user()` where the
database must not be asked.
"""

from __future__ import annotations

from flask import Flask, g, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import login_manager
from ..request_kind import is_api_request
from . import service

# Answered without knowing anyone: static files, the health checks, the OpenAPI
# document and the front door's redirect.
_NOBODY_NEEDED = frozenset(
    {"static", "health.healthz", "health.readyz", "api-docs.openapi_json", "home"}
)


@login_manager.user_loader
def load_user(secret: str):
    record = service.signed_in_session(secret)
    if record is None:
        return None
    return signed_in_as(record.user, secret, record)


def signed_in_as(user, secret: str, record):
    """The user as this request knows it: which sign-in (secret and session) it is."""
    user.login_secret, user.login_session_id = secret, record.id
    return user


def settle_user() -> None:
    """before_request: finds out who is signed in. If the database cannot tell, the
    request goes on as nobody's, and the error is left for the error table."""
    if request.endpoint in _NOBODY_NEEDED:
        return
    try:
        current_user._get_current_object()
    except SQLAlchemyError:
        _settle_as_nobody()
        raise


def settle_api_caller() -> None:
    """before_request, under /api: the account of the bearer token the request carries,
    or None (no token, or not a live one); the API's views refuse None with 401."""
    if not is_api_request():
        return
    secret = bearer_secret()
    record = service.token_record(secret) if secret else None
    g.api_user = record.user if record is not None else None


def bearer_secret() -> str | None:
    auth = request.authorization
    if auth is None or auth.type != "bearer" or not auth.token:
        return None
    return auth.token


def settle_unknown_as_nobody() -> None:
    """Before an error page: a request that failed before its user was settled is
    shown to nobody, rather than asking a database that may be why it failed."""
    if "_login_user" not in g:
        _settle_as_nobody()


def _settle_as_nobody() -> None:
    g._login_user = login_manager.anonymous_user()


def session_ended() -> bool:
    """Nobody is signed in on a request that is not itself a sign-in: a form refused
    for its CSRF token then means the session ended, and signing in comes first."""
    return not current_user.is_authenticated and request.endpoint != login_manager.login_view


def known_user():
    """The signed-in user if already known for this request, else None; never loads."""
    user = g.get("_login_user")
    return user if user is not None and user.is_authenticated else None


def register_identity(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.init_app(app)
    app.before_request(settle_user)
    app.before_request(settle_api_caller)
