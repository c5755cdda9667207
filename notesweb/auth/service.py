"""Accounts, sign-in sessions and API tokens: the rules and the queries."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from ..exceptions import FieldError, LoginSessionNotFound, TokenNotFound, ValidationError
from ..extensions import db
from ..limits import (
    CONTROL_CHARACTERS,
    ID_MAX,
    LINE_BREAKS,
    PASSWORD_MAX,
    TOKEN_NAME_MAX,
    TRIMMED,
    USER_AGENT_MAX,
    USERNAME_MAX,
)
from ..models import ApiToken, LoginSession, User, utcnow
from .passwords import check_against_nothing, hash_password, needs_rehash, password_matches

COMMON_PASSWORDS = frozenset(FREQUENCY_LISTS["passwords"])
TOKEN_PREFIX = "nw_"
# Writing last_used_at (or a session's last_seen_at) on every request would make every
# read a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Every request runs one of these, so each is built once: SQLAlchemy derives an ORM
# statement's cache key anew for each new statement object, a third of the query's cost.
_SESSION_WITH_USER = (
    select(LoginSession)
    .join(LoginSession.user)
    .options(contains_eager(LoginSession.user))
    .where(LoginSession.token_hash == bindparam("token_hash"))
)
# The owner comes in the same query: every API request needs both.
_TOKEN_WITH_OWNER = (
    select(ApiToken)
    .join(ApiToken.user)
    .options(contains_eager(ApiToken.user))
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


# ASCII only: no look-alike names (Cyrillic "а" for "a"), and case folding never
# changes a name's length.
USERNAME = re.compile(rf"[A-Za-z0-9._-]{{1,{USERNAME_MAX}}}")


def username_key(username: str) -> str:
    return username.strip().lower()


def clean_username(raw: str) -> tuple[str, str | None]:
    username = raw.strip()
    if not username:
        return username, "Username is required."
    if len(username) > USERNAME_MAX:
        return username, f"Username must be at most {USERNAME_MAX} characters."
    if not USERNAME.fullmatch(username):
        return username, "Username may hold letters a–z, digits, dots, dashes and underscores."
    return username, None


def password_problem(password: str, username: str = "") -> str | None:
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"Password must be at least {minimum} characters."
    if len(password) > PASSWORD_MAX:
        return f"Password must be at most {PASSWORD_MAX} characters."
    if password.casefold() in COMMON_PASSWORDS:
        return "This password is one of the most common ones; choose another."
    if username and password.casefold() == username.casefold():
        return "Password must not be the username."
    return None


def has_accounts() -> bool:
    """Whether anyone has signed up yet (a fresh install has no one)."""
    return db.session.scalar(select(User.id).limit(1)) is not None


def find_user(username: str) -> User | None:
    if not USERNAME.fullmatch(username.strip()):
        return None  # no such name can exist; nor can it reach the database
    return db.session.scalar(select(User).where(User.username_key == username_key(username)))


def create_user(username: str, password: str) -> User:
    username, problem = clean_username(username)
    errors = [FieldError("username", problem)] if problem else []
    if not problem and find_user(username) is not None:
        errors.append(FieldError("username", "This username is taken."))
    if problem := password_problem(password, username):
        errors.append(FieldError("password", problem))
    if errors:
        raise ValidationError(errors)
    user = User(
        username=username,
        username_key=username_key(username),
        password_hash=hash_password(password),
        created_at=utcnow(),
    )
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Someone took the name between our check and our insert.
        db.session.rollback()
        raise ValidationError([FieldError("username", "This username is taken.")]) from None
    return user


def authenticate(username: str, password: str) -> User | None:
    user = find_user(username) if username else None
    if user is None:
        # As long as for a known one: the answer does not reveal which usernames exist.
        check_against_nothing(password)
        return None
    if not password_matches(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def set_password(
    user: User, password: str, field: str = "password", *, keep_tokens: bool = False
) -> None:
    """A new password signs out every browser that knew the old one and, unless
    `keep_tokens`, revokes every API token: whoever stole either loses it."""
    if problem := password_problem(password, user.username):
        raise ValidationError([FieldError(field, problem)])
    user.password_hash = hash_password(password)
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user.id))
    if not keep_tokens:
        db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.commit()


def change_password(user: User, current: str, new: str, *, keep_tokens: bool = False) -> None:
    check_password(user, current, "current_password")
    set_password(user, new, field="new_password", keep_tokens=keep_tokens)


def check_password(user: User, password: str, field: str = "password") -> None:
    """The signed-in person proves they know the password before a change that lasts."""
    if not password_matches(user.password_hash, password):
        raise ValidationError([FieldError(field, "This is not your password.")])


def delete_user(user: User) -> None:
    """The account, its notes, sessions and tokens (the database cascades)."""
    db.session.execute(delete(User).where(User.id == user.id))
    db.session.commit()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_login_session(user: User, user_agent: str = "") -> tuple[str, LoginSession]:
    """A new sign-in: returns the secret the browser's session cookie carries, and the
    session. The account's ended sessions and expired tokens go at the same time."""
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    _purge(now, user)
    record = LoginSession(
        user=user,
        token_hash=_digest(secret),
        created_at=now,
        last_seen_at=now,
        user_agent=user_agent[:USER_AGENT_MAX],
    )
    db.session.add(record)
    db.session.commit()
    return secret, record


def signed_in_session(secret: str) -> LoginSession | None:
    """The sign-in with this secret, its user loaded, if it has not ended; an ended
    session is deleted, and its last request noted otherwise."""
    record = db.session.scalar(_SESSION_WITH_USER, {"token_hash": _digest(secret)})
    if record is None:
        return None
    now = utcnow()
    # Statements, not the unit of work: the row may be gone since it was read (signed
    # out in another tab), and that must not fail this request.
    if _session_ended(record, now):
        db.session.execute(delete(LoginSession).where(LoginSession.id == record.id))
        db.session.commit()
        return None
    if now - record.last_seen_at >= _last_seen_resolution():
        db.session.execute(
            update(LoginSession).where(LoginSession.id == record.id).values(last_seen_at=now)
        )
        db.session.commit()
    return record


def login_sessions(user: User) -> list[LoginSession]:
    """The account's signed-in browsers (ended ones not yet purged left out), the most
    recently seen first."""
    idle, lifetime = _session_limits()
    now = utcnow()
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(
                LoginSession.user_id == user.id,
                LoginSession.last_seen_at > now - idle,
                LoginSession.created_at > now - lifetime,
            )
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def end_login_session_of(user: User, session_id: int) -> None:
    """Signs out one of `user`'s browsers; someone else's is LoginSessionNotFound."""
    _delete_own(LoginSession, user, session_id, LoginSessionNotFound)


def _delete_own(model, user: User, row_id: int, not_found: type[Exception]) -> None:
    """Deletes `user`'s row `row_id` of `model`; someone else's is `not_found`, like a
    missing one (ids beyond 32 bits name nothing)."""
    if not 0 < row_id <= ID_MAX:
        raise not_found(row_id)
    result = db.session.execute(delete(model).where(model.id == row_id, model.user_id == user.id))
    db.session.commit()
    if result.rowcount == 0:
        raise not_found(row_id)


def end_other_login_sessions(user: User, keep_id: int) -> int:
    """Signs out every browser of `user` but one; returns how many were signed out
    (those whose sign-in had ended anyway are purged, not counted)."""
    _purge(utcnow(), user)
    result = db.session.execute(
        delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.id != keep_id)
    )
    db.session.commit()
    return result.rowcount


def _session_ended(login_session: LoginSession, now) -> bool:
    idle, lifetime = _session_limits()
    return now - login_session.last_seen_at >= idle or now - login_session.created_at >= lifetime


def _session_limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return (
        timedelta(seconds=config["SESSION_IDLE_TIMEOUT"]),
        timedelta(seconds=config["SESSION_LIFETIME"]),
    )


def _last_seen_resolution() -> timedelta:
    # Within a tenth of a short idle timeout (a test's few seconds) too.
    return min(LAST_USED_RESOLUTION, _session_limits()[0] / 10)


def purge_expired() -> tuple[int, int]:
    """Deletes every ended sign-in session and expired API token: (sessions, tokens)."""
    counts = _purge(utcnow())
    db.session.commit()
    return counts


def _purge(now, user: User | None = None) -> tuple[int, int]:
    idle, lifetime = _session_limits()
    sessions = delete(LoginSession).where(
        (LoginSession.last_seen_at <= now - idle) | (LoginSession.created_at <= now - lifetime)
    )
    tokens = delete(ApiToken).where(ApiToken.expires_at <= now)
    if user is not None:
        sessions = sessions.where(LoginSession.user_id == user.id)
        tokens = tokens.where(ApiToken.user_id == user.id)
    unsynchronised = {"synchronize_session": False}  # what is deleted is never used again
    return (
        db.session.execute(sessions, execution_options=unsynchronised).rowcount,
        db.session.execute(tokens, execution_options=unsynchronised).rowcount,
    )


def end_login_session(secret: str) -> None:
    db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(secret)))
    db.session.commit()


def clean_token_name(raw: str) -> tuple[str, str | None]:
    """Like a title, trimmed of spaces and line breaks at its ends and then one line;
    a blank name is given one."""
    if len(raw) > TOKEN_NAME_MAX:
        return raw, f"Name must be at most {TOKEN_NAME_MAX} characters."
    name = raw.strip(TRIMMED)
    if CONTROL_CHARACTERS.search(name) or LINE_BREAKS.search(name):
        return name, "Name must be one line of text."
    return name or "API token", None


def create_token(user: User, name: str = "") -> tuple[str, ApiToken]:
    """A new API token: returns the token itself (shown once) and its record."""
    name, problem = clean_token_name(name)
    if problem:
        raise ValidationError([FieldError("name", problem)])
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    record = ApiToken(
        user=user,
        name=name,
        token_hash=_digest(secret),
        created_at=now,
        expires_at=now + timedelta(days=current_app.config["API_TOKEN_DAYS"]),
    )
    db.session.add(record)
    db.session.commit()
    return secret, record


def token_record(secret: str) -> ApiToken | None:
    """The live token with this secret, its last use noted; None if unknown or expired."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    record = db.session.scalar(_TOKEN_WITH_OWNER, {"token_hash": _digest(secret)})
    now = utcnow()
    if record is None or record.expires_at <= now:
        return None
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_RESOLUTION:
        # A statement: the token may have been revoked since it was read.
        db.session.execute(
            update(ApiToken).where(ApiToken.id == record.id).values(last_used_at=now)
        )
        db.session.commit()
    return record


def user_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def revoke_token(user: User, token_id: int) -> None:
    """Revokes one of `user`'s tokens; someone else's is TokenNotFound, like a missing one."""
    _delete_own(ApiToken, user, token_id, TokenNotFound)


def revoke_token_secret(secret: str) -> None:
    db.session.execute(delete(ApiToken).where(ApiToken.token_hash == _digest(secret)))
    db.session.commit()
