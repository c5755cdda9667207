"""/api/trash: deleted notes, restored or deleted for good."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import RAISE

from ..notes import trash
from ..rate_limits import limit_api_calls
from . import schemas
from .auth import api_user, require_bearer_token
from .blueprint import ApiBlueprint, listed, optional_json_object
from .notes import ETAG, note_response

blp = ApiBlueprint(
    "api_trash",
    __name__,
    description="Deleted notes: kept for TRASH_DAYS (30 by default), then purged",
)
blp.before_request(require_bearer_token)
limit_api_calls(blp)
blp.before_request(optional_json_object)  # a restore needs no body


@blp.route("/trash")
class Trash(MethodView):
    @blp.arguments(schemas.TrashQuery, location="query", unknown=RAISE)
    @blp.response(200, schemas.TrashPage)
    @blp.documents(401, 429, 422)
    def get(self, query):
        """List the notes in the trash, most recently deleted first."""
        limit, cursor = query["limit"], query["cursor"]
        offset = None if cursor is not None else query["offset"] or 0
        if cursor is not None:
            page = trash.list_trash(api_user(), cursor, limit, link_previous=False)
        else:
            page = trash.list_trash_by_offset(api_user(), offset, limit)
        return listed(page, limit, offset)

    @blp.response(204)
    @blp.documents(401, 429)
    def delete(self):
        """Empty the trash: every note in it is deleted for good."""
        trash.empty_trash(api_user())


@blp.route("/trash/<int:note_id>")
class TrashedNote(MethodView):
    @blp.response(200, schemas.TrashedNote)
    @blp.documents(401, 429, 404)
    def get(self, note_id: int):
        """A note in the trash."""
        return trash.get_trashed(api_user(), note_id)

    @blp.response(204)
    @blp.documents(401, 429, 404)
    def delete(self, note_id: int):
        """Delete a note in the trash for good."""
        trash.delete_forever(api_user(), note_id)


@blp.route("/trash/<int:note_id>/restore")
class Restore(MethodView):
    @blp.response(200, schemas.Note, headers=ETAG)
    @blp.documents(400, 401, 429, 404, 415)
    def post(self, note_id: int):
        """Restore a note from the trash, as it was when deleted (same id and version)."""
        return note_response(trash.restore_note(api_user(), note_id))
