"""What both databases' search engines share: the tiers of relevance a match falls
in, the count of matches up to a cap, and the notes carrying a tag."""

from __future__ import annotations

from sqlalchemy import func, select

from ...extensions import db
from ...models import NoteTag, User
from .. import tags

# Matches are counted up to this many; past it a search says "1,000+".
COUNT_CAP = 1_000
# A match's tier of relevance: every term in the title, or not.
IN_TITLE, ELSEWHERE = 2, 1


def counted(hits) -> tuple[int, bool]:
    """How many rows `hits` has, counted up to COUNT_CAP; and whether that is all."""
    capped = hits.limit(COUNT_CAP + 1).subquery()
    count = db.session.scalar(select(func.count()).select_from(capped))
    return min(count, COUNT_CAP), count <= COUNT_CAP


def carrying(owner: User, names: tuple[str, ...]) -> list:
    """For each tag, the ids of the notes carrying it (an unknown tag: none)."""
    notes = []
    for name in names:
        found = tags.find_tag(owner, name)
        tag_id = found.id if found is not None else None
        notes.append(select(NoteTag.note_id).where(NoteTag.tag_id == tag_id))
    return notes
