"""/api/export and /api/import: every note as a zip, and such a zip read back in."""

from __future__ import annotations

from flask import abort, current_app, request
from flask.views import MethodView
from marshmallow import RAISE

from ..notes.transfer.importing import import_zip
from ..notes.transfer.uploads import spooled
from ..notes.transfer_views import zip_download
from ..rate_limits import limit_api_calls
from . import schemas
from .auth import api_user, require_bearer_token
from .blueprint import ApiBlueprint

blp = ApiBlueprint("api_transfer", __name__, description="Export and import")
blp.before_request(require_bearer_token)
limit_api_calls(blp)

ZIP = {"application/zip": {"schema": {"type": "string", "format": "binary"}}}


@blp.route("/export")
class Export(MethodView):
    @blp.doc(
        responses={
            "200": {
                "description": "A zip, streamed: `notes/<date>-<title>.md` per note (YAML "
                "front matter: title, created, updated, tags, pinned, version; then the "
                "body), `notes/<same>.history.json` beside a note with earlier versions, "
                "and `notes.json` with everything.",
                "content": ZIP,
            }
        }
    )
    @blp.documents(401, 429)
    def get(self):
        """Export every note."""
        return zip_download(api_user())


@blp.route("/import")
class Import(MethodView):
    @blp.arguments(schemas.ImportQuery, location="query", unknown=RAISE)
    @blp.response(200, schemas.ImportReport)
    @blp.doc(requestBody={"required": True, "content": ZIP})
    @blp.documents(401, 413, 415, 422, 429)
    def post(self, query):
        """Import a zip made by export, or of Markdown files from another app. Each file
        is reported: created, skipped as identical to a note you have, or refused and
        why. Importing the same zip twice creates nothing the second time."""
        if request.mimetype != "application/zip":
            abort(415, description="Send the zip as application/zip.")
        limit = current_app.config["IMPORT_MAX_MB"] * 2**20
        with spooled(request.stream, limit) as source:
            return import_zip(api_user(), source, dry_run=query["dry_run"])
