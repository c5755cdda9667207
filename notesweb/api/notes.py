"""/api/notes: the notes service over JSON."""

from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView
from marshmallow import RAISE

from ..exceptions import VersionConflict
from ..notes import search, service, tags, trash
from ..rate_limits import limit_api_calls
from . import schemas
from .auth import api_user, require_bearer_token
from .blueprint import ApiBlueprint, listed, require_json_object

blp = ApiBlueprint("api", __name__, description="Notes: pinned first, then newest first")
blp.before_request(require_bearer_token)
blp.before_request(require_json_object)
limit_api_calls(blp)

IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": "The note's ETag; the change is refused (412) if the note has moved on.",
}
ETAG = {"ETag": {"description": "The note's version, quoted.", "schema": {"type": "string"}}}


def _etag(note) -> str:
    return f'"{note.version}"'


def note_response(note, status: int = 200, **headers):
    return note, status, {"ETag": _etag(note), **headers}


@blp.route("/notes")
class Notes(MethodView):
    @blp.arguments(schemas.NoteListQuery, location="query", unknown=RAISE)
    @blp.response(200, schemas.NotePage)
    @blp.documents(401, 429, 422)
    def get(self, query):
        """List notes: pinned first, then by last change, or as `sort` says; or search them."""
        limit, cursor = query["limit"], query["cursor"]
        offset = None if cursor is not None else query["offset"] or 0
        if query["q"] and query["q"].strip():
            page = search.search_notes(
                api_user(), query["q"], cursor, limit, offset=offset, tag=query["tag"],
                link_previous=False,
            )  # fmt: skip
        elif cursor is not None:
            page = service.list_notes(
                api_user(), cursor, limit, tag=query["tag"], sort=query["sort"], link_previous=False
            )
        else:
            page = service.list_notes_by_offset(
                api_user(), offset, limit, tag=query["tag"], sort=query["sort"]
            )
        return listed(page, limit, offset) | {"total_exact": page.total_exact}

    @blp.arguments(schemas.NoteCreate)
    @blp.response(201, schemas.Note, headers={"Location": {"schema": {"type": "string"}}, **ETAG})
    @blp.documents(400, 401, 429, 413, 415, 422)
    def post(self, data):
        """Create a note."""
        note = service.create_note(api_user(), data["title"], data["body"], pinned=data["pinned"])
        return note_response(note, 201, Location=url_for("api.NoteItem", note_id=note.id))


@blp.route("/notes/<int:note_id>")
class NoteItem(MethodView):
    @blp.response(200, schemas.Note, headers=ETAG)
    @blp.documents(401, 429, 404)
    def get(self, note_id: int):
        """One note."""
        return note_response(service.get_note(api_user(), note_id))

    @blp.arguments(schemas.NotePatch)
    @blp.response(200, schemas.Note, headers=ETAG)
    @blp.doc(parameters=[IF_MATCH])
    @blp.documents(400, 401, 429, 404, 409, 412, 413, 415, 422)
    def patch(self, changes, note_id: int):
        """Change a note's title or body (a new version), or pin or unpin it."""
        note = service.get_note(api_user(), note_id)
        note = service.update_note(note, **changes, expected_version=expected_version(note))
        return note_response(note)

    @blp.response(204)
    @blp.documents(401, 429, 404)
    def delete(self, note_id: int):
        """Delete a note: it moves to the trash (`/api/trash`), from where it can be
        restored until purged. Its id is never given to another note."""
        trash.trash_note(service.get_note(api_user(), note_id))


@blp.route("/tags")
class Tags(MethodView):
    @blp.response(200, schemas.TagList)
    @blp.documents(401, 429)
    def get(self):
        """Every tag your notes carry, by name, with how many notes carry it."""
        return {
            "items": [{"name": t.name, "count": t.note_count} for t in tags.list_tags(api_user())]
        }


def expected_version(note) -> int | None:
    if_match = request.if_match
    if not if_match or if_match.star_tag:
        return None
    if not if_match.contains(str(note.version)):
        raise VersionConflict(note)
    return note.version
