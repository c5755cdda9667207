"""Drafts in the browser: saved by htmx as a person types in the note form (the answer
is the form's draft status), and discarded from the offer the form shows."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..exceptions import ValidationError
from . import drafts, service
from .forms import NoteForm

bp = Blueprint("drafts", __name__, url_prefix="/notes")


@bp.before_request
@login_required
def require_login():
    """Every draft is someone's: anonymous visitors are sent to sign in."""


@bp.post("/new/draft")
def save_new():
    return _save(None)


@bp.post("/<int:note_id>/draft")
def save(note_id: int):
    return _save(service.get_note(current_user, note_id))


def _save(note):
    form = NoteForm()
    try:
        draft = drafts.save_draft(
            current_user, note, form.typed("title"), form.typed("body"), form.expected_version()
        )
    except ValidationError as exc:
        return render_template("notes/_draft_status.html", problem=exc.errors[0].message), 422
    return render_template("notes/_draft_status.html", draft=draft)


@bp.post("/new/draft/discard")
def discard_new():
    drafts.discard_draft(current_user, None)
    return redirect(url_for("notes.new"), 303)


@bp.post("/<int:note_id>/draft/discard")
def discard(note_id: int):
    drafts.discard_draft(current_user, service.get_note(current_user, note_id))
    return redirect(url_for("notes.edit", note_id=note_id), 303)
