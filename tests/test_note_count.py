"""The total of a list is each account's kept count, never a count of rows per request:
it must stay exact through every create and delete, refused and failed writes,
writers at once, seeding and account deletion."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from notesweb.auth import service as auth_service
from notesweb.exceptions import NoteNotFound, ValidationError
from notesweb.extensions import db
from notesweb.models import Note, User
from notesweb.notes import service, trash

from .html import Browser, soup
from .writers import at_once


def counts(app) -> dict[str, tuple[int, int]]:
    """Each account's kept count beside the number of its notes in the table."""
    with app.app_context():
        rows = db.session.execute(
            select(User.username, User.note_count, func.count(Note.id))
            .outerjoin(Note, Note.owner_id == User.id)
            .group_by(User.id, User.username, User.note_count)
        )
        return {username: (kept, actual) for username, kept, actual in rows}


def test_creates_and_deletes_by_api_and_form_keep_the_total_exact(
    app, client, api_client, make_notes
):
    ids = [api_client.post("/api/notes", json={"title": f"API {i}"}).json["id"] for i in range(4)]
    browser = Browser(client)
    browser.submit(browser.get("/notes/new"), "#note-form", title="By form")
    ids += make_notes(2)
    assert counts(app) == {"alice": (7, 7)}

    assert api_client.delete(f"/api/notes/{ids[0]}").status_code == 204
    browser.submit(browser.get(f"/notes/{ids[1]}"), "#delete-form")
    listing = browser.get("/notes/")
    token = json.loads(listing.html.select_one("body")["data-hx-headers"])["X-CSRFToken"]
    in_place = client.post(
        f"/notes/{ids[2]}/delete",
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )
    assert in_place.status_code == 200
    assert soup(in_place).select_one("#notes-total").get_text(strip=True) == "4 notes"

    assert counts(app) == {"alice": (4, 4)}
    assert api_client.get("/api/notes?limit=1").json["total"] == 4
    assert api_client.get("/api/notes?offset=3&limit=1").json["total"] == 4
    listed = browser.get("/notes/")
    assert listed.html.select_one("#notes-total").get_text(strip=True) == "4 notes"


def test_refused_writes_leave_the_total_alone(app, api_client, make_notes):
    (note_id,) = make_notes(1)
    assert api_client.post("/api/notes", json={"title": ""}).status_code == 422
    assert api_client.post("/api/notes", json={"title": "x" * 201}).status_code == 422
    assert api_client.delete("/api/notes/999999").status_code == 404
    assert api_client.patch(f"/api/notes/{note_id}", json={"body": "edited"}).status_code == 200
    assert api_client.delete(f"/api/notes/{note_id}").status_code == 204
    assert api_client.delete(f"/api/notes/{note_id}").status_code == 404
    assert counts(app) == {"alice": (0, 0)}


def test_a_delete_that_loses_a_race_is_not_counted_twice(app, user, api_client, make_notes):
    doomed, _kept = make_notes(2)
    with app.app_context():
        stale = service.get_note(db.session.get(User, user.id), doomed)
        assert api_client.delete(f"/api/notes/{doomed}").status_code == 204
        with pytest.raises(NoteNotFound):
            trash.trash_note(stale)
    assert counts(app) == {"alice": (1, 1)}


@pytest.fixture
def failing_commit(monkeypatch):
    """The database refuses the commit, as when it goes away mid-write."""

    def refuse():
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    def install():
        monkeypatch.setattr(db.session, "commit", refuse)

    return install


def test_a_create_or_delete_that_fails_to_commit_changes_neither_notes_nor_total(
    app, user, make_notes, failing_commit
):
    (note_id,) = make_notes(1)
    with app.app_context():
        owner = db.session.get(User, user.id)
        note = service.get_note(owner, note_id)
        failing_commit()
        for write in (
            lambda: service.create_note(owner, "Lost"),
            lambda: trash.trash_note(note),
        ):
            with pytest.raises(OperationalError):
                write()
            db.session.rollback()
    assert counts(app) == {"alice": (1, 1)}


def test_writers_at_once_keep_the_total_exact(app, user, database_url):
    """Four processes' worth of writers, each with its own app and connection."""
    writers, each = 4, 12

    def write() -> None:
        owner = db.session.get(User, user.id)
        notes = [service.create_note(owner, f"Note {i}") for i in range(each)]
        for note in notes[::2]:
            trash.trash_note(note)

    at_once(database_url, writers, write)
    assert counts(app) == {"alice": (writers * each // 2,) * 2}


def test_seeding_adds_to_the_total(app, runner, make_notes):
    make_notes(3)
    assert runner.invoke(args=["notes", "seed", "alice", "250", "--batch", "100"]).exit_code == 0
    assert counts(app) == {"alice": (253, 253)}


def test_account_deletion_leaves_other_totals_exact(app, user, make_notes, runner):
    with app.app_context():
        bob = auth_service.create_user("bob", "bob's long passphrase")
        db.session.refresh(bob)
        db.session.expunge(bob)
    make_notes(3)
    make_notes(5, owner=bob)
    assert runner.invoke(args=["user", "delete", "alice", "--yes"]).exit_code == 0
    with app.app_context():
        auth_service.create_user("alice", "a new long passphrase")
    assert counts(app) == {"alice": (0, 0), "bob": (5, 5)}


def test_the_count_is_not_written_from_a_stale_object(app, user, make_notes):
    """A write counts in the database, not from the count an object loaded earlier."""
    with app.app_context():
        owner = db.session.get(User, user.id)
        assert owner.note_count == 0
        db.session.commit()  # lets go of the connection; the object keeps its 0
        make_notes(2)  # another session adds two
        service.create_note(owner, "Third")
    assert counts(app) == {"alice": (3, 3)}


def test_an_invalid_create_in_the_service_counts_nothing(app, user):
    with app.app_context(), pytest.raises(ValidationError):
        service.create_note(db.session.get(User, user.id), " ")
    assert counts(app) == {"alice": (0, 0)}
