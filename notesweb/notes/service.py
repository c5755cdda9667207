"""Notes: the rules and the queries. HTML and API views both call these and only these."""

from __future__ import annotations

from sqlalchemy import bindparam, false, insert, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ..exceptions import FieldError, NoteNotFound, ValidationError, VersionConflict
from ..extensions import db
from ..limits import BODY_MAX, CONTROL_CHARACTERS, ID_MAX, LINE_BREAKS, TITLE_MAX, TRIMMED
from ..models import Note, NoteRevision, NoteTag, User, utcnow
from ..pagination import Cursor, Page, keyset_page, offset_page
from . import tags
from .markdown import excerpt
from .orders import DEFAULT_SORT, ORDERS, TAGGED, sort_title


def clean_title(raw: str) -> tuple[str, str | None]:
    if CONTROL_CHARACTERS.search(raw):
        return raw, "Title must not contain control characters."
    title = raw.strip(TRIMMED)
    if not title:
        return title, "Title is required."
    if LINE_BREAKS.search(title):
        return title, "Title must be a single line, without tabs."
    if len(title) > TITLE_MAX:
        return title, f"Title must be at most {TITLE_MAX} characters (it has {len(title)})."
    return title, None


def clean_body(raw: str) -> tuple[str, str | None]:
    if len(raw) > BODY_MAX:
        return raw, f"Body must be at most {BODY_MAX:,} characters (it has {len(raw):,})."
    if CONTROL_CHARACTERS.search(raw):
        return raw, "Body must not contain control characters other than tabs and newlines."
    return raw, None


def clean(title: str | None, body: str | None) -> dict[str, str]:
    """Trimmed, normalised fields that were given; ValidationError lists every problem."""
    changes, errors = {}, []
    for field, raw, cleaner in (("title", title, clean_title), ("body", body, clean_body)):
        if raw is None:
            continue
        value, problem = cleaner(raw)
        if problem:
            errors.append(FieldError(field, problem))
        changes[field] = value
    if errors:
        raise ValidationError(errors)
    return changes


def notes_query(owner: User):
    """Every query of notes starts here, scoped to the person asking."""
    return select(Note).where(Note.owner_id == owner.id)


# notes_query's, built once for the lookup most requests make (see auth.service).
_OWN_NOTE = select(Note).where(Note.owner_id == bindparam("owner_id"), Note.id == bindparam("id"))


def get_note(owner: User, note_id: int) -> Note:
    """The one lookup: a note that does not exist and one that is not yours are
    the same NoteNotFound."""
    note = None
    if 0 < note_id <= ID_MAX:
        note = db.session.scalar(_OWN_NOTE, {"owner_id": owner.id, "id": note_id})
    if note is None:
        raise NoteNotFound(note_id)
    return note


def create_note(owner: User, title: str, body: str = "", *, pinned: bool = False) -> Note:
    fields = clean(title, body)
    found = tags.find_tags(fields["title"], fields["body"])
    now = utcnow()
    note = Note(
        owner_id=owner.id,
        title=fields["title"],
        sort_title=sort_title(fields["title"]),
        body=fields["body"],
        pinned=pinned,
        excerpt=excerpt(fields["body"]),
        tag_names=tags.tag_names(owner.id, found),
        created_at=now,
        updated_at=now,
    )
    db.session.add(note)
    add_to_note_count(owner.id, 1)
    if found:
        db.session.flush()
        tags.retag(note, found, had=[])
    db.session.commit()
    return note


def insert_note(
    owner: User, fields: dict, note_id: int | None = None, *, counted: bool = True
) -> Note:
    """A note as it was (restored from the trash, or imported), with its own times,
    version and pin: its tags, total and search index follow, in the caller's
    transaction. `fields` are the note's title, body, pinned, created_at, updated_at
    and version; a new id unless `note_id` is given. Without `counted`, the caller adds
    it to the owner's count (an import, once per transaction)."""
    found = tags.find_tags(fields["title"], fields["body"])
    values = {
        "owner_id": owner.id,
        "title": fields["title"],
        "body": fields["body"],
        "pinned": fields["pinned"],
        "created_at": fields["created_at"],
        "updated_at": fields["updated_at"],
        "version": fields["version"],
        "sort_title": sort_title(fields["title"]),
        "excerpt": excerpt(fields["body"]),
        "tag_names": tags.tag_names(owner.id, found),
    }
    if note_id is not None:
        values["id"] = note_id
    new_id = db.session.scalar(insert(Note).values(values).returning(Note.id))
    if counted:
        add_to_note_count(owner.id, 1)
    note = get_note(owner, new_id)
    if found:
        tags.retag(note, found, had=[])
    return note


def update_note(
    note: Note,
    *,
    title: str | None = None,
    body: str | None = None,
    pinned: bool | None = None,
    expected_version: int | None = None,
) -> Note:
    """Changes the text (a new version) or pins or unpins the note (not an edit), or both."""
    fields = clean(title, body)
    if expected_version is not None and expected_version != note.version:
        raise VersionConflict(note)
    edited = any(getattr(note, name) != value for name, value in fields.items())
    if not edited and (pinned is None or pinned == note.pinned):
        return note
    note_id, owner, had = note.id, note.owner, note.tags
    try:
        if edited:
            _edit(note, fields, had)
        if pinned is not None and pinned != note.pinned:
            _pin(note, pinned)
        db.session.commit()
    except StaleDataError:
        # Another writer changed (or deleted) the note between our read and our write.
        db.session.rollback()
        raise VersionConflict(get_note(owner, note_id)) from None
    return note


def _edit(note: Note, fields: dict[str, str], had: list[str]) -> None:
    replaced = _as_revision(note)
    for name, value in fields.items():
        setattr(note, name, value)
    if "title" in fields:
        note.sort_title = sort_title(note.title)
    if "body" in fields:
        note.excerpt = excerpt(note.body)
    found = tags.find_tags(note.title, note.body)
    note.tag_names = tags.tag_names(note.owner_id, found)
    note.updated_at = utcnow()
    db.session.flush()  # the version check: StaleDataError if another write came first
    # Only then: a writer that came first has kept this version already.
    db.session.execute(insert(NoteRevision).values(replaced))
    tags.retag(note, found, had=had)


def _as_revision(note: Note) -> dict:
    """The note as it is, as its history (notes.revisions) will keep it once replaced."""
    return {
        "note_id": note.id,
        "owner_id": note.owner_id,
        "version": note.version,
        "title": note.title,
        "body": note.body,
        "saved_at": note.updated_at,
    }


def _pin(note: Note, pinned: bool) -> None:
    """Pins or unpins the note where it is listed, without a new version."""
    pinning = update(Note).where(Note.id == note.id, Note.owner_id == note.owner_id)
    if db.session.execute(pinning.values(pinned=pinned)).rowcount == 0:
        raise StaleDataError()  # deleted meanwhile
    db.session.execute(update(NoteTag).where(NoteTag.note_id == note.id).values(pinned=pinned))
    set_committed_value(note, "pinned", pinned)


def add_to_note_count(owner_id: int, change: int) -> None:
    """Part of the transaction that adds or removes the notes, so the count is exact.
    The database adds, so that writers at once do not overwrite each other's count;
    the owner, if loaded, reads the new count back."""
    db.session.execute(
        update(User)
        .where(User.id == owner_id)
        .values(note_count=User.note_count + change)
        .execution_options(synchronize_session="fetch")
    )


def count_notes(owner: User, *, tag: str | None = None) -> int:
    return _listing(owner, tag, DEFAULT_SORT)[2]


def list_notes(
    owner: User,
    cursor: Cursor | None,
    limit: int,
    *,
    tag: str | None = None,
    sort: str = DEFAULT_SORT,
    link_previous: bool = True,
) -> Page[Note]:
    """The owner's notes in the order `sort` names (notes.orders), pinned first, or
    those carrying `tag` (an unknown tag has none)."""
    stmt, order, total = _listing(owner, tag, sort)
    return keyset_page(stmt, order, cursor, limit, total, link_previous=link_previous)


def list_notes_by_offset(
    owner: User, offset: int, limit: int, *, tag: str | None = None, sort: str = DEFAULT_SORT
) -> Page[Note]:
    stmt, order, total = _listing(owner, tag, sort)
    return offset_page(stmt, order, offset, limit, total)


def _listing(owner: User, tag: str | None, sort: str):
    """The query, order and kept total of the owner's notes, or of a tag's."""
    order = ORDERS[sort]
    if tag is None:
        return notes_query(owner), order, owner.note_count
    found = tags.find_tag(owner, tag)
    if found is None:
        return notes_query(owner).where(false()), order, 0
    tagged = notes_query(owner).join(NoteTag, NoteTag.note_id == Note.id)
    return tagged.where(NoteTag.tag_id == found.id), TAGGED[sort], found.note_count
