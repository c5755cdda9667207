"""Versions: what If-Match refuses, what a save that changes nothing keeps, and a
delete that loses a race. Tokens: when their last use is written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from notesweb.exceptions import NoteNotFound
from notesweb.extensions import db
from notesweb.models import User


def stored(app, note_id: int):
    """(version, updated_at) of a note as the database holds it."""
    from notesweb.models import Note

    with app.app_context():
        note = db.session.get(Note, note_id)
        return note.version, note.updated_at


def api_order(api_client) -> list[int]:
    return [n["id"] for n in api_client.get("/api/notes").get_json()["items"]]


# If-Match


@pytest.mark.parametrize("etag", ['"2"', '"99"'])
def test_an_if_match_naming_a_future_version_is_refused(app, api_client, make_notes, etag):
    (note_id,) = make_notes(1)
    response = api_client.patch(
        f"/api/notes/{note_id}", json={"body": "from the future"}, headers={"If-Match": etag}
    )
    assert response.status_code == 412
    assert response.mimetype == "application/problem+json"
    assert response.headers["ETag"] == '"1"'
    note = api_client.get(f"/api/notes/{note_id}").get_json()
    assert (note["body"], note["version"]) == ("Body 0", 1)


# Saving what is already there


@pytest.mark.parametrize(
    "changes",
    [
        {"title": "Note 0"},
        {"body": "Body 0"},
        {"title": "Note 0", "body": "Body 0"},
        {"title": " Note 0\r\n"},
    ],
    ids=["title", "body", "both", "title-once-trimmed"],
)
def test_an_api_change_to_the_same_values_keeps_version_and_place(
    app, api_client, make_notes, changes
):
    ids = make_notes(3)
    before = stored(app, ids[0])
    response = api_client.patch(f"/api/notes/{ids[0]}", json=changes)
    assert response.status_code == 200
    assert response.headers["ETag"] == '"1"'
    assert response.get_json()["version"] == 1
    assert stored(app, ids[0]) == before
    assert api_order(api_client) == ids[::-1]


def test_an_api_change_to_one_of_two_fields_is_saved(app, api_client, make_notes):
    ids = make_notes(3)
    response = api_client.patch(f"/api/notes/{ids[0]}", json={"title": "Note 0", "body": "new"})
    assert response.get_json()["version"] == 2
    assert response.get_json()["body"] == "new"
    assert api_order(api_client) == [ids[0], ids[2], ids[1]]


@pytest.mark.parametrize(
    ("body", "sent"),
    [("Body 0", "Body 0"), ("two\nlines", "two\r\nlines")],
    ids=["one-line", "browser-line-breaks"],
)
def test_the_edit_form_sent_back_unchanged_keeps_version_and_place(
    app, user, browser_client, make_notes, body, sent
):
    from notesweb.notes import service

    with app.app_context():
        target = service.create_note(db.session.get(User, user.id), "Unchanged", body).id
    ids = [target, *make_notes(2)]
    before = stored(app, target)

    edit = browser_client.get(f"/notes/{target}/edit")
    saved = browser_client.submit(edit, "#note-form", body=sent)
    assert saved.flash_messages() == ["Note saved."]
    assert "version 1" in saved.html.select_one("article .meta").get_text()
    assert stored(app, target) == before
    listing = browser_client.get("/notes/").html.select("#note-list article")
    assert [int(a["data-note-id"]) for a in listing] == ids[::-1]


# A delete that loses a race


def test_a_delete_that_races_another_delete_is_not_found(app, user, make_notes, other_writer):
    from notesweb.models import Note
    from notesweb.notes import service, trash

    doomed, kept = make_notes(2)
    with app.app_context():
        note = service.get_note(db.session.get(User, user.id), doomed)
        with other_writer.begin() as connection:
            connection.execute(text("DELETE FROM notes WHERE id = :id"), {"id": doomed})
        with pytest.raises(NoteNotFound) as lost:
            trash.trash_note(note)
        assert lost.value.note_id == doomed
    with app.app_context():
        assert list(db.session.scalars(select(Note.id))) == [kept]


# When a token's last use is written


@pytest.fixture
def clock(monkeypatch):
    """The time as the auth service reads it; set `clock.now` to move it."""
    from notesweb.auth import service

    class Clock:
        now = datetime.now(UTC).replace(microsecond=0)

    monkeypatch.setattr(service, "utcnow", lambda: Clock.now)
    return Clock


def last_used(app):
    from notesweb.models import ApiToken

    with app.app_context():
        return db.session.scalar(select(ApiToken.last_used_at))


def use(api_client) -> None:
    assert api_client.get("/api/notes").status_code == 200


def test_the_first_use_is_written(app, api_client, clock):
    assert last_used(app) is None
    use(api_client)
    assert last_used(app) == clock.now


@pytest.mark.parametrize(
    "later", [timedelta(seconds=1), timedelta(seconds=30), timedelta(minutes=1, microseconds=-1)]
)
def test_a_use_within_the_resolution_is_not_written(app, api_client, clock, later):
    from notesweb.auth.service import LAST_USED_RESOLUTION

    assert later < LAST_USED_RESOLUTION
    use(api_client)
    first = clock.now
    clock.now = first + later
    use(api_client)
    assert last_used(app) == first


@pytest.mark.parametrize("later", [timedelta(minutes=1), timedelta(minutes=5), timedelta(days=1)])
def test_a_use_once_the_resolution_has_passed_is_written(app, api_client, clock, later):
    from notesweb.auth.service import LAST_USED_RESOLUTION

    assert later >= LAST_USED_RESOLUTION
    use(api_client)
    clock.now += later
    use(api_client)
    assert last_used(app) == clock.now
    # And from the new time on, the next minute is quiet again.
    written = clock.now
    clock.now += timedelta(seconds=59)
    use(api_client)
    assert last_used(app) == written


def test_a_token_stops_working_at_the_instant_it_expires(app, api_client, clock):
    from notesweb.models import ApiToken

    with app.app_context():
        expires_at = db.session.scalar(select(ApiToken.expires_at))
    clock.now = expires_at - timedelta(microseconds=1)
    use(api_client)
    clock.now = expires_at
    assert api_client.get("/api/notes").status_code == 401
