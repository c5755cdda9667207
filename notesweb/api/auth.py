"""Who is calling the API: a bearer token, never a cookie (so CSRF cannot reach it)."""

from __future__ import annotations

from flask import abort, g, request
from werkzeug.datastructures import WWWAuthenticate

from ..auth import service as auth_service
from ..models import User

BEARER_CHALLENGE = WWWAuthenticate("bearer", {"realm": "notesweb"})


def require_bearer_token() -> None:
    """before_request of the API's note routes: sets g.api_user and g.api_token."""
    secret = bearer_secret()
    record = auth_service.token_record(secret) if secret else None
    if record is None:
        detail = (
            "Send an API token as `Authorization: Bearer <token>`."
            if secret is None
            else "The token is unknown, expired or revoked."
        )
        abort(401, description=detail, www_authenticate=BEARER_CHALLENGE)
    g.api_token = record
    g.api_user = record.user


def bearer_secret() -> str | None:
    auth = request.authorization
    if auth is None or auth.type != "bearer" or not auth.token:
        return None
    return auth.token


def api_user() -> User:
    return g.api_user
