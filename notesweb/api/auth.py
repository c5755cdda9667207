"""Who is calling the API: a bearer token, never a cookie (so CSRF cannot reach it)."""

from __future__ import annotations

from flask import abort, g
from werkzeug.datastructures import WWWAuthenticate

from ..auth.identity import bearer_secret
from ..models import User

BEARER_CHALLENGE = WWWAuthenticate("bearer", {"realm": "notesweb"})


def require_bearer_token() -> None:
    """before_request of the API's note routes: the caller (settled by auth.identity
    before any rate limit ran) must be an account."""
    if g.get("api_user") is None:
        detail = (
            "Send an API token as `Authorization: Bearer <token>`."
            if bearer_secret() is None
            else "The token is unknown, expired or revoked."
        )
        abort(401, description=detail, www_authenticate=BEARER_CHALLENGE)


def api_user() -> User:
    return g.api_user
