"""flask notes seed: many realistic notes at once, that the app treats like any other."""

from __future__ import annotations

from sqlalchemy import func, select

from notesweb.extensions import db
from notesweb.limits import BODY_MAX, TITLE_MAX
from notesweb.models import Note
from notesweb.notes import markdown, service, trash
from notesweb.notes.orders import sort_title

from .html import soup
from .test_tags import rows_in_step


def seeded(app) -> list[Note]:
    """Every note, read afresh and detached, ready to read outside the app context."""
    with app.app_context():
        db.session.expire_all()
        notes = list(db.session.scalars(select(Note).order_by(Note.id)))
        db.session.expunge_all()
        return notes


def test_seed_adds_exactly_count_notes_that_keep_every_rule(app, runner, make_notes, user):
    make_notes(3)
    result = runner.invoke(args=["notes", "seed", "alice", "2500", "--batch", "1000"])
    assert result.exit_code == 0, result.output
    assert "added 2,500 notes to alice" in result.output
    notes = seeded(app)
    assert len(notes) == 2503
    added = notes[3:]
    assert all(note.owner_id == user.id for note in added)
    # What the service would accept, unchanged by its rules.
    for note in added:
        assert service.clean(note.title, note.body) == {"title": note.title, "body": note.body}
        assert note.excerpt == markdown.excerpt(note.body)
        assert note.sort_title == sort_title(note.title)
        assert 1 <= len(note.title) <= TITLE_MAX and len(note.body) <= BODY_MAX
        assert note.created_at <= note.updated_at
        assert (note.version == 1) == (note.created_at == note.updated_at)
    sizes = sorted(len(note.body.encode()) for note in added)
    assert 200 <= sizes[0] and sizes[-1] <= 4_000
    # About 3 in 10 carry tags, kept as every write keeps them.
    tagged = sum(bool(note.tags) for note in added)
    assert 0.25 < tagged / len(added) < 0.35
    rows_in_step(app)
    assert sizes[len(sizes) // 2] < 1_500 < sizes[-1]  # mostly short, some long
    assert len({note.title for note in added}) > 2_000
    days = {note.updated_at.date() for note in added}
    assert len(days) > 300


def test_seeded_notes_are_listed_paged_and_counted_like_any_other(app, runner, client, user):
    assert runner.invoke(args=["notes", "seed", "alice", "45"]).exit_code == 0
    newest = max(seeded(app), key=lambda note: (note.updated_at, note.id))
    page = soup(client.get("/notes/"))
    assert page.select_one("#notes article")["data-note-id"] == str(newest.id)
    assert "45 notes" in page.get_text()
    api = client.get(f"/notes/{newest.id}")
    assert api.status_code == 200


def test_ids_are_never_reused_after_a_seed(app, runner, make_notes):
    (first,) = make_notes(1)
    with app.app_context():
        trash.trash_note(db.session.get(Note, first))
    assert runner.invoke(args=["notes", "seed", "alice", "10"]).exit_code == 0
    assert min(note.id for note in seeded(app)) > first


def test_the_same_seed_makes_the_same_notes(app, runner, user):
    for _ in range(2):
        assert runner.invoke(args=["notes", "seed", "alice", "20", "--seed", "7"]).exit_code == 0
    notes = seeded(app)
    assert [(n.title, n.body) for n in notes[:20]] == [(n.title, n.body) for n in notes[20:]]


def test_seed_refuses_an_unknown_user_and_a_count_below_one(app, runner, user):
    unknown = runner.invoke(args=["notes", "seed", "nobody", "10"])
    assert unknown.exit_code != 0 and "there is no user 'nobody'" in unknown.output
    zero = runner.invoke(args=["notes", "seed", "alice", "0"])
    assert zero.exit_code != 0 and "0 is not in the range" in zero.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Note.id))) == 0


def test_the_planner_knows_the_seeded_notes(app, runner, user):
    """Statistics are gathered once the notes are in: with the planner's picture from
    before the load, PostgreSQL sorted every note on disk for an offset page."""
    from sqlalchemy import text

    assert runner.invoke(args=["notes", "seed", "alice", "300"]).exit_code == 0
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            analysed = db.session.execute(
                text(
                    "SELECT last_analyze FROM pg_stat_user_tables "
                    "WHERE relname = 'notes' AND schemaname = current_schema()"
                )
            ).scalar()
            assert analysed is not None
        else:
            rows = db.session.execute(
                text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'notes'")
            ).all()
            assert rows and all(row.stat.split()[0] == "300" for row in rows)
