"""/api/notes/{id}/revisions: a note's history, and restoring a version of it."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import RAISE

from ..notes import revisions, service
from ..rate_limits import limit_api_calls
from . import schemas
from .auth import api_user, require_bearer_token
from .blueprint import ApiBlueprint, listed, optional_json_object
from .notes import ETAG, IF_MATCH, expected_version, note_response

blp = ApiBlueprint(
    "api_revisions",
    __name__,
    description="History: the versions of a note that later changes replaced",
)
blp.before_request(require_bearer_token)
limit_api_calls(blp)
blp.before_request(optional_json_object)  # a restore needs no body


@blp.route("/notes/<int:note_id>/revisions")
class Revisions(MethodView):
    @blp.arguments(schemas.RevisionQuery, location="query", unknown=RAISE)
    @blp.response(200, schemas.RevisionPage)
    @blp.documents(401, 429, 404, 422)
    def get(self, query, note_id: int):
        """List a note's earlier versions, newest first."""
        note = service.get_note(api_user(), note_id)
        limit, cursor = query["limit"], query["cursor"]
        offset = None if cursor is not None else query["offset"] or 0
        if cursor is not None:
            page = revisions.list_revisions(note, cursor, limit, link_previous=False)
        else:
            page = revisions.list_revisions_by_offset(note, offset, limit)
        return listed(page, limit, offset)


@blp.route("/notes/<int:note_id>/revisions/<int:version>")
class RevisionItem(MethodView):
    @blp.response(200, schemas.Revision)
    @blp.documents(401, 429, 404)
    def get(self, note_id: int, version: int):
        """One earlier version of a note, whole."""
        return revisions.get_revision(service.get_note(api_user(), note_id), version)


@blp.route("/notes/<int:note_id>/revisions/<int:version>/restore")
class RestoreRevision(MethodView):
    @blp.response(200, schemas.Note, headers=ETAG)
    @blp.doc(parameters=[IF_MATCH])
    @blp.documents(400, 401, 429, 404, 409, 412, 415, 422)
    def post(self, note_id: int, version: int):
        """Make an earlier version the note's text again: a new version, which keeps
        the text it replaces in the history (so a restore can be undone)."""
        note = service.get_note(api_user(), note_id)
        restored = revisions.restore_revision(
            note, version, expected_version=expected_version(note)
        )
        return note_response(restored)
