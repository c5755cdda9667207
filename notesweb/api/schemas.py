"""Marshmallow schemas: they validate API requests and generate the OpenAPI document.

Shapes and types are checked here, and the notes service's own rules run on each
field in the same pass, so one 422 lists every problem of a request.
"""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from ..auth.service import clean_token_name
from ..limits import (
    API_LIMIT_MAX,
    API_OFFSET_MAX,
    BODY_MAX,
    PAGE_SIZE,
    TITLE_MAX,
    TOKEN_NAME_MAX,
)
from ..notes import query, revisions, search, trash
from ..notes.orders import DEFAULT_SORT, SORTS, decode_cursor
from ..notes.service import clean_body, clean_title
from ..notes.tags import TAG_ASKED_MAX, check_tag
from ..pagination import Cursor, CursorError

# What the service accepts, as JSON Schema patterns: a title is trimmed of spaces,
# tabs and line breaks at its ends and must then be one line of 1 to TITLE_MAX
# characters; neither field may hold other control characters. (Nor a lone
# surrogate, which is no Unicode character: I-JSON forbids it, and a pattern
# cannot name it portably, so the service refuses it without the document saying.)
_NOT_CONTROL = r"[^\x00-\x1f\x7f-\x9f]"
_VISIBLE = r"[^ \t\n\r\x00-\x1f\x7f-\x9f]"
_TRIMMED = r"[ \t\n\r]*"


def one_line_pattern(most: int | None = None, *, required: bool) -> str:
    """Trimmed ends, then a line that starts and ends visibly, of at most `most`."""
    inner = rf"{_NOT_CONTROL}{{0,{most - 2}}}" if most else rf"{_NOT_CONTROL}*"
    line = rf"{_VISIBLE}(?:{inner}{_VISIBLE})?"
    return rf"^{_TRIMMED}{line if required else f'(?:{line})?'}{_TRIMMED}$"


TITLE_PATTERN = one_line_pattern(TITLE_MAX, required=True)
BODY_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"

TITLE_DOC = {
    "description": f"1–{TITLE_MAX} characters, one line, once spaces and line breaks "
    "are trimmed from both ends.",
    "pattern": TITLE_PATTERN,
}
BODY_DOC = {
    "description": f"Up to {BODY_MAX:,} characters.",
    "maxLength": BODY_MAX,
    "pattern": BODY_PATTERN,
}


def service_rule(clean):
    """A field validator that asks the service's own rule (`clean` returns the cleaned
    value and the problem, if any)."""

    def check(value: str) -> None:
        _value, problem = clean(value)
        if problem:
            raise ma.ValidationError(problem)

    return check


class PageCursor(fields.String):
    """A page cursor, read into the service's Cursor by `decode`; a bad one is a field
    problem like any other, reported with the rest."""

    def __init__(self, decode, **kwargs):
        super().__init__(**kwargs)
        self.decode = decode

    def _deserialize(self, value, attr, data, **kwargs):
        token = super()._deserialize(value, attr, data, **kwargs)
        try:
            return self.decode(token, data)
        except CursorError as exc:
            raise ma.ValidationError(str(exc)) from None


def _notes_cursor(token: str, data) -> Cursor:
    """A cursor of the list's order, or of a search."""
    if (data.get("q") or "").strip():  # a blank one asks for no search
        return search.decode_cursor(token)
    sort = data.get("sort", DEFAULT_SORT)
    # An unknown order is a problem of its own, reported with this one.
    return decode_cursor(token, sort if sort in SORTS else DEFAULT_SORT)


class JsonBoolean(fields.Boolean):
    """true or false as JSON writes them, not 1, "yes" or "true"."""

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is not bool:
            raise self.make_error("invalid", input=value)
        return value


PINNED_DOC = {
    "description": "Pinned notes come first in every list. Pinning is not an edit: "
    "`version`, `updated_at` and the ETag stay as they were."
}


class StrictSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _each_given_once(self, data, **_kwargs):
        """A query parameter of one value given twice (`?q=a&q=b`) is refused: taking
        either would answer a question other than the one asked."""
        if not hasattr(data, "getlist"):  # a JSON body: each key is there once
            return data
        single = [key for key in data if key not in data.multiple_keys]
        if repeated := [key for key in single if len(data.getlist(key)) > 1]:
            raise ma.ValidationError({key: ["Give this parameter once."] for key in repeated})
        return data


class NoteCreate(StrictSchema):
    title = fields.String(required=True, validate=service_rule(clean_title), metadata=TITLE_DOC)
    body = fields.String(load_default="", validate=service_rule(clean_body), metadata=BODY_DOC)
    pinned = JsonBoolean(load_default=False, metadata=PINNED_DOC)


class NotePatch(StrictSchema):
    title = fields.String(validate=service_rule(clean_title), metadata=TITLE_DOC)
    body = fields.String(validate=service_rule(clean_body), metadata=BODY_DOC)
    pinned = JsonBoolean(metadata=PINNED_DOC)


class Note(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "Never reused."})
    title = fields.String(required=True)
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True, format="iso")
    updated_at = fields.DateTime(required=True, format="iso")
    version = fields.Integer(
        required=True, metadata={"description": "Starts at 1 and grows with every change."}
    )
    pinned = fields.Boolean(required=True, metadata=PINNED_DOC)
    snippet = fields.Method(
        "_snippet",
        dump_only=True,
        metadata={
            "type": "string",
            "description": "In search results only: the passage of the body that matches "
            "best, as HTML (escaped, each match in `<mark>`).",
        },
    )

    def _snippet(self, note):
        if note.search_snippet is None:
            return ma.missing
        return str(search.marked(note.search_snippet))

    tags = fields.List(
        fields.String(),
        required=True,
        dump_only=True,
        metadata={
            "description": "The #tags in the title and body (not in code), each named as "
            "first written, sorted; set by writing them in the text."
        },
    )


class PageQuery(StrictSchema):
    """Unknown parameters are refused too: a misspelt `limt` must not go unnoticed."""

    limit = fields.Integer(load_default=PAGE_SIZE, validate=validate.Range(1, API_LIMIT_MAX))
    offset = fields.Integer(
        load_default=None,
        validate=validate.Range(0, API_OFFSET_MAX),
        metadata={
            "description": f"Skip this many notes (default 0, at most {API_OFFSET_MAX:,}; "
            "further on, follow `next_cursor`). Not with `cursor`."
        },
    )

    @ma.validates_schema(skip_on_field_errors=False)
    def _one_way_of_paging(self, data, **_kwargs):
        if data.get("cursor") is not None and data.get("offset") is not None:
            raise ma.ValidationError("Use either cursor or offset, not both.", "cursor")


class NoteListQuery(PageQuery):
    cursor = PageCursor(
        _notes_cursor,
        load_default=None,
        metadata={
            "description": "`next_cursor` of the previous page, with the same `sort`. "
            "Not with `offset`."
        },
    )
    q = fields.String(
        load_default=None,
        validate=service_rule(query.check),
        metadata={
            "description": "Search: words (all must match; the last also as the start of "
            'a word), "exact phrases", -excluded words or phrases, tag:NAME. Results come '
            "the notes with every term in the title first, then the others, the most "
            "recently added first in each; each with its `snippet`. `sort` does not apply.",
            "maxLength": query.SEARCH_MAX,
            "pattern": BODY_PATTERN,  # no control characters but tabs and line breaks
        },
    )
    sort = fields.String(
        load_default=DEFAULT_SORT,
        validate=validate.OneOf(SORTS),
        metadata={
            "description": "`updated`: last changed first; `created`: last created first; "
            "`title`: A to Z, regardless of case and accents. Pinned notes come first "
            "in each."
        },
    )
    tag = fields.String(
        load_default=None,
        validate=service_rule(check_tag),
        metadata={
            "description": "Only the notes carrying this tag (any case, with or without "
            "its `#`), or a tag nested in it (`project` lists `project/alpha`'s notes); "
            "`total` counts them.",
            "pattern": rf"^{_NOT_CONTROL}{{1,{TAG_ASKED_MAX}}}$",
        },
    )


class TrashQuery(PageQuery):
    cursor = PageCursor(
        lambda token, _data: trash.decode_cursor(token),
        load_default=None,
        metadata={"description": "`next_cursor` of the previous page. Not with `offset`."},
    )


class TagCount(ma.Schema):
    name = fields.String(required=True, metadata={"description": "As first written, without '#'."})
    count = fields.Integer(
        required=True,
        metadata={"description": "Notes carrying it, or a tag nested in it (`project/alpha`)."},
    )


class TagList(ma.Schema):
    items = fields.List(fields.Nested(TagCount), required=True)


class RevisionQuery(PageQuery):
    cursor = PageCursor(
        lambda token, _data: revisions.decode_cursor(token),
        load_default=None,
        metadata={"description": "`next_cursor` of the previous page. Not with `offset`."},
    )


class ImportQuery(StrictSchema):
    dry_run = fields.Boolean(
        load_default=False,
        truthy={"true"},
        falsy={"false"},
        metadata={"description": "`true`: report what would happen, import nothing."},
    )


class ImportedFile(ma.Schema):
    file = fields.String(required=True, metadata={"description": "Its name in the zip."})
    result = fields.String(
        required=True, validate=validate.OneOf(["created", "skipped", "refused"])
    )
    reason = fields.String(required=True, metadata={"description": "Why skipped or refused."})
    note_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The note made, or the one it is identical to."},
    )


class ImportReport(ma.Schema):
    dry_run = fields.Boolean(required=True)
    created = fields.Integer(required=True)
    skipped = fields.Integer(required=True)
    refused = fields.Integer(required=True)
    files = fields.List(fields.Nested(ImportedFile), required=True)


class ListPage(ma.Schema):
    limit = fields.Integer(required=True)
    offset = fields.Integer(
        required=True, allow_none=True, metadata={"description": "Null when paging by cursor."}
    )
    next_cursor = fields.String(
        required=True, allow_none=True, metadata={"description": "Null on the last page."}
    )


class NotePage(ListPage):
    items = fields.List(fields.Nested(Note), required=True)
    total = fields.Integer(
        required=True,
        metadata={
            "description": "All notes listed; a search counts its matches up to "
            f"{search.COUNT_CAP:,} (see `total_exact`)."
        },
    )
    total_exact = fields.Boolean(
        required=True,
        metadata={"description": "False when a search matched more notes than `total` says."},
    )


class TrashedNote(ma.Schema):
    id = fields.Integer(required=True, metadata={"description": "The note's own id."})
    title = fields.String(required=True)
    body = fields.String(required=True)
    created_at = fields.DateTime(required=True, format="iso")
    updated_at = fields.DateTime(required=True, format="iso")
    version = fields.Integer(required=True)
    pinned = fields.Boolean(required=True)
    tags = fields.List(fields.String(), required=True, dump_only=True)
    deleted_at = fields.DateTime(required=True, format="iso")
    purged_at = fields.Method(
        "_purged_at",
        required=True,
        dump_only=True,
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "When it leaves the trash for good, unless restored.",
        },
    )

    def _purged_at(self, trashed):
        return trash.purged_at(trashed).isoformat()


class RevisionSummary(ma.Schema):
    version = fields.Integer(required=True)
    title = fields.String(required=True)
    saved_at = fields.DateTime(
        required=True,
        format="iso",
        metadata={"description": "When this version was written (its `updated_at` then)."},
    )


class Revision(RevisionSummary):
    body = fields.String(required=True)


class RevisionPage(ListPage):
    items = fields.List(
        fields.Nested(RevisionSummary),
        required=True,
        metadata={"description": "The versions that later changes replaced, newest first."},
    )
    total = fields.Integer(required=True)


class TrashPage(ListPage):
    items = fields.List(
        fields.Nested(TrashedNote),
        required=True,
        metadata={"description": "Most recently deleted first."},
    )
    total = fields.Integer(required=True)


class TokenCreate(StrictSchema):
    name = fields.String(
        validate=service_rule(clean_token_name),
        metadata={
            "description": "What the token is for, as listed in the account settings: "
            "one line, trimmed like a title; blank gives it a name.",
            "maxLength": TOKEN_NAME_MAX,
            "pattern": one_line_pattern(required=False),
        },
    )


class TokenCreated(ma.Schema):
    token = fields.String(required=True, metadata={"description": "Shown once; keep it."})
    expires_at = fields.DateTime(required=True, format="iso")


class FieldProblem(ma.Schema):
    field = fields.String(required=True)
    message = fields.String(required=True)


class Problem(ma.Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    request_id = fields.String(
        required=True,
        metadata={"description": "This request's id, as in the logs: quote it in a report."},
    )
    errors = fields.List(fields.Nested(FieldProblem))
