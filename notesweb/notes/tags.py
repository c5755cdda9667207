"""#tags: the `#words` of a note's title and body, outside code. Kept in their own
tables in step with every write (service.py), so that lists filter and count by tag
without reading a body."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from sqlalchemy import case, delete, insert, literal, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..limits import TAG_MAX
from ..models import SORT_TITLE, Note, NoteTag, Tag, User, UTCDateTime

# A tag starts with a letter or digit after a `#` that does not continue a word, a
# path, an entity or an escape; it goes on with letters, digits, `-`, `_` and `/`
# (for nesting), and holds at least one letter, so "#1" is a number, not a tag.
_TAG = re.compile(r"(?<![\w&#/\\])#([^\W_][\w/-]*)")
_LETTER = re.compile(r"[^\W\d_]")
# Where code or a link's address may be (fences, indented blocks, spans, raw HTML,
# links): only then is a body parsed to tell them from text.
_MAYBE_CODE = re.compile(r"`|~~~|<|\]|^(?: {4}|\t)", re.MULTILINE)

_reader = MarkdownIt("gfm-like", {"linkify": False}).disable("text_join")


def tag_key(name: str) -> str:
    """Tags are the same whatever their case: "#Work" and "#work" are one."""
    return name.casefold()


def clean_tag(raw: str) -> str | None:
    """A tag as a person may ask for it (with or without its `#`), or None if no note
    could carry it."""
    match = _TAG.fullmatch(raw if raw.startswith("#") else f"#{raw}")
    return _name(match[1]) if match else None


TAG_ASKED_MAX = TAG_MAX + 1  # with its '#'
_ONE_LINE = re.compile(r"[^\x00-\x1f\x7f-\x9f]+")


def check_tag(raw: str) -> tuple[str, str | None]:
    """A tag asked for, and what is wrong with the asking. A tag that no note could
    carry is no error: no note carries it."""
    if len(raw) > TAG_ASKED_MAX or not _ONE_LINE.fullmatch(raw):
        return raw, f"A tag is 1 to {TAG_MAX} characters after its '#', on one line."
    return raw, None


def _name(found: str) -> str | None:
    name = found.rstrip("/-")
    # Its key too: casefolding may lengthen it ("ß" is "ss").
    if not _LETTER.search(name) or len(tag_key(name)) > TAG_MAX or len(name) > TAG_MAX:
        return None
    return name


def find_tags(title: str, body: str) -> dict[str, str]:
    """The tags of a note: key -> the name as it is first written in it."""
    texts = [title]
    if "#" in body:
        texts.extend(_texts_outside_code(body) if _MAYBE_CODE.search(body) else [body])
    tags: dict[str, str] = {}
    for text in texts:
        for match in _TAG.finditer(text):
            if (name := _name(match[1])) is not None:
                tags.setdefault(tag_key(name), name)
    return tags


def with_parents(found: dict[str, str]) -> dict[str, str]:
    """`found` (key -> name) with the tags each nested one is inside: a note tagged
    #project/alpha is listed under #project too. A parent without a letter ("#2026"
    of "#2026/trips") is no tag."""
    every = dict(found)
    for name in found.values():
        for end in (i for i, c in enumerate(name) if c == "/"):
            if (parent := _name(name[:end])) is not None:
                every.setdefault(tag_key(parent), parent)
    return every


def _texts_outside_code(body: str) -> list[str]:
    """The body's text as written, without its code, raw HTML and links' addresses:
    each inline run put back together from its tokens (emphasis marks and escapes
    as typed), so that a `#` reads the same as in text that needs no parsing."""
    texts = []
    for token in _reader.parse(body):
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or ():
            if child.type == "text":
                parts.append(child.content)
            elif child.type == "text_special":
                parts.append(child.markup)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append("\n")
            elif child.type in (
                "em_open",
                "em_close",
                "strong_open",
                "strong_close",
                "s_open",
                "s_close",
            ):
                parts.append(child.markup)
            else:  # code, HTML, a link's or an image's edges: no text, and no tag across
                parts.append(" ")
        texts.append("".join(parts))
    return texts


def tag_insert():
    """An INSERT of tags that can skip those already there (ON CONFLICT DO NOTHING), as
    the database in use spells it."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(Tag)


def tag_names(owner_id: int, found: dict[str, str]) -> str:
    """A note's `tag_names` for the tags `found` in it (key -> name): each named as the
    owner first wrote it, in order. Read before the note is written, so that writing
    it is one statement (and one version)."""
    if not found:
        return ""
    with db.session.no_autoflush:
        known = dict(
            db.session.execute(
                select(Tag.key, Tag.name).where(Tag.owner_id == owner_id, Tag.key.in_(found))
            ).all()
        )
    return " ".join(known.get(key, found[key]) for key in sorted(found))


def retag(note: Note, found: dict[str, str], *, had: list[str]) -> None:
    """Brings the note's tag rows and its tags' counts in step with `found` (key ->
    name), in the caller's transaction; `had` are the names it carried. The note must
    be flushed (it has its id and its new `updated_at`). A note is listed under the
    tags its nested ones are inside too (`with_parents`)."""
    found = with_parents(found)
    before = with_parents({tag_key(name): name for name in had}).keys()
    removed, added = before - found.keys(), found.keys() - before
    mine = (Tag.owner_id == note.owner_id,)
    if added:
        # In one order in every writer, so that two never wait on each other.
        rows = [{"owner_id": note.owner_id, "key": k, "name": found[k]} for k in sorted(added)]
        db.session.execute(tag_insert().values(rows).on_conflict_do_nothing())
    if removed or added:
        # Every count it changes in one statement, so in the index's order: two edits
        # moving notes between the same tags (and their parents) lock them in one
        # order, never in a circle.
        change = case((Tag.key.in_(sorted(added)), 1), else_=-1)
        db.session.execute(_count(mine, sorted(removed | added), change))
    if removed:
        tag_ids = select(Tag.id).where(*mine, Tag.key.in_(removed))
        db.session.execute(
            delete(NoteTag).where(NoteTag.note_id == note.id, NoteTag.tag_id.in_(tag_ids))
        )
    if added:
        # `pinned` as the row holds it now: a pin made since `note` was read counts.
        pinned = select(Note.pinned).where(Note.id == note.id).scalar_subquery()
        copied = (
            literal(note.updated_at, UTCDateTime),
            literal(note.created_at, UTCDateTime),
            literal(note.sort_title, SORT_TITLE),
            pinned,
        )
        db.session.execute(
            insert(NoteTag).from_select(
                ["note_id", "tag_id", "updated_at", "created_at", "sort_title", "pinned"],
                select(literal(note.id), Tag.id, *copied).where(*mine, Tag.key.in_(added)),
            )
        )
    if before & found.keys():
        # The tags it keeps list it where its new time and title put it.
        db.session.execute(
            update(NoteTag)
            .where(NoteTag.note_id == note.id)
            .values(updated_at=note.updated_at, sort_title=note.sort_title)
        )


def _count(mine, keys, change):
    return (
        update(Tag)
        .where(*mine, Tag.key.in_(keys))
        .values(note_count=Tag.note_count + change)
        .execution_options(synchronize_session=False)
    )


def untag(owner_id: int, names: list[str]) -> None:
    """A note carrying these tags was deleted (its NoteTag rows went with it): each
    counts one fewer. Every write locks the note, then its owner, then tags, in that
    order, so that writers at once never wait on each other in a circle."""
    if names:
        keys = list(with_parents({tag_key(name): name for name in names}))
        db.session.execute(_count((Tag.owner_id == owner_id,), keys, -1))


def find_tag(owner: User, name: str) -> Tag | None:
    """The owner's tag of that name (in any case), if any of their notes carry it."""
    if (cleaned := clean_tag(name)) is None:
        return None
    tag = db.session.scalar(
        select(Tag).where(Tag.owner_id == owner.id, Tag.key == tag_key(cleaned))
    )
    return tag if tag is not None and tag.note_count > 0 else None


def list_tags(owner: User) -> list[Tag]:
    """Every tag the owner's notes carry, by name."""
    return list(
        db.session.scalars(
            select(Tag).where(Tag.owner_id == owner.id, Tag.note_count > 0).order_by(Tag.key)
        )
    )


def nested(listed: list[Tag]) -> dict[str, list[Tag]]:
    """The tags by the tag they are nested in ("" for none), in the order listed."""
    keys, inside = {tag.key for tag in listed}, {}
    for tag in listed:
        parents = with_parents({tag.key: tag.key}).keys() - {tag.key}
        parent = max(parents & keys, key=len, default="")
        inside.setdefault(parent, []).append(tag)
    return inside
