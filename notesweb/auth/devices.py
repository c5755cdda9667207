"""Browsers an account has signed in from before (OWASP's "device cookie"): a signed,
long-lived cookie names the accounts, and their sign-ins skip the per-username count
of failures, so a guesser elsewhere cannot lock the owner out.

Each entry is tied to the account's password as it was: a new password (or a new
account under an old name) makes every earlier cookie an ordinary browser's again."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..models import User
from .service import find_user, username_key

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


def _entry(user: User) -> str:
    return f"{user.username_key}:{hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]}"


def is_known_device(username: str) -> bool:
    """This browser has signed in to `username`'s account, with its current password."""
    if not username:
        return False
    key = username_key(username)
    if not any(entry.startswith(key + ":") for entry in _known_accounts()):
        return False  # no database query for a browser that never signed in here
    user = find_user(username)
    return user is not None and _entry(user) in _known_accounts()


def remember_device(response: Response, user: User) -> None:
    """After a sign-in with the right password: this browser is known to the account."""
    key = user.username_key
    others = (a for a in _known_accounts() if not a.startswith(key + ":"))
    accounts = [_entry(user), *others][:ACCOUNTS_KEPT]
    config = current_app.config
    response.set_cookie(
        COOKIE,
        _serializer().dumps(accounts),
        max_age=int(LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=config["SESSION_COOKIE_SECURE"],
    )
