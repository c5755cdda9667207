"""Browsers an account has signed in from before (OWASP's "device cookie"): a signed,
long-lived cookie names the accounts, and their sign-ins skip the per-username count
of failures, so a guesser elsewhere cannot lock the owner out."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .service import username_key

COOKIE = "notesweb_device"
LIFETIME = timedelta(days=365)
# One browser may be shared by a few people, each with an account.
ACCOUNTS_KEPT = 5


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="notesweb-device")


def _known_accounts() -> list[str]:
    value = request.cookies.get(COOKIE)
    if not value:
        return []
    try:
        accounts = _serializer().loads(value, max_age=LIFETIME.total_seconds())
    except BadSignature:
        return []
    return [a for a in accounts if isinstance(a, str)] if isinstance(accounts, list) else []


def is_known_device(username: str) -> bool:
    """This browser has signed in to `username`'s account before."""
    return bool(username) and username_key(username) in _known_accounts()


def remember_device(response: Response, username: str) -> None:
    """After a sign-in with the right password: this browser is known to the account."""
    key = username_key(username)
    accounts = [key, *(a for a in _known_accounts() if a != key)][:ACCOUNTS_KEPT]
    config = current_app.config
    response.set_cookie(
        COOKIE,
        _serializer().dumps(accounts),
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=config["SESSION_COOKIE_SECURE"],
    )
