"""Export: every note of an account into a zip, streamed as it is written (never built
whole in memory), reading the notes a batch at a time.

The zip holds `notes/<date>-<title>.md` per note (front matter and body),
`notes/<same>.history.json` beside a note with earlier versions, and `notes.json`
with everything. Files are named and ordered by when each note was created, so an
account imported from an export exports the same files again."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator

from sqlalchemy import select

from ...extensions import db
from ...models import Note, NoteRevision, User
from .files import note_file, slug, timestamp

BATCH = 500
CHUNK = 1024 * 1024
INDEX_IN_MEMORY_MAX = 4 * 1024 * 1024
FORMAT = "notesweb-export"
FORMAT_VERSION = 1
# Inside the zip, where a date is needed (zip entries have no time zone).
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class _Sink(io.RawIOBase):
    """Where the zip writes: bytes taken away as they come, so nothing piles up."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def export_zip(owner: User) -> Iterator[bytes]:
    """The zip of the owner's notes, in pieces, for a streamed response or a file.
    Written as they are taken: a response streams them after its request's own
    transaction ended, so nothing loaded before is read again."""
    return _zipped(owner.id)


def _zipped(owner_id: int) -> Iterator[bytes]:
    sink = _Sink()
    # notes.json is written beside the files as they are (in a temporary file, on
    # disk past a few MB), so that both come from the same one reading of the notes.
    with tempfile.SpooledTemporaryFile(max_size=INDEX_IN_MEMORY_MAX) as index:
        with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            index.write(f'{{"format": "{FORMAT}", "version": {FORMAT_VERSION}, "notes": ['.encode())
            names = _Names()
            for position, (note, history) in enumerate(_notes(owner_id)):
                name = names.of(note)
                _write(archive, f"notes/{name}.md", _markdown(note))
                if history:
                    _write(archive, f"notes/{name}.history.json", _json(history))
                record = _json(_record(note, name, history)).rstrip(b"\n")
                index.write((b",\n" if position else b"\n") + record)
                yield sink.take()
            index.write(b"\n]}\n")
            index.seek(0)
            with _entry(archive, "notes.json") as out:
                while chunk := index.read(CHUNK):
                    out.write(chunk)
                    yield sink.take()
        yield sink.take()


def _notes(owner_id: int) -> Iterator[tuple[Note, list[dict]]]:
    """The owner's notes with their histories, oldest first, a batch at a time (by
    creation, then id), each let go of once handed on."""
    query = select(Note).where(Note.owner_id == owner_id).order_by(Note.created_at, Note.id)
    after = None
    while True:
        batch = query
        if after is not None:
            created, note_id = after
            batch = query.where(
                (Note.created_at > created) | ((Note.created_at == created) & (Note.id > note_id))
            )
        notes = db.session.scalars(batch.limit(BATCH)).all()
        histories = _histories(owner_id, [note.id for note in notes])
        # Each batch its own transaction: a slow download holds none open between
        # them. Let go of first, the notes keep what was read (a rollback expires it).
        for note in notes:
            db.session.expunge(note)
        db.session.rollback()
        for note in notes:
            yield note, histories.get(note.id, [])
        if len(notes) < BATCH:
            return
        after = (notes[-1].created_at, notes[-1].id)


class _Names:
    """File names from creation dates and titles, each once."""

    def __init__(self):
        self.taken: set[str] = set()

    def of(self, note: Note) -> str:
        stem = f"{note.created_at:%Y-%m-%d}-{slug(note.title)}"
        name, count = stem, 1
        while name.casefold() in self.taken:
            count += 1
            name = f"{stem}-{count}"
        self.taken.add(name.casefold())
        return name


def _markdown(note: Note) -> bytes:
    text = note_file(
        note.title, note.body, note.created_at, note.updated_at, note.tags, note.pinned,
        note.version,
    )  # fmt: skip
    return text.encode()


def _histories(owner_id: int, note_ids: list[int]) -> dict[int, list[dict]]:
    """The earlier versions of these notes, oldest first, by note."""
    histories: dict[int, list[dict]] = {}
    revisions = db.session.execute(
        select(NoteRevision.__table__)
        .where(NoteRevision.owner_id == owner_id, NoteRevision.note_id.in_(note_ids))
        .order_by(NoteRevision.note_id, NoteRevision.version)
    )
    for r in revisions:
        histories.setdefault(r.note_id, []).append(
            {
                "version": r.version,
                "title": r.title,
                "body": r.body,
                "saved_at": timestamp(r.saved_at),
            }
        )
    return histories


def _record(note: Note, name: str, history: list[dict]) -> dict:
    return {
        "id": note.id,
        "file": f"notes/{name}.md",
        "title": note.title,
        "body": note.body,
        "created": timestamp(note.created_at),
        "updated": timestamp(note.updated_at),
        "tags": note.tags,
        "pinned": note.pinned,
        "version": note.version,
        "history": history,
    }


def _json(value) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode()


def _entry(archive: zipfile.ZipFile, name: str):
    info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    return archive.open(info, "w", force_zip64=True)


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    with _entry(archive, name) as out:
        out.write(data)
