"""Import: a zip made by export (or any zip, or folder, of Markdown files from another
app) read into an account. Every file is reported: created, skipped as identical to a
note already there (so importing the same zip twice creates nothing the second time),
or refused and why. A zip past its bounds creates nothing; the notes are made a
batch per transaction, and importing the same zip again finishes an import stopped
part of the way.

A zip is read with bounds that do not trust its own header (how many files, how
large each unpacks, how large all unpack), and its names are only ever reported,
never used as paths."""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path, PurePosixPath

from sqlalchemy import insert, select

from ...exceptions import FieldError, ValidationError
from ...extensions import db
from ...limits import BODY_MAX, CONTROL_CHARACTERS, ID_MAX, TITLE_MAX
from ...models import Note, NoteRevision, User, utcnow
from .. import service, tags
from ..orders import sort_title
from .files import FRONT_MATTER_MAX, FileProblem, read_note_file

# An export of 100,000 notes holds as many files: 148 MB, under IMPORT_MAX_MB.
ENTRIES_MAX = 250_000
# Notes made in one transaction.
COMMIT_EVERY = 200
# A file's record in the zip's directory, on average at most (46 bytes and its name).
DIRECTORY_RECORD_MAX = 160
# A note's file: its body in UTF-8 (up to 4 bytes a character) and its front matter;
# its history beside it may hold many versions.
FILE_MAX = 4 * BODY_MAX + FRONT_MATTER_MAX
HISTORY_MAX = 64 * FILE_MAX
UNPACKED_MAX = 512 * 1024 * 1024
NOTE_SUFFIXES = (".md", ".markdown")
HISTORY_SUFFIX = ".history.json"
# Written by export beside the notes; the Markdown files hold the same.
EXPORT_INDEX = "notes.json"
# The years a note's times may fall in.
EARLIEST, LATEST = 1900, 9998
HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)


@dataclass
class Outcome:
    file: str
    result: str  # created, skipped or refused
    reason: str = ""
    note_id: int | None = None


@dataclass
class Report:
    dry_run: bool
    files: list[Outcome] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for outcome in self.files if outcome.result == result)

    @property
    def created(self) -> int:
        return self.count("created")

    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def refused(self) -> int:
        return self.count("refused")


def refuse(message: str) -> ValidationError:
    return ValidationError([FieldError("file", message)])


Read = Callable[[], bytes | str]  # a file's bytes, or why they cannot be had


def import_zip(owner: User, source, *, dry_run: bool = False) -> Report:
    """Imports the zip in `source` (a path or a seekable binary file)."""
    handle = open(source, "rb") if isinstance(source, str | Path) else source
    try:
        _check_entry_count(handle)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            raise refuse("This is not a zip file.") from None
        with archive:
            if len(archive.infolist()) > ENTRIES_MAX:  # its count said fewer
                raise refuse(f"The zip holds more than {ENTRIES_MAX:,} files.")
            return _import(owner, _unpack(archive), dry_run)
    finally:
        if handle is not source:
            handle.close()


def _check_entry_count(handle) -> None:
    """Refuses a zip of too many files before zipfile reads its directory (a record of
    each, in memory). zipfile's own reader of the end record, the only one there is."""
    try:
        end = zipfile._EndRecData(handle)
        handle.seek(0)
    except (OSError, ValueError):
        end = None
    if end is None:
        raise refuse("This is not a zip file.")
    # zipfile reads as many records as the directory's size holds, whatever the count
    # says: both are bounded.
    if (
        end[zipfile._ECD_ENTRIES_TOTAL] > ENTRIES_MAX
        or end[zipfile._ECD_SIZE] > ENTRIES_MAX * DIRECTORY_RECORD_MAX
    ):
        raise refuse(f"The zip holds more than {ENTRIES_MAX:,} files.")


def import_folder(owner: User, folder: Path, *, dry_run: bool = False) -> Report:
    """Imports the Markdown files in `folder` and the folders inside it."""
    budget = _Budget("The folder holds")
    files: list[tuple[str, Read]] = []
    # Not through links: a folder handed over by someone else must not read elsewhere.
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        if len(files) >= ENTRIES_MAX:
            raise refuse(f"The folder holds more than {ENTRIES_MAX:,} files.")
        name = path.relative_to(folder).as_posix()
        files.append((name, partial(_read_path, path, _limit(name), budget)))
    return _import(owner, files, dry_run)


class _Budget:
    """How much all files may unpack to, together: past it, the whole import is refused.
    Each file is counted once, the first time it is read."""

    def __init__(self, holder: str):
        self.holder, self.left, self.counted = holder, UNPACKED_MAX, set()

    def spend(self, name: str, size: int) -> None:
        if name in self.counted:
            return
        self.counted.add(name)
        self.left -= size
        if self.left < 0:
            raise refuse(f"{self.holder} more than {UNPACKED_MAX // 2**20} MB.")


def _limit(name: str) -> int:
    return HISTORY_MAX if name.endswith(HISTORY_SUFFIX) else FILE_MAX


def _read_path(path: Path, limit: int, budget: _Budget) -> bytes | str:
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        return f"it is over {limit // 1024} KB"
    budget.spend(str(path), len(data))
    return data


def _unpack(archive: zipfile.ZipFile) -> list[tuple[str, Read]]:
    """Each file of the zip, read when asked for, or why it cannot be."""
    budget = _Budget("The zip unpacks to")
    files: list[tuple[str, Read]] = []
    seen: set[str] = set()
    for info in archive.infolist():
        name = info.filename
        if info.is_dir():
            continue
        if problem := _unsafe(name):
            files.append((name, partial(str, problem)))
        elif name.casefold() in seen:
            files.append((name, partial(str, "the zip holds another file of the same name")))
        elif info.file_size > _limit(name):
            files.append((name, partial(str, f"it unpacks to over {_limit(name) // 1024} KB")))
        else:
            seen.add(name.casefold())
            files.append((name, partial(_read_member, archive, info, budget)))
    return files


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: _Budget):
    limit = _limit(info.filename)
    try:
        with archive.open(info) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, EOFError) as exc:
        return f"it cannot be read ({exc})"
    if len(data) > limit:  # more than its header said: a zip built to harm
        raise refuse(f"The file “{info.filename}” unpacks to more than the zip says.")
    budget.spend(info.filename, len(data))
    return data


def _unsafe(name: str) -> str | None:
    path = PurePosixPath(name)
    if name.startswith(("/", "\\")) or "\\" in name or ".." in path.parts or ":" in name:
        return "its name is not a plain path inside the zip"
    if CONTROL_CHARACTERS.search(name) or "\x00" in name:
        return "its name holds control characters"
    return None


def _import(owner: User, files: list[tuple[str, Read]], dry_run: bool) -> Report:
    """Every file read once first, for the zip's bounds (a zip past them creates
    nothing); then the notes made, a transaction per COMMIT_EVERY, so that other
    writers never wait long on SQLite's one writer. An import stopped part of the way
    (the database gone) is finished by importing the same zip again: what it made is
    skipped as identical."""
    for _name, read in files:
        read()
    report = Report(dry_run)
    histories = {
        name.removesuffix(HISTORY_SUFFIX): read
        for name, read in files
        if name.endswith(HISTORY_SUFFIX)
    }
    made: dict[tuple[str, str], int | None] = {}  # this import's notes, by their text
    pending = 0
    try:
        for name, read in sorted(files, key=lambda file: file[0]):
            if pending >= COMMIT_EVERY and not dry_run:
                service.add_to_note_count(owner.id, pending)
                db.session.commit()
                pending = 0
            if name == EXPORT_INDEX or name.endswith(HISTORY_SUFFIX):
                continue
            if not name.lower().endswith(NOTE_SUFFIXES) and not _refused_already(read):
                report.files.append(Outcome(name, "refused", "it is not a Markdown file"))
                continue
            data = read()
            if isinstance(data, str):
                report.files.append(Outcome(name, "refused", data))
            else:
                history = histories.get(name.rsplit(".", 1)[0])
                report.files.append(_note(owner, name, data, history, made, dry_run))
                pending += report.files[-1].result == "created"
        if dry_run:
            db.session.rollback()
        else:
            service.add_to_note_count(owner.id, pending)
            db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report


def _refused_already(read: Read) -> bool:
    """A file refused for its name or size: that reason is the one to report."""
    return isinstance(read, partial) and read.func is str


def _note(owner, name, data: bytes, history: Read | None, made: dict, dry_run: bool) -> Outcome:
    try:
        fields = _read(name, data)
        revisions = _read_history(history(), fields["version"]) if history is not None else []
    except FileProblem as exc:
        return Outcome(name, "refused", str(exc))
    key = (fields["title"], fields["body"])
    if key in made:
        return Outcome(name, "skipped", "identical to another file of this import", made[key])
    if (same := _identical(owner, *key)) is not None:
        return Outcome(name, "skipped", "identical to a note you have", same)
    made[key] = None
    if dry_run:
        return Outcome(name, "created")
    note = service.insert_note(owner, fields, counted=False)  # by the batch, in _import
    if revisions:
        db.session.execute(
            insert(NoteRevision),
            [{"note_id": note.id, "owner_id": owner.id, **revision} for revision in revisions],
        )
    made[key] = note.id
    return Outcome(name, "created", note_id=note.id)


def _identical(owner: User, title: str, body: str) -> int | None:
    """A note of the owner's with this title and body (found through the title order's
    index), if any."""
    same = select(Note.id).where(
        Note.owner_id == owner.id,
        Note.pinned.in_([False, True]),
        Note.sort_title == sort_title(title),
        Note.title == title,
        Note.body == body,
    )
    return db.session.scalar(same.limit(1))


def _read(name: str, data: bytes) -> dict:
    """The note a file holds, as the service would take it; FileProblem if none."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem("it is not UTF-8 text") from None
    front, body = read_note_file(text)
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        heading = HEADING.search(body)
        title = heading.group(1) if heading else PurePosixPath(name).stem
    title = title.strip()[:TITLE_MAX] if not front.get("title") else title
    body = _with_tags(body, front.get("tags"))
    for value, clean in ((title, service.clean_title), (body, service.clean_body)):
        if problem := clean(value)[1]:
            raise FileProblem(problem.rstrip("."))
    now = utcnow()
    created = _moment(front.get("created", front.get("date")), "created") or now
    updated = _moment(front.get("updated"), "updated") or created
    version = front.get("version", 1)
    if type(version) is not int or not 1 <= version <= ID_MAX:
        raise FileProblem(f"its version is not a whole number from 1 to {ID_MAX:,}")
    return {
        "title": service.clean_title(title)[0],
        "body": body,
        "pinned": front.get("pinned") is True,
        "created_at": created,
        "updated_at": max(updated, created),
        "version": version,
    }


def _with_tags(body: str, listed) -> str:
    """The body, with the tags its front matter lists but its text lacks written at its
    end: in notesweb a note's tags are in its text."""
    if listed is None:
        return body
    if isinstance(listed, str):
        listed = re.split(r"[,\s]+", listed)
    if not isinstance(listed, list):
        raise FileProblem("its tags are not a list")
    has = set(tags.find_tags("", body))
    missing = []
    for raw in listed:
        name = tags.clean_tag(str(raw)) if isinstance(raw, str | int) else None
        if name is None:
            raise FileProblem(f"its tag {str(raw)[:40]!r} cannot be a tag")
        if tags.tag_key(name) not in has and name not in missing:
            missing.append(name)
    if not missing:
        return body
    return body + ("\n\n" if body.strip() else "") + " ".join(f"#{name}" for name in missing)


def _moment(value, what: str) -> datetime | None:
    """A time as the front matter gives it, in UTC; None if it gives none."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise FileProblem(f"its {what} time is not a date and time") from None
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day, tzinfo=UTC)
    else:
        raise FileProblem(f"its {what} time is not a date and time")
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        moment = None
    if moment is None or not EARLIEST <= moment.year <= LATEST:
        raise FileProblem(f"its {what} time is not between {EARLIEST} and {LATEST}")
    return moment


def _read_history(data: bytes | str, version: int) -> list[dict]:
    if isinstance(data, str):
        raise FileProblem(f"its history file: {data}")
    try:
        versions = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FileProblem("its history file is not JSON in UTF-8") from None
    if not isinstance(versions, list):
        raise FileProblem("its history file is not a list of versions")
    revisions, seen = [], set()
    for entry in versions:
        if not isinstance(entry, dict) or set(entry) != {"version", "title", "body", "saved_at"}:
            raise FileProblem("its history file holds something that is not a version")
        number = entry["version"]
        if type(number) is not int or not 1 <= number < version or number in seen:
            raise FileProblem("its history file numbers versions wrongly")
        seen.add(number)
        title, body = entry["title"], entry["body"]
        if not isinstance(title, str) or not isinstance(body, str):
            raise FileProblem("its history file holds a version without text")
        if service.clean_title(title)[1] or service.clean_body(body)[1]:
            raise FileProblem(f"its history file's version {number} could not be a note")
        saved_at = _moment(entry["saved_at"], "saved")
        if saved_at is None:
            raise FileProblem(f"its history file's version {number} has no time")
        revisions.append({"version": number, "title": title, "body": body, "saved_at": saved_at})
    return revisions
