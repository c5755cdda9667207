"""Notes in the browser: pages, forms, and the HTMX fragments of the same URLs."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit, urlunsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup
from werkzeug.datastructures import MultiDict

from ..errors import keeps_typed_text
from ..exceptions import NoteNotFound, ValidationError, VersionConflict
from ..htmx import render_page_or_fragment, wants_fragment
from ..limits import PAGE_SIZE
from ..pagination import CursorError, Page
from ..redirects import safe_next
from . import drafts, markdown, merge, orders, search, service, tags, trash
from .forms import NoteForm

bp = Blueprint("notes", __name__, url_prefix="/notes")


@bp.before_request
@login_required
def require_login():
    """Every notes page is someone's: anonymous visitors are sent to sign in."""


@bp.app_template_filter("markdown")
def markdown_filter(body: str) -> Markup:
    return Markup(markdown.render(body))


@bp.app_template_filter("snippet")
def snippet_filter(snippet: str) -> Markup:
    return search.marked(snippet)


DELETED_MEANWHILE = (
    "This note was deleted while you were editing it. "
    "Your text is below: create it as a new note to keep it."
)


def see_other(url: str):
    """After a successful POST: 303 for browsers, an HTMX navigation for swaps."""
    if wants_fragment():
        return "", 204, {"HX-Location": url}
    return redirect(url, 303)


def listing_args(args=None) -> dict:
    """The list's search, tag and order, as the URL gives them (an unknown order is
    the usual one; a search has its own)."""
    args = request.args if args is None else args
    sort, q = args.get("sort"), args.get("q", "").strip()
    return {
        "q": q or None,
        "tag": args.get("tag") or None,
        "sort": sort if sort in orders.SORTS and sort != orders.DEFAULT_SORT and not q else None,
    }


def list_cursor(listing: dict, token: str):
    """The cursor of a page of this list (CursorError if it is not one)."""
    if listing["q"]:
        return search.decode_cursor(token)
    return orders.decode_cursor(token, listing["sort"] or orders.DEFAULT_SORT)


def list_page(listing: dict, cursor):
    if listing["q"]:
        return search.search_notes(
            current_user, listing["q"], cursor, PAGE_SIZE, tag=listing["tag"]
        )
    sort = listing["sort"] or orders.DEFAULT_SORT
    return service.list_notes(current_user, cursor, PAGE_SIZE, tag=listing["tag"], sort=sort)


@bp.get("/")
def index():
    listing = listing_args()
    cursor, message, problem, status = None, None, None, 200
    if token := request.args.get("cursor"):
        try:
            cursor = list_cursor(listing, token)
        except CursorError:
            message = "That page link is no longer valid; here is the first page."
            if not wants_fragment():
                flash(message, "warning")
                return redirect(url_for("notes.index", **listing), 303)
    try:
        page = list_page(listing, cursor)
    except ValidationError as exc:
        if exc.errors[0].field != "q":
            raise
        problem, status = exc.errors[0].message, 422  # shown beside the search field
        page = Page(items=[], total=0, next=None, previous=None)
    return render_page_or_fragment(
        "notes/index.html",
        "notes/_list.html",
        status,
        page=page,
        message=message,
        listing=listing,
        **listing,
        sorts=orders.SORTS,
        search_problem=problem,
    )


@bp.get("/tags")
def tag_list():
    return render_template("notes/tags.html", inside=tags.nested(tags.list_tags(current_user)))


@bp.get("/<int:note_id>")
def show(note_id: int):
    return render_template("notes/show.html", note=service.get_note(current_user, note_id))


def render_form(
    form: NoteForm,
    note=None,
    status: int = 200,
    merging: merge.Offer | None = None,
    preview: str | None = None,
    preview_problem: str | None = None,
    draft_offered=None,
    draft_restored=None,
):
    return render_page_or_fragment(
        "notes/form.html",
        "notes/_form.html",
        status,
        form=form,
        note=note,
        conflict=merging.theirs if merging else None,
        merging=merging,
        preview=preview,
        preview_problem=preview_problem,
        draft_offered=draft_offered,
        draft_restored=draft_restored,
    )


def render_merge(form: NoteForm, theirs):
    """The note moved on while the person was editing: their text stays in the form,
    the other change is shown, and both combined where they can be. Saving from here
    replaces the version they have now seen."""
    merging = merge.offer(theirs, form.expected_version(), form.typed("title"), form.typed("body"))
    form.version.data = theirs.version
    form.combined_title.data = merging.combined_title
    form.combined_body.data = merging.combined_body
    return render_form(form, note=theirs, status=409, merging=merging)


def typed_text(form: NoteForm) -> tuple[str, str]:
    """The title and body to save: the person's, or both changes together if that
    was the button pressed after a conflict."""
    if form.keep_both.data:
        return form.typed("combined_title"), form.typed("combined_body")
    return form.typed("title"), form.typed("body")


def wants_preview(form: NoteForm) -> bool:
    """The form's Preview button was pressed: show the text rendered, save nothing."""
    return bool(form.preview.data)


def render_preview(form: NoteForm, note=None):
    """The body rendered, if the note could hold it; if not, why, as saving would say."""
    body, problem = service.clean_body(form.typed("body"))
    if problem:
        form.body.errors = [problem]
        return render_form(form, note=note, status=422, preview_problem=problem)
    return render_form(form, note=note, preview=body)


def render_orphaned_form(form: NoteForm, message: str):
    """The note went away while someone was editing it: offer their text as a new note."""
    form.version.data = ""
    form.form_errors.append(message)
    return render_form(form, status=404)


@bp.get("/new")
def new():
    return render_drafted_form(None)


@bp.post("/new")
@keeps_typed_text(NoteForm)
def create():
    form = NoteForm()
    if wants_preview(form):
        return render_preview(form)
    try:
        note = service.create_note(current_user, form.typed("title"), form.typed("body"))
    except ValidationError as exc:
        form.add_errors(exc.errors)
        return render_form(form, status=422)
    drafts.discard_draft(current_user, None)
    flash("Note created.", "success")
    return see_other(url_for("notes.show", note_id=note.id))


@bp.get("/<int:note_id>/edit")
def edit(note_id: int):
    return render_drafted_form(service.get_note(current_user, note_id))


def render_drafted_form(note):
    """The form with the note as it is, and its draft offered above it if it holds
    something else; or, asked for (?draft=yes), with the draft's text, to be saved
    over the version it started from (a newer one meets the merge page)."""
    draft = drafts.draft_to_offer(current_user, note)
    if draft is not None and request.args.get("draft") == "yes":
        started = draft.base_version if note is not None else None
        form = NoteForm(data={"title": draft.title, "body": draft.body, "version": started})
        return render_form(form, note=note, draft_restored=draft)
    form = NoteForm(obj=note) if note is not None else NoteForm()
    return render_form(form, note=note, draft_offered=draft)


@bp.post("/<int:note_id>/edit")
@keeps_typed_text(NoteForm)
def update(note_id: int):
    form = NoteForm()
    try:
        note = service.get_note(current_user, note_id)
        if wants_preview(form):
            return render_preview(form, note)
        title, body = typed_text(form)
        service.update_note(note, title=title, body=body, expected_version=form.expected_version())
    except NoteNotFound:
        return render_orphaned_form(form, DELETED_MEANWHILE)
    except ValidationError as exc:
        form.add_errors(exc.errors)
        return render_form(form, note=note, status=422)
    except VersionConflict as exc:
        return render_merge(form, exc.current)
    drafts.discard_draft(current_user, note)
    flash("Note saved.", "success")
    return see_other(url_for("notes.show", note_id=note.id))


def current_url() -> str:
    """The address of the page an HTMX request was made from (htmx sends it), if it
    is this site's, else the notes list."""
    url = urlsplit(request.headers.get("HX-Current-URL", ""))
    path = urlunsplit(("", "", url.path, url.query, ""))
    return safe_next(path) or url_for("notes.index")


def current_listing() -> dict:
    """The listing of the page an HTMX request was made from."""
    return listing_args(MultiDict(parse_qsl(urlsplit(current_url()).query)))


def listed_total() -> tuple[int, bool, str | None]:
    """How many notes the list an in-place change was made on now holds: all, a
    tag's, or a search's (counted up to its cap); whether that is all of them; and
    the search."""
    listing = current_listing()
    tag, q = listing["tag"], listing["q"]
    if q:
        try:
            return *search.count_matches(current_user, q, tag), q
        except ValidationError:
            return 0, True, q
    return service.count_notes(current_user, tag=tag), True, None


def back_to_list_or(fallback: str) -> str:
    """Where a button on a list returns to: the list it was pressed on (a path of this
    app's notes pages, sent by the form), else `fallback`."""
    parts = urlsplit(request.form.get("next", ""))
    if parts.scheme or parts.netloc or not parts.path.startswith(url_for("notes.index")):
        return fallback
    return urlunsplit(parts)  # as parsed: without the line breaks urlsplit drops


@bp.post("/<int:note_id>/pin")
def pin(note_id: int):
    note = service.get_note(current_user, note_id)
    pinned = request.form.get("pinned") == "yes"
    service.update_note(note, pinned=pinned)
    flash(f"{'Pinned' if pinned else 'Unpinned'} “{note.title}”.", "success")
    return see_other(back_to_list_or(url_for("notes.show", note_id=note.id)))


@bp.post("/<int:note_id>/delete")
def delete(note_id: int):
    note = service.get_note(current_user, note_id)
    title = note.title
    trash.trash_note(note)
    if wants_fragment():
        # The row is removed in place, its place kept for Undo; the total is updated.
        total, exact, q = listed_total()
        return render_template(
            "notes/_deleted.html",
            note_id=note_id,
            title=title,
            back=current_url(),
            total=total,
            exact=exact,
            q=q,
        )
    flash({"note_id": note_id, "title": title}, "trashed")
    return redirect(back_to_list_or(url_for("notes.index")), 303)
