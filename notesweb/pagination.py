"""The one pagination mechanism: keyset cursors, plus bounded offsets for the API.

A list is sorted newest first on a tuple of columns (the `Keyset`), and an index on
those columns serves every page at the cost of the first. A cursor names the row a
page starts after and the direction to walk; it is signed, so a tampered cursor, or
one taken from another list, is refused instead of misread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import Select, bindparam, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from .extensions import db
from .limits import ID_MAX

T = TypeVar("T")

OLDER = "older"
NEWER = "newer"


class CursorError(ValueError):
    """The cursor is malformed, tampered with, or belongs to another list."""

    def __init__(self):
        super().__init__("Not a valid cursor for this list.")


@dataclass(frozen=True)
class Keyset:
    name: str
    columns: tuple[InstrumentedAttribute, ...]
    # The listed rows' attributes that hold those columns' values, where their names
    # differ (a list read through another table's index).
    attributes: tuple[str, ...] | None = None

    def key(self, row: Any) -> tuple:
        names = self.attributes or [column.key for column in self.columns]
        return tuple(getattr(row, name) for name in names)

    def _serializer(self) -> URLSafeSerializer:
        return URLSafeSerializer(current_app.secret_key, salt=f"cursor:{self.name}")

    def encode(self, direction: str, key: tuple) -> str:
        values = [v.isoformat() if isinstance(v, datetime) else v for v in key]
        return self._serializer().dumps([direction, *values])

    def decode(self, token: str) -> Cursor:
        try:
            direction, *values = self._serializer().loads(token)
        except (BadData, TypeError, ValueError) as exc:
            raise CursorError() from exc
        if direction not in (OLDER, NEWER) or len(values) != len(self.columns):
            raise CursorError()
        return Cursor(direction, tuple(map(_decode_value, self.columns, values)))

    def _bound(self, key: tuple):
        pairs = zip(self.columns, key, strict=True)
        return tuple_(*(bindparam(None, v, type_=c.type) for c, v in pairs))

    def older_than(self, key: tuple):
        return tuple_(*self.columns) < self._bound(key)

    def newer_than(self, key: tuple):
        return tuple_(*self.columns) > self._bound(key)

    def newest_first(self):
        return [column.desc() for column in self.columns]

    def oldest_first(self):
        return [column.asc() for column in self.columns]


def _decode_value(column: InstrumentedAttribute, value: Any) -> Any:
    """A cursor's value as its column holds it. The cursor is signed, but a value no
    row can hold (an id past the column's range, a time out of UTC's) is refused
    here rather than by the database."""
    kind = getattr(column.type, "impl_instance", column.type).python_type
    try:
        if kind is datetime and isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is not None:
                return parsed.astimezone(UTC)
        elif kind is int and type(value) is int and 0 < value <= ID_MAX:
            return value
    except (ValueError, OverflowError):
        pass
    raise CursorError()


@dataclass(frozen=True)
class Cursor:
    direction: str
    key: tuple


@dataclass(frozen=True)
class Page(Generic[T]):
    items: Sequence[T]
    total: int
    older: str | None  # cursor of the next page, further back in time
    newer: str | None  # cursor of the previous page


def _exists(stmt: Select) -> bool:
    return db.session.execute(stmt.limit(1)).first() is not None


def keyset_page(
    stmt: Select,
    keyset: Keyset,
    cursor: Cursor | None,
    limit: int,
    total: int,
    *,
    link_newer: bool = True,
) -> Page:
    """One page of `stmt` (which selects a single entity), newest first. `total` is
    the list's length, kept by the caller: counting it here would cost a scan of the
    list. Without `link_newer`, a page walked to from newer ones does not ask whether
    anything newer is left (the API links only onward, to older pages)."""
    if cursor is None or cursor.direction == OLDER:
        query = stmt.order_by(*keyset.newest_first())
        if cursor is not None:
            query = query.where(keyset.older_than(cursor.key))
        rows = list(db.session.scalars(query.limit(limit + 1)))
        has_older, rows = len(rows) > limit, rows[:limit]
        edge = keyset.key(rows[0]) if rows else cursor.key if cursor else None
        has_newer = (
            link_newer and cursor is not None and _exists(stmt.where(keyset.newer_than(edge)))
        )
    else:
        query = stmt.order_by(*keyset.oldest_first()).where(keyset.newer_than(cursor.key))
        rows = list(db.session.scalars(query.limit(limit + 1)))
        if not rows:
            # Nothing is newer any more (deleted meanwhile): the newest page is the answer.
            return keyset_page(stmt, keyset, None, limit, total, link_newer=link_newer)
        has_newer, rows = len(rows) > limit, rows[:limit][::-1]
        edge = keyset.key(rows[-1])
        has_older = _exists(stmt.where(keyset.older_than(edge)))
    return Page(
        items=rows,
        total=total,
        older=_link(keyset, OLDER, rows[-1] if rows else None, cursor, has_older),
        newer=_link(keyset, NEWER, rows[0] if rows else None, cursor, has_newer),
    )


def _link(keyset: Keyset, direction: str, row: Any, cursor: Cursor | None, exists: bool):
    if not exists:
        return None
    # An empty page (its rows deleted meanwhile) links onward from the cursor itself.
    return keyset.encode(direction, keyset.key(row) if row is not None else cursor.key)


def offset_page(stmt: Select, keyset: Keyset, offset: int, limit: int, total: int) -> Page:
    """The API's offset paging, on the same order; it also hands out a cursor.

    The rows skipped are walked in the list's index alone, for the keys of the page,
    and only the page's rows are read: at offset 10,000 of a million notes that takes
    PostgreSQL 2.4 ms instead of 19 ms, SQLite 0.6 ms instead of 0.9 ms."""
    order = keyset.newest_first()
    unique = keyset.columns[-1]  # a keyset ends on a unique column, its tie-breaker
    page_keys = stmt.with_only_columns(unique).order_by(*order).offset(offset).limit(limit)
    rows = list(db.session.scalars(stmt.where(unique.in_(page_keys)).order_by(*order)))
    has_older = bool(rows) and offset + len(rows) < total
    return Page(
        items=rows,
        total=total,
        older=keyset.encode(OLDER, keyset.key(rows[-1])) if has_older else None,
        newer=None,
    )
