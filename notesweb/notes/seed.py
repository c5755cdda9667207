"""Many notes at once, for trying the app at scale and for benchmarks: realistic titles
and bodies (a few hundred bytes to a few KB), spread over the past two years, bulk
inserted in batches, each batch one transaction."""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from sqlalchemy import bindparam, insert, select, text, update

from ..extensions import db
from ..models import Note, NoteTag, Tag, User, utcnow
from .markdown import excerpt
from .orders import sort_title
from .service import add_to_note_count
from .tags import tag_insert, tag_key, with_parents

BATCH = 10_000
SPREAD = timedelta(days=730)
BODY_BYTES = (200, 4_000)

WORDS = """
    the of and to in is that for it as with on be by this are or from at an have
    not but we they which one you were all there their been has more when will would
    can who if out so what up its about into than them only other some could time
    these two may then first any new like now our over such after also most made way
    many before must through back years where much your well down should because each
    just those people how too little state good very make world still own see men
    work long get here between both life being under never day same another know while
    last might us great old year off come since against go came right used take three
    meeting project plan budget release draft review notes ideas garden recipe trip
    book list call email team client design server backup database migration test
    invoice receipt travel train flight hotel kitchen bread coffee tea running week
    monday tuesday friday weekend morning evening deadline question answer summary
""".split()
# Beyond those, a long tail of rarer words, made up from syllables and used as words
# are (Zipf's law): a few in nearly every note, most in a handful; so that a search
# finds as many notes as it would in real ones.
TAIL_SIZE = 20_000
TAIL_SHARE = 0.35
SYLLABLES = (
    "ka ri to ne mo la su vi ren tal dor mi sa pe lo quin bar cel dra fen gor hul jas kel".split()
)


@functools.cache
def tail_words() -> list[str]:
    """The made-up words, most used first (the same on every run and for every seed)."""
    rng, words = random.Random(20261203), {}
    while len(words) < TAIL_SIZE:
        words.setdefault("".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))), None)
    return [word for word in words if word not in WORDS]


@functools.cache
def _tail_weights() -> list[float]:
    return list(itertools.accumulate(1 / rank for rank in range(1, len(tail_words()) + 1)))


# Tags, the first most used (as people's are): about 3 notes in 10 carry one to three.
TAGS = """
    work home ideas todo reading travel recipes meeting project/alpha project/beta
    garden finance health family books music learning writing photos car house-move
    birthday gifts conference release/2026 invoices taxes running cooking
""".split()
TAG_WEIGHTS = [1 / (rank + 1) for rank in range(len(TAGS))]
TAGGED = 0.3
TITLE_OPENERS = ["Notes on", "Ideas for", "Plan:", "Draft:", "Review of", "Thoughts on",
                 "Checklist:", "Meeting:", "TODO", "Reading:", "Recipe:", "Trip to"]  # fmt: skip


class SampleText:
    """Realistic-looking notes, fast: titles and bodies are cut from pools made once,
    so that a million of them take seconds, not minutes."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        paragraphs = [self._paragraph() for _ in range(3_000)]
        self.text = "\n\n".join(paragraphs)
        # Where each paragraph starts: a body begins at one of them, early enough for
        # the longest body to fit before the pool ends.
        self.starts = [0]
        for paragraph in paragraphs[:-1]:
            self.starts.append(self.starts[-1] + len(paragraph) + 2)
        self.starts = [start for start in self.starts if start + BODY_BYTES[1] < len(self.text)]
        self.titles = [self._title() for _ in range(20_000)]

    def _sentence(self) -> str:
        count = self.rng.randint(5, 18)
        words = self.rng.choices(WORDS, k=count)
        rare = self.rng.choices(tail_words(), cum_weights=_tail_weights(), k=count)
        mixed = [
            r if self.rng.random() < TAIL_SHARE else w for w, r in zip(words, rare, strict=True)
        ]
        return " ".join(mixed).capitalize() + self.rng.choice(".....?!")

    def _paragraph(self) -> str:
        if self.rng.random() < 0.2:
            items = self.rng.randint(2, 6)
            return "\n".join(f"- {self._sentence()}" for _ in range(items))
        return " ".join(self._sentence() for _ in range(self.rng.randint(1, 6)))

    def _title(self) -> str:
        words = " ".join(self.rng.choices(WORDS, k=self.rng.randint(1, 6)))
        return f"{self.rng.choice(TITLE_OPENERS)} {words}"

    def title(self) -> str:
        return self.rng.choice(self.titles)

    def body(self) -> str:
        low, high = BODY_BYTES
        # Most notes short, some long: sizes spread evenly on a log scale.
        size = int(math.exp(self.rng.uniform(math.log(low), math.log(high))))
        start = self.rng.choice(self.starts)
        body = self.text[start : start + size]
        # End at a word's end, not inside one.
        end = body.rfind(" ")
        return body[:end] if end >= low else body


def sample_rows(
    owner_id: int, count: int, now: datetime, rng: random.Random
) -> Iterator[tuple[dict, list[str]]]:
    """Notes as rows of the notes table, each with the tags written in its body."""
    text = SampleText(rng)
    spread = SPREAD.total_seconds()
    for _ in range(count):
        created = now - timedelta(seconds=rng.uniform(0, spread))
        edited = rng.random() < 0.4
        updated = created + (now - created) * rng.random() if edited else created
        body, tags = text.body(), []
        if rng.random() < TAGGED:
            tags = sorted(set(rng.choices(TAGS, TAG_WEIGHTS, k=rng.randint(1, 3))))
            line = "\n\n" + " ".join(f"#{tag}" for tag in tags)
            # Within the body's size all the same, ending at a word's end.
            cut = body[: BODY_BYTES[1] - len(line)]
            body = (cut[: cut.rfind(" ")] if len(cut) < len(body) else body) + line
        title = text.title()
        row = {
            "owner_id": owner_id,
            "title": title,
            "sort_title": sort_title(title),
            "body": body,
            "excerpt": excerpt(body),
            "created_at": created,
            "updated_at": updated,
            "version": rng.randint(2, 9) if edited else 1,
        }
        yield row, tags


def seed_notes(
    owner: User,
    count: int,
    *,
    batch: int = BATCH,
    seed: int | None = None,
    progress: Callable[[int], None] = lambda _done: None,
) -> None:
    """Adds `count` notes to `owner`'s, committing every `batch`; `progress` hears how
    many each committed batch added. The same `seed` makes the same notes."""
    rows = sample_rows(owner.id, count, utcnow(), random.Random(seed))
    if db.engine.dialect.name == "sqlite":
        # The list's index takes rows at random places: keep more of it in memory
        # than SQLite's default 2 MB while it grows (this connection only).
        db.session.execute(text("PRAGMA cache_size = -262144"))
    tag_ids, names = _owners_tags(owner)
    left = count
    while left:
        size = min(batch, left)
        if db.engine.dialect.name == "postgresql":
            # A batch is inserted in pages, each adding its words of the search index
            # (migration 0011) in its own order: writers adding the same new words
            # wait for the batch, rather than it and one of them for each other.
            db.session.execute(text("LOCK TABLE notes_fts_words IN SHARE ROW EXCLUSIVE MODE"))
        notes = [next(rows) for _ in range(size)]
        for row, tags in notes:
            row["tag_names"] = " ".join(names[tag_key(tag)] for tag in tags)
        ids = _insert_notes([row for row, _tags in notes])
        links = [
            {
                "note_id": note_id,
                "tag_id": tag_ids[tag_key(tag)],
                **{key: row[key] for key in ("updated_at", "created_at", "sort_title")},
            }
            for note_id, (row, tags) in zip(ids, notes, strict=True)
            for tag in with_parents({tag_key(tag): tag for tag in tags}).values()
        ]
        if links:
            db.session.execute(insert(NoteTag.__table__), links)
            counts = Counter(link["tag_id"] for link in links)
            db.session.execute(
                update(Tag.__table__)
                .where(Tag.__table__.c.id == bindparam("tag"))
                .values(note_count=Tag.__table__.c.note_count + bindparam("added")),
                [{"tag": tag_id, "added": added} for tag_id, added in counts.items()],
            )
        add_to_note_count(owner.id, size)
        db.session.commit()
        left -= size
        progress(size)
    refresh_statistics()


def _insert_notes(rows: list[dict]) -> list[int]:
    """Inserts the rows, into the table, not through the ORM (which would number every
    version 1); returns the ids they got, in order."""
    table = Note.__table__
    if db.engine.dialect.name != "sqlite":
        returning = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        return list(db.session.scalars(returning, rows))
    # SQLite cannot say in which order RETURNING hands back ids, and asking for the
    # order costs a statement a row. But this transaction now holds its one write lock,
    # and AUTOINCREMENT numbers one statement's rows one after another.
    db.session.execute(insert(table), rows)
    last = db.session.scalar(text("SELECT seq FROM sqlite_sequence WHERE name = 'notes'"))
    return list(range(last - len(rows) + 1, last + 1))


def _owners_tags(owner: User) -> tuple[dict[str, int], dict[str, str]]:
    """The seed's tags as the owner's: key -> id and key -> name (as first written,
    which may be the owner's own spelling)."""
    keys = with_parents({tag_key(tag): tag for tag in TAGS})
    db.session.execute(
        tag_insert()
        .values(
            [{"owner_id": owner.id, "key": key, "name": tag} for key, tag in sorted(keys.items())]
        )
        .on_conflict_do_nothing()
    )
    found = db.session.execute(
        select(Tag.key, Tag.id, Tag.name).where(Tag.owner_id == owner.id, Tag.key.in_(keys))
    ).all()
    return {key: id_ for key, id_, _ in found}, {key: name for key, _, name in found}


def refresh_statistics() -> None:
    """The planner's picture of the table is from before the load: on PostgreSQL a
    list read at an offset then sorts every note on disk instead of walking the index
    (0.5 s instead of 12 ms at 100,000 notes). Autovacuum would catch up, later. On
    PostgreSQL VACUUM also marks the new rows visible to all, so an offset's skip reads
    the index alone (19 ms to 2.4 ms at offset 10,000); on SQLite it would rewrite the
    whole file, and the index alone serves the skip already."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE notes, note_tags, notes_fts_words"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()
