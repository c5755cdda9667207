"""Password hashes: how they are made and checked, in one place.

scrypt (memory-hard, in the standard library through Werkzeug) with N = 2**PASSWORD_HASH_COST,
r=8, p=1: OWASP's recommendation is a cost of 17 (128 MiB and about a third of a
second per hash here). A hash made with other parameters is upgraded at the next
sign-in that proves the password.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


def _method() -> str:
    return f"scrypt:{2 ** current_app.config['PASSWORD_HASH_COST']}:8:1"


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def password_matches(password_hash: str, password: str) -> bool:
    """Whether `password` is the one hashed, in the time a check at today's cost takes
    whatever the hash: an account without a password, or with a hash made at a lower
    cost, must not answer faster than one that does not exist."""
    if not is_a_hash(password_hash):
        check_against_nothing(password)
        return False
    matches = check_password_hash(password_hash, password)
    _make_up_the_cost(password_hash, password)
    return matches


def _make_up_the_cost(password_hash: str, password: str) -> None:
    """scrypt's time grows with N: a hash at N/4 is checked three more times over."""
    method = password_hash.split("$", 1)[0]
    name, _, parameters = method.partition(":")
    if name != "scrypt":
        return
    cost = int(parameters.split(":")[0])
    for _ in range(2 ** current_app.config["PASSWORD_HASH_COST"] // cost - 1):
        check_password_hash(_dummy_hash(method), password)


def needs_rehash(password_hash: str) -> bool:
    return not password_hash.startswith(_method() + "$")


def is_a_hash(password_hash: str) -> bool:
    return password_hash.startswith("scrypt:") or password_hash.startswith("pbkdf2:")


def check_against_nothing(password: str) -> None:
    """As long as a real check: for a username that does not exist."""
    check_password_hash(_dummy_hash(_method()), password)


@lru_cache(maxsize=4)
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a real password", method=method)
