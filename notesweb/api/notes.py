"""/api/notes: the notes service over JSON."""

from __future__ import annotations

from dataclasses import asdict
from http import HTTPStatus

from flask import abort, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest

from ..errors import API_PREFIX
from ..notes import service
from ..pagination import CursorError
from ..problems import problem
from . import schemas


class RequestJSONParser(FlaskParser):
    """Reads the body Flask already parsed (and require_json_object vetted), so that
    every encoding Flask accepts (a BOM, UTF-16) means the same to the schemas."""

    def _raw_load_json(self, req):
        return req.get_json() if is_json_request(req) else core.missing


class NotesBlueprint(Blueprint):
    ARGUMENTS_PARSER = RequestJSONParser()


blp = NotesBlueprint("api", __name__, url_prefix=API_PREFIX, description="Notes")

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The note's ETag; the change is refused (412) if the note has moved on.",
}
ETAG = {"ETag": {"description": "The note's version, quoted.", "schema": {"type": "string"}}}


def documents(*statuses: int):
    """Document error responses that an operation can give."""

    def decorator(func):
        for status in statuses:
            func = blp.alt_response(status, response=HTTPStatus(status).name)(func)
        return func

    return decorator


@blp.before_request
def require_json_object():
    if request.method not in ("POST", "PATCH", "PUT"):
        return
    if not request.is_json:
        abort(415, description="Send the body as application/json.")
    try:
        data = request.get_json()
    except (BadRequest, RecursionError):
        abort(400, description="The body is not valid JSON.")
    if not isinstance(data, dict):
        abort(400, description="The body must be a JSON object.")


@blp.errorhandler(service.ValidationError)
def invalid_fields(exc: service.ValidationError):
    errors = [asdict(error) for error in exc.errors]
    return problem(422, "The request has invalid fields.", errors=errors)


@blp.errorhandler(service.VersionConflict)
def version_conflict(exc: service.VersionConflict):
    detail = f"The note is at version {exc.current.version}; fetch it and try again."
    # 412 answers a failed If-Match; without one, another writer simply got there first.
    status = 412 if request.if_match else 409
    return problem(status, detail, headers={"ETag": _etag(exc.current)})


def _etag(note) -> str:
    return f'"{note.version}"'


def _note_response(note, status: int = 200, **headers):
    return note, status, {"ETag": _etag(note), **headers}


@blp.route("/notes")
class Notes(MethodView):
    @blp.arguments(schemas.NoteListQuery, location="query")
    @blp.response(200, schemas.NotePage)
    @documents(422)
    def get(self, query):
        """List notes, newest first (by last change)."""
        limit = query["limit"]
        if query["cursor"] is not None:
            try:
                cursor = service.decode_cursor(query["cursor"])
            except CursorError as exc:
                raise service.ValidationError([service.FieldError("cursor", str(exc))]) from None
            page, offset = service.list_notes(cursor, limit), None
        else:
            offset = query["offset"] or 0
            page = service.list_notes_by_offset(offset, limit)
        return {
            "items": page.items,
            "total": page.total,
            "limit": limit,
            "offset": offset,
            "next_cursor": page.older,
        }

    @blp.arguments(schemas.NoteCreate)
    @blp.response(201, schemas.Note, headers={"Location": {"schema": {"type": "string"}}, **ETAG})
    @documents(400, 413, 415, 422)
    def post(self, data):
        """Create a note."""
        note = service.create_note(data["title"], data["body"])
        return _note_response(note, 201, Location=url_for("api.NoteItem", note_id=note.id))


@blp.route("/notes/<int:note_id>")
class NoteItem(MethodView):
    @blp.response(200, schemas.Note, headers=ETAG)
    @documents(404)
    def get(self, note_id: int):
        """One note."""
        return _note_response(service.get_note_or_404(note_id))

    @blp.arguments(schemas.NotePatch)
    @blp.response(200, schemas.Note, headers=ETAG)
    @blp.doc(parameters=[IF_MATCH])
    @documents(400, 404, 409, 412, 413, 415, 422)
    def patch(self, changes, note_id: int):
        """Change a note's title, body or both."""
        note = service.get_note_or_404(note_id)
        note = service.update_note(note, **changes, expected_version=_expected_version(note))
        return _note_response(note)

    @blp.response(204)
    @documents(404)
    def delete(self, note_id: int):
        """Delete a note; its id is never used again."""
        service.delete_note(service.get_note_or_404(note_id))


def _expected_version(note) -> int | None:
    if_match = request.if_match
    if not if_match or if_match.star_tag:
        return None
    if not if_match.contains(str(note.version)):
        raise service.VersionConflict(note)
    return note.version
