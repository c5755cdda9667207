"""A note's history in the browser: its versions with what each next one changed,
one version whole, and Restore."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..limits import PAGE_SIZE
from ..pagination import CursorError
from . import revisions, service

bp = Blueprint("history", __name__, url_prefix="/notes/<int:note_id>/history")


@bp.before_request
@login_required
def require_login():
    """Every history is someone's: anonymous visitors are sent to sign in."""


@bp.get("/")
def index(note_id: int):
    note = service.get_note(current_user, note_id)
    cursor = None
    if token := request.args.get("cursor"):
        try:
            cursor = revisions.decode_cursor(token)
        except CursorError:
            flash("That page link is no longer valid; here is the first page.", "warning")
            return redirect(url_for("history.index", note_id=note_id), 303)
    page = revisions.list_revisions(note, cursor, PAGE_SIZE)
    return render_template(
        "history/index.html", note=note, page=page, changes=revisions.changes(note, page)
    )


@bp.get("/<int:version>")
def show(note_id: int, version: int):
    note = service.get_note(current_user, note_id)
    revision = revisions.get_revision(note, version)
    return render_template("history/show.html", note=note, revision=revision)


@bp.post("/<int:version>/restore")
def restore(note_id: int, version: int):
    note = service.get_note(current_user, note_id)
    before = note.version
    note = revisions.restore_revision(note, version)
    if note.version == before:
        flash(f"Version {version} is the note as it is: nothing to restore.", "success")
    else:
        flash(f"Restored version {version} as version {note.version}.", "success")
    return redirect(url_for("notes.show", note_id=note_id), 303)
