"""The trash in the browser: its page, Restore (and Undo), Delete forever, Empty."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..htmx import render_page_or_fragment, wants_fragment
from ..limits import PAGE_SIZE
from ..pagination import CursorError
from ..redirects import safe_next
from . import trash
from .views import current_listing, listed_total

bp = Blueprint("trash", __name__, url_prefix="/trash")


@bp.before_request
@login_required
def require_login():
    """Every trash page is someone's: anonymous visitors are sent to sign in."""


@bp.get("/")
def index():
    cursor = None
    if token := request.args.get("cursor"):
        try:
            cursor = trash.decode_cursor(token)
        except CursorError:
            flash("That page link is no longer valid; here is the first page.", "warning")
            return redirect(url_for("trash.index"), 303)
    page = trash.list_trash(current_user, cursor, PAGE_SIZE)
    return render_page_or_fragment(
        "trash/index.html", "trash/_list.html", page=page, purged_at=trash.purged_at
    )


@bp.get("/<int:note_id>")
def show(note_id: int):
    note = trash.get_trashed(current_user, note_id)
    return render_template("trash/show.html", note=note, purged_at=trash.purged_at)


@bp.post("/<int:note_id>/restore")
def restore(note_id: int):
    note = trash.restore_note(current_user, note_id)
    message = f"Restored “{note.title}”."
    if wants_fragment() and request.form.get("in_place") == "yes":
        # Undo on the list it was deleted from: back into its row.
        total, exact, q = listed_total()
        return render_template(
            "trash/_restored.html",
            note=note,
            listing=current_listing(),
            q=q,
            total=total,
            exact=exact,
            message=message,
        )
    if wants_fragment():
        return _trash_row_removed(message)
    flash(message, "success")
    return redirect(safe_next(request.form.get("next")) or url_for("trash.index"), 303)


@bp.post("/<int:note_id>/delete")
def delete(note_id: int):
    title = trash.delete_forever(current_user, note_id)
    message = f"Deleted “{title}” for good."
    if wants_fragment():
        return _trash_row_removed(message)
    flash(message, "success")
    return redirect(url_for("trash.index"), 303)


def _trash_row_removed(message: str):
    """The row goes (an empty answer replaces it); the total and message are updated."""
    total = trash.count_trash(current_user)
    return render_template("trash/_removed.html", total=total, message=message)


@bp.get("/empty")
def confirm_empty():
    return render_template("trash/empty.html", total=trash.count_trash(current_user))


@bp.post("/empty")
def empty():
    emptied = trash.empty_trash(current_user)
    flash(f"Deleted {emptied} note{'s' if emptied != 1 else ''} for good.", "success")
    return redirect(url_for("trash.index"), 303)
