"""Notes in the browser: pages, forms, and the HTMX fragments of the same URLs."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError

from ..htmx import render_page_or_fragment, wants_fragment
from ..limits import PAGE_SIZE
from ..pagination import CursorError
from . import service
from .forms import NoteForm

bp = Blueprint("notes", __name__, url_prefix="/notes")


def see_other(url: str):
    """After a successful POST: 303 for browsers, an HTMX navigation for swaps."""
    if wants_fragment():
        return "", 204, {"HX-Location": url}
    return redirect(url, 303)


@bp.get("/")
def index():
    cursor = None
    if token := request.args.get("cursor"):
        try:
            cursor = service.decode_cursor(token)
        except CursorError:
            flash("That page link is no longer valid; here are the newest notes.", "warning")
            return redirect(url_for("notes.index"), 303)
    page = service.list_notes(cursor, PAGE_SIZE)
    return render_page_or_fragment("notes/index.html", "notes/_list.html", page=page)


@bp.get("/<int:note_id>")
def show(note_id: int):
    return render_template("notes/show.html", note=service.get_note_or_404(note_id))


def render_form(form: NoteForm, note=None, status: int = 200, conflict=None):
    return render_page_or_fragment(
        "notes/form.html", "notes/_form.html", status, form=form, note=note, conflict=conflict
    )


@bp.get("/new")
def new():
    return render_form(NoteForm())


@bp.post("/new")
def create():
    form = NoteForm()
    try:
        note = service.create_note(form.title.data or "", form.body.data or "")
    except service.ValidationError as exc:
        form.add_errors(exc.errors)
        return render_form(form, status=422)
    flash("Note created.", "success")
    return see_other(url_for("notes.show", note_id=note.id))


@bp.get("/<int:note_id>/edit")
def edit(note_id: int):
    note = service.get_note_or_404(note_id)
    return render_form(NoteForm(obj=note), note=note)


@bp.post("/<int:note_id>/edit")
def update(note_id: int):
    note = service.get_note_or_404(note_id)
    form = NoteForm()
    try:
        service.update_note(
            note,
            title=form.title.data or "",
            body=form.body.data or "",
            expected_version=form.expected_version(),
        )
    except service.ValidationError as exc:
        form.add_errors(exc.errors)
        return render_form(form, note=note, status=422)
    except service.VersionConflict as exc:
        # Keep what the person typed; saving again replaces the other change.
        form.version.data = exc.current.version
        return render_form(form, note=exc.current, status=409, conflict=exc.current)
    flash("Note saved.", "success")
    return see_other(url_for("notes.show", note_id=note.id))


@bp.get("/<int:note_id>/delete")
def confirm_delete(note_id: int):
    return render_template("notes/delete.html", note=service.get_note_or_404(note_id))


@bp.post("/<int:note_id>/delete")
def delete(note_id: int):
    note = service.get_note_or_404(note_id)
    if request.form.get("confirmed") != "yes":
        # A delete button pressed without JavaScript: ask before anything is lost.
        return render_template("notes/delete.html", note=note)
    title = note.title
    service.delete_note(note)
    message = f"Deleted “{title}”."
    if wants_fragment():
        # The row is removed in place; the total and the status line are updated.
        return render_template("notes/_deleted.html", message=message, total=service.count_notes())
    flash(message, "success")
    return redirect(url_for("notes.index"), 303)


@bp.errorhandler(CSRFError)
def csrf_failed(exc: CSRFError):
    """An expired or missing token must not cost the person what they typed."""
    message = "Your session expired before this form was sent. Check it and send it again."
    if request.endpoint in ("notes.create", "notes.update"):
        form = NoteForm(formdata=None, title=request.form.get("title", ""))
        form.body.data = request.form.get("body", "")
        form.version.data = request.form.get("version", "")
        form.form_errors.append(message)
        note_id = (request.view_args or {}).get("note_id")
        note = service.get_note_or_404(note_id) if note_id is not None else None
        return render_form(form, note=note, status=400)
    return render_template("errors/error.html", error=exc, detail=message), 400
