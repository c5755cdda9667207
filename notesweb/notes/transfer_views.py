"""Export and import in the browser: the zip of every note as a streamed download,
and the import form with its report."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    render_template,
    request,
    stream_with_context,
)
from flask_login import current_user, login_required

from ..exceptions import ValidationError
from ..models import utcnow
from .transfer.export import export_zip
from .transfer.importing import import_zip
from .transfer.uploads import spooled

bp = Blueprint("transfer", __name__, url_prefix="/notes")


@bp.before_request
@login_required
def require_login():
    """Every export and import is someone's: anonymous visitors are sent to sign in."""


def zip_download(owner) -> Response:
    """The export as a download the browser shows the progress of as it arrives."""
    name = f"notesweb-{owner.username}-{utcnow():%Y-%m-%d}.zip"
    response = Response(stream_with_context(export_zip(owner)), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export")
def export():
    return zip_download(current_user)


@bp.get("/import")
def import_form():
    return render_template("notes/import.html")


@bp.post("/import")
def import_notes():
    upload = request.files.get("file")
    dry_run = request.form.get("dry_run") == "yes"
    if upload is None or not upload.filename:
        return render_template("notes/import.html", problem="Choose a zip file."), 422
    limit = current_app.config["IMPORT_MAX_MB"] * 2**20
    try:
        with spooled(upload.stream, limit) as source:
            report = import_zip(current_user, source, dry_run=dry_run)
    except ValidationError as exc:
        return render_template("notes/import.html", problem=exc.errors[0].message), 422
    return render_template("notes/import.html", report=report, filename=upload.filename)
