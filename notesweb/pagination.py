"""The one pagination mechanism: keyset cursors, plus bounded offsets for the API.

A list is sorted on a tuple of columns (the `Keyset`), and an index on those columns
serves every page at the cost of the first. Rows marked to come first (pinned notes)
are a segment of their own, walked before the rest on the same index, so that every
order keeps one direction; a search's tiers of relevance are segments the same way,
each picked by its own condition. A cursor names the row a page starts after and the
direction to walk; it is signed, so a tampered cursor, or one taken from another
list or order, is refused instead of misread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import (
    Select,
    bindparam,
    case,
    false,
    func,
    literal,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.orm import InstrumentedAttribute, aliased

from .extensions import db
from .limits import ID_MAX

T = TypeVar("T")

NEXT = "next"
PREVIOUS = "previous"


class CursorError(ValueError):
    """The cursor is malformed, tampered with, or belongs to another list."""

    def __init__(self):
        super().__init__("Not a valid cursor for this list.")


@dataclass(frozen=True)
class Keyset:
    """An order: by `columns` (the last one unique, the tie-breaker), descending unless
    `ascending`, with the rows whose `first` column is true before all others, or in
    the turn of their `levels`."""

    name: str
    columns: tuple[InstrumentedAttribute, ...]
    ascending: bool = False
    first: InstrumentedAttribute | None = None
    # The listed rows' attributes that hold the key's values (`first`'s, then the
    # columns'), where their names differ (a list read through another table's index).
    attributes: tuple[str, ...] | None = None
    # `first`'s values in walking order, each with the condition that picks its rows
    # from the list's statement (or a statement of its own, for a level read from
    # another table), where `first` is no column of the rows but a value each level
    # gives its own.
    levels: tuple[tuple[Any, Any], ...] | None = None

    @property
    def key_columns(self) -> tuple[InstrumentedAttribute, ...]:
        return self.columns if self.first is None else (self.first, *self.columns)

    @property
    def attribute_names(self) -> tuple[str, ...]:
        return self.attributes or tuple(column.key for column in self.key_columns)

    def key(self, row: Any) -> tuple:
        return tuple(getattr(row, name) for name in self.attribute_names)

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
        if direction not in (NEXT, PREVIOUS) or len(values) != len(self.key_columns):
            raise CursorError()
        return Cursor(direction, tuple(map(_decode_value, self.key_columns, values)))

    def _levels(self) -> tuple[tuple[Any, Any], ...]:
        if self.levels is not None:
            return self.levels
        return tuple(
            (value, self.first == (true() if value else false())) for value in (True, False)
        )

    def segments(self, start: tuple | None, forward: bool) -> list[tuple[Any, tuple, tuple | None]]:
        """The parts of the list to walk from `start` (a key; None for an end), in
        order: each part's value of `first`, its condition, and the key its walk
        starts after, if any."""
        if self.first is None:
            return [(None, (), start)]
        levels = list(self._levels() if forward else reversed(self._levels()))
        if start is not None:
            values = [value for value, _where in levels]
            levels = levels[values.index(start[0]) :] if start[0] in values else []
        return [
            (value, (where,), start[1:] if start is not None and value == start[0] else None)
            for value, where in levels
        ]

    def part(self, stmt: Select, value: Any, where: tuple) -> Select:
        """`stmt`'s rows of one segment, with its value of `first` where the rows have none."""
        if self.levels is None:
            return stmt.where(*where)
        own = len(where) == 1 and isinstance(where[0], Select)
        rows = where[0] if own else stmt.where(*where)
        return rows.add_columns(literal(value, self.first.type).label(self.first.key))

    def beyond(self, key: tuple, forward: bool):
        """Rows after `key` in walking order, within one segment."""
        pairs = zip(self.columns, key, strict=True)
        bound = tuple_(*(bindparam(None, v, type_=c.type) for c, v in pairs))
        row = tuple_(*self.columns)
        return row < bound if forward != self.ascending else row > bound

    def order(self, forward: bool) -> list:
        descending = forward != self.ascending
        return [column.desc() if descending else column.asc() for column in self.columns]


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
        elif kind is bool and type(value) is bool:
            return value
        elif kind is float and type(value) in (int, float) and math.isfinite(value):
            return float(value)
        elif kind is str and type(value) is str and len(value) <= column.type.length:
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
    next: str | None  # cursor of the following page
    previous: str | None  # cursor of the page before
    # False where `total` only counts so far (a search counts its matches up to a cap).
    total_exact: bool = True


def _walk(stmt: Select, keyset: Keyset, start: tuple | None, forward: bool, limit: int) -> list:
    """Up to `limit` rows after `start`, in walking order, segment after segment."""
    return _in_order(_parts(stmt, keyset, start, forward, limit), keyset, forward, stmt, limit)


def _parts(stmt: Select, keyset: Keyset, start: tuple | None, forward: bool, limit: int):
    """Each segment's first `limit` rows after `start`, as a query on its index."""
    parts = []
    for value, where, after in keyset.segments(start, forward):
        part = keyset.part(stmt, value, where).order_by(*keyset.order(forward)).limit(limit)
        parts.append(part if after is None else part.where(keyset.beyond(after, forward)))
    return parts


def _in_order(
    parts: list[Select], keyset: Keyset, forward: bool, stmt: Select, limit: int, offset: int = 0
) -> list:
    """The first `limit` rows (after `offset`) of the segments' `parts`, in turn."""
    if not parts:
        return []
    if len(parts) == 1:
        return _fetch(parts[0].limit(limit).offset(offset or None))
    rows, order = _in_turn(parts, keyset, keyset.attribute_names, forward)
    selected = stmt.column_descriptions[0]
    entity = selected.get("entity")
    entity = entity if entity is not None and selected["expr"] is entity else None
    outer = select(aliased(entity, rows)) if entity is not None else select(rows)
    return _fetch(outer.order_by(*order).limit(limit).offset(offset or None))


def _fetch(stmt: Select) -> list:
    """The rows of `stmt`: its entities where it selects one (a list of notes), else
    rows with their columns by name."""
    result = db.session.execute(stmt)
    return list(result.scalars() if len(stmt.column_descriptions) == 1 else result)


def _in_turn(parts: list[Select], keyset: Keyset, names, forward: bool):
    """The segments' queries as one (each walked on its index, their few rows then
    sorted together), and that order over its columns `names` (the key's)."""
    rows = union_all(*(select(part.subquery()) for part in parts)).subquery()
    first, *columns = (rows.c[name] for name in names)
    descending = forward != keyset.ascending
    order = [first.desc() if forward else first.asc()]
    order += [column.desc() if descending else column.asc() for column in columns]
    return rows, order


def keyset_page(
    stmt: Select,
    keyset: Keyset,
    cursor: Cursor | None,
    limit: int,
    total: int,
    *,
    link_previous: bool = True,
) -> Page:
    """One page of `stmt` (which selects an entity, or named columns) in the keyset's order.
    `total` is the list's length, kept by the caller: counting it here would cost a
    scan of the list. Without `link_previous`, a page walked to from earlier ones does
    not ask whether anything is before it (the API links only onward)."""
    if cursor is None or cursor.direction == NEXT:
        start = cursor.key if cursor else None
        rows = _walk(stmt, keyset, start, True, limit + 1)
        has_next, rows = len(rows) > limit, rows[:limit]
        edge = keyset.key(rows[0]) if rows else start
        has_previous = (
            link_previous and cursor is not None and bool(_walk(stmt, keyset, edge, False, 1))
        )
    else:
        rows = _walk(stmt, keyset, cursor.key, False, limit + 1)
        if not rows:
            # Nothing is before it any more (deleted meanwhile): the first page is the answer.
            return keyset_page(stmt, keyset, None, limit, total, link_previous=link_previous)
        has_previous, rows = len(rows) > limit, rows[:limit][::-1]
        has_next = bool(_walk(stmt, keyset, keyset.key(rows[-1]), True, 1))
    return Page(
        items=rows,
        total=total,
        next=_link(keyset, NEXT, rows[-1] if rows else None, cursor, has_next),
        previous=_link(keyset, PREVIOUS, rows[0] if rows else None, cursor, has_previous),
    )


def _link(keyset: Keyset, direction: str, row: Any, cursor: Cursor | None, exists: bool):
    if not exists:
        return None
    # An empty page (its rows deleted meanwhile) links onward from the cursor itself.
    return keyset.encode(direction, keyset.key(row) if row is not None else cursor.key)


def offset_page(
    stmt: Select, keyset: Keyset, offset: int, limit: int, total: int, *, keys_first: bool = True
) -> Page:
    """The API's offset paging, on the same order; it also hands out a cursor.

    The rows skipped are walked in the list's index alone, for the keys of the page,
    and only the page's rows are read: at offset 10,000 of a million notes that takes
    PostgreSQL 2.4 ms instead of 19 ms, SQLite 0.6 ms instead of 0.9 ms. Without
    `keys_first` (a list that selects its keys alone, as a search does), the page is
    one statement: each segment's first `offset + limit` rows, in turn. The first page
    is the keyset's own, which skips nothing."""
    if offset == 0:
        return keyset_page(stmt, keyset, None, limit, total, link_previous=False)
    if keys_first:
        rows = _rows_at(stmt, keyset, offset, limit)
        has_next = bool(rows) and offset + len(rows) < total
    else:
        # One row more tells whether a page follows, where `total` may not say.
        parts = _parts(stmt, keyset, None, True, offset + limit + 1)
        rows = _in_order(parts, keyset, True, stmt, limit + 1, offset)
        has_next, rows = len(rows) > limit, rows[:limit]
    return Page(
        items=rows,
        total=total,
        next=keyset.encode(NEXT, keyset.key(rows[-1])) if has_next else None,
        previous=None,
    )


def _rows_at(stmt: Select, keyset: Keyset, offset: int, limit: int) -> list:
    """The page's keys, from the index alone, then the page's rows."""
    order = keyset.order(True)
    unique = keyset.columns[-1]  # a keyset ends on a unique column, its tie-breaker
    keys = stmt.with_only_columns(*keyset.key_columns).order_by(*order).limit(limit)
    parts, skip = [], offset
    for _value, where, _start in keyset.segments(None, True):
        parts.append(keys.where(*where).offset(skip))
        # The next segment skips what this one could not hold: counted in the same
        # statement (it is the pinned notes, which are few).
        segment = stmt.with_only_columns(unique).where(*where).subquery()
        length = select(func.count()).select_from(segment)
        skip = case((length.scalar_subquery() < skip, skip - length.scalar_subquery()), else_=0)
    if len(parts) == 1:
        page_keys = parts[0].with_only_columns(unique)
    else:
        names = [column.key for column in keyset.key_columns]
        rows, outer = _in_turn(parts, keyset, names, True)
        page_keys = select(rows.c[unique.key]).order_by(*outer).limit(limit)
    return _fetch(stmt.where(unique.in_(page_keys)).order_by(*_full_order(keyset)))


def _full_order(keyset: Keyset) -> list:
    """The keyset's order over all its rows, for sorting one page of them."""
    first = [] if keyset.first is None else [keyset.first.desc()]
    return first + keyset.order(True)
