"""A note as a Markdown file: YAML front matter (title, created, updated, tags,
pinned, version), then the body exactly as written; and the names files get."""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import UTC, datetime

import yaml

FRONT_MATTER = "---\n"
# Front matter larger than this is no note's: refused before YAML reads it.
FRONT_MATTER_MAX = 16 * 1024
SLUG_MAX = 60


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def note_file(title: str, body: str, created, updated, tags, pinned: bool, version: int) -> str:
    """The file's text. Written by hand, in a fixed order, so that the same note is
    always the same bytes; strings as JSON writes them, which YAML reads the same."""
    fields = [
        f"title: {json.dumps(title, ensure_ascii=False)}",
        f"created: {timestamp(created)}",
        f"updated: {timestamp(updated)}",
        f"tags: {json.dumps(list(tags), ensure_ascii=False)}",
        f"pinned: {'true' if pinned else 'false'}",
        f"version: {version}",
    ]
    return FRONT_MATTER + "\n".join(fields) + "\n" + FRONT_MATTER + body


class FileProblem(ValueError):
    """Why a file cannot be a note."""


def read_note_file(text: str) -> tuple[dict, str]:
    """The front matter (empty if none) and the body."""
    if not text.startswith(FRONT_MATTER):
        return {}, text
    closing = text.find("\n" + FRONT_MATTER, len(FRONT_MATTER) - 1)
    if closing != -1:
        head, body = text[len(FRONT_MATTER) : closing + 1], text[closing + 1 + len(FRONT_MATTER) :]
    elif text.endswith("\n---"):
        head, body = text[len(FRONT_MATTER) : -3], ""
    else:
        return {}, text  # a thematic break at the top, not front matter
    if len(head.encode()) > FRONT_MATTER_MAX:
        raise FileProblem(f"its front matter is over {FRONT_MATTER_MAX // 1024} KB")
    try:
        fields = yaml.safe_load(head) if head.strip() else {}
    except yaml.YAMLError as exc:
        raise FileProblem(f"its front matter is not valid YAML ({_first_line(exc)})") from None
    except RecursionError:
        raise FileProblem("its front matter is nested too deep") from None
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        raise FileProblem("its front matter is not a mapping of fields")
    return fields, body


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0]


def slug(title: str) -> str:
    """A file name's start from a title: its letters and digits, in lower case."""
    text = unicodedata.normalize("NFKC", title).casefold()
    words = re.findall(r"\w+", text)
    name = "-".join(words)[:SLUG_MAX].strip("-_")
    return name or "note"
