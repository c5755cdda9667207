"""The JSON API: its contract, every status it promises, and paging through all notes."""

from __future__ import annotations

from datetime import datetime

import pytest

from notesweb.limits import API_OFFSET_MAX, BODY_MAX, TITLE_MAX
from notesweb.models import User

PROBLEM = "application/problem+json"


@pytest.fixture
def client(api_client):
    """In this module every request is a program's, made with a bearer token."""
    return api_client


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status
    assert {"type", "title", "detail"} <= body.keys()
    return body


def field_errors(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in assert_problem(response, 422)["errors"]}


def test_create_returns_the_note_and_its_location(client):
    response = client.post("/api/notes", json={"title": "  First  ", "body": "a\r\nb"})
    assert response.status_code == 201
    note = response.get_json()
    assert response.headers["Location"] == "/api/notes/1"
    assert response.headers["ETag"] == '"1"'
    assert note["id"] == 1
    assert note["title"] == "First"
    assert note["body"] == "a\r\nb"
    assert note["version"] == 1
    created = datetime.fromisoformat(note["created_at"])
    assert created.utcoffset().total_seconds() == 0
    assert note["updated_at"] == note["created_at"]
    assert client.get(response.headers["Location"]).get_json() == note


def test_body_may_be_left_out(client):
    response = client.post("/api/notes", json={"title": "Only a title"})
    assert response.status_code == 201
    assert response.get_json()["body"] == ""


def test_patch_changes_only_what_is_given(client):
    note = client.post("/api/notes", json={"title": "T", "body": "B"}).get_json()
    response = client.patch(f"/api/notes/{note['id']}", json={"body": "B2"})
    assert response.status_code == 200
    changed = response.get_json()
    assert (changed["title"], changed["body"], changed["version"]) == ("T", "B2", 2)
    assert changed["updated_at"] > note["updated_at"]
    assert changed["created_at"] == note["created_at"]


def test_patch_with_a_stale_etag_is_refused(client):
    note = client.post("/api/notes", json={"title": "T"}).get_json()
    url = f"/api/notes/{note['id']}"
    assert client.patch(url, json={"body": "mine"}, headers={"If-Match": '"1"'}).status_code == 200
    stale = client.patch(url, json={"body": "theirs"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412)
    assert stale.headers["ETag"] == '"2"'
    assert client.get(url).get_json()["body"] == "mine"


def test_delete_then_get_is_404(client):
    note = client.post("/api/notes", json={"title": "T"}).get_json()
    url = f"/api/notes/{note['id']}"
    response = client.delete(url)
    assert response.status_code == 204
    assert response.data == b""
    assert_problem(client.get(url), 404)
    assert_problem(client.delete(url), 404)


@pytest.mark.parametrize(
    ("data", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ('"a string"', "application/json", 400),
        ("null", "application/json", 400),
        ('{"title": "x"}', "text/plain", 415),
        ("title=x", "application/x-www-form-urlencoded", 415),
        ("", None, 415),
    ],
)
@pytest.mark.parametrize("method", ["post", "patch"])
def test_bodies_that_are_not_a_json_object(client, make_notes, method, data, content_type, status):
    (note_id,) = make_notes(1)
    url = "/api/notes" if method == "post" else f"/api/notes/{note_id}"
    response = getattr(client, method)(url, data=data, content_type=content_type)
    assert_problem(response, status)
    assert client.get("/api/notes").get_json()["total"] == 1
    assert client.get(f"/api/notes/{note_id}").get_json()["version"] == 1


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({}, "title", "Missing data"),
        ({"title": None}, "title", "null"),
        ({"title": 7}, "title", "string"),
        ({"title": "   "}, "title", "required"),
        ({"title": "x" * (TITLE_MAX + 1)}, "title", "at most 200"),
        ({"title": "two\nlines"}, "title", "single line"),
        ({"title": "\x1fhidden"}, "title", "control characters"),
        ({"title": "c1 \x85 control"}, "title", "control characters"),
        ({"title": "ok", "body": "x" * (BODY_MAX + 1)}, "body", "at most 50,000"),
        ({"title": "ok", "body": "nul \x00 byte"}, "body", "control characters"),
        ({"title": "ok", "body": "lone \ud800 surrogate"}, "body", "control characters"),
        ({"title": "ok", "tags": ["typo"]}, "tags", "Unknown field"),
    ],
)
def test_invalid_fields_are_422_and_change_nothing(client, payload, field, message):
    response = client.post("/api/notes", json=payload)
    errors = field_errors(response)
    assert message in errors[field]
    assert client.get("/api/notes").get_json()["total"] == 0


def test_every_invalid_field_is_reported(client):
    errors = field_errors(client.post("/api/notes", json={"title": "", "body": "\x01"}))
    assert set(errors) == {"title", "body"}


def test_invalid_patch_changes_nothing(client, make_notes):
    (note_id,) = make_notes(1)
    errors = field_errors(client.patch(f"/api/notes/{note_id}", json={"title": "", "colour": 1}))
    assert set(errors) == {"colour", "title"}
    errors = field_errors(client.patch(f"/api/notes/{note_id}", json={"title": " "}))
    assert set(errors) == {"title"}
    assert client.get(f"/api/notes/{note_id}").get_json()["title"] == "Note 0"


@pytest.mark.parametrize(
    "raw", ['\ufeff{"title": "with a BOM"}'.encode(), '{"title": "UTF-16"}'.encode("utf-16")]
)
def test_json_in_any_encoding_flask_reads_is_accepted(client, raw):
    response = client.post("/api/notes", data=raw, content_type="application/json")
    assert response.status_code == 201


def test_deeply_nested_json_is_400(client):
    response = client.post("/api/notes", data="[" * 100_000, content_type="application/json")
    assert_problem(response, 400)


def test_a_write_that_races_a_delete_is_404(app, user, make_notes, other_writer):
    from notesweb.exceptions import NoteNotFound
    from notesweb.extensions import db
    from notesweb.notes import service

    (note_id,) = make_notes(1)
    with app.app_context():
        note = service.get_note(db.session.get(User, user.id), note_id)
        with other_writer.begin() as connection:
            connection.exec_driver_sql("DELETE FROM notes")
        with pytest.raises(NoteNotFound):
            service.update_note(note, body="too late")


def test_concurrent_writers_without_if_match_get_409(app, user, client, make_notes, other_writer):
    from notesweb.extensions import db
    from notesweb.notes import service

    (note_id,) = make_notes(1)
    with app.app_context():
        note = service.get_note(db.session.get(User, user.id), note_id)
        with other_writer.begin() as connection:
            connection.exec_driver_sql("UPDATE notes SET version = 2, body = 'theirs'")
        with pytest.raises(service.VersionConflict):
            service.update_note(note, body="mine")
    assert client.get(f"/api/notes/{note_id}").get_json()["body"] == "theirs"


def test_a_body_over_the_size_limit_is_413(client):
    response = client.post("/api/notes", json={"title": "big", "body": "x" * (2 * 1024 * 1024)})
    assert_problem(response, 413)


@pytest.mark.parametrize(
    "url",
    ["/api/notes/999", "/api/notes/0", "/api/notes/99999999999999999999", "/api/nope", "/api"],
)
def test_unknown_ids_and_paths_are_404_problems(client, url):
    assert_problem(client.get(url), 404)


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("put", "/api/notes"),
        ("delete", "/api/notes"),
        ("put", "/api/notes/1"),
        ("post", "/api/notes/1"),
    ],
)
def test_wrong_methods_are_405_problems(client, make_notes, method, url):
    make_notes(1)
    response = getattr(client, method)(url, json={"title": "x"})
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        (f"offset={API_OFFSET_MAX + 1}", "offset"),
        ("cursor=garbage", "cursor"),
        ("cursor=abc.def", "cursor"),
        ("limt=5", "limt"),
        # One value asked for twice: neither is taken silently.
        ("q=basil&q=pesto", "q"),
        ("limit=5&limit=50", "limit"),
        ("tag=work&tag=home", "tag"),
    ],
)
def test_invalid_query_values_are_422(client, query, field):
    assert field in field_errors(client.get(f"/api/notes?{query}"))


def test_cursor_and_offset_together_are_422(client, make_notes):
    make_notes(3)
    cursor = client.get("/api/notes?limit=1").get_json()["next_cursor"]
    assert "cursor" in field_errors(client.get(f"/api/notes?cursor={cursor}&offset=1"))


def test_a_cursor_signed_with_another_key_is_422(app, client, make_notes):
    make_notes(3)
    cursor = client.get("/api/notes?limit=1").get_json()["next_cursor"]
    app.secret_key = "another-installation"
    assert "cursor" in field_errors(client.get(f"/api/notes?cursor={cursor}"))


def test_list_defaults(client, make_notes):
    ids = make_notes(25)
    page = client.get("/api/notes").get_json()
    assert (page["total"], page["limit"], page["offset"]) == (25, 20, 0)
    assert [n["id"] for n in page["items"]] == ids[::-1][:20]
    assert page["next_cursor"]


def test_walk_by_offset_reaches_every_note_once(client, make_notes):
    ids = make_notes(53)
    seen, offset = [], 0
    while True:
        page = client.get(f"/api/notes?limit=10&offset={offset}").get_json()
        assert (page["total"], page["limit"], page["offset"]) == (53, 10, offset)
        if not page["items"]:
            break
        seen += [n["id"] for n in page["items"]]
        offset += 10
    assert seen == ids[::-1]


def test_walk_by_cursor_reaches_every_note_once(client, make_notes):
    ids = make_notes(53)
    page = client.get("/api/notes?limit=7").get_json()
    seen, pages = [n["id"] for n in page["items"]], 1
    while page["next_cursor"]:
        page = client.get(f"/api/notes?limit=7&cursor={page['next_cursor']}").get_json()
        assert page["offset"] is None
        assert page["total"] == 53
        seen += [n["id"] for n in page["items"]]
        pages += 1
    assert seen == ids[::-1]
    assert pages == 8


def test_cursor_walk_is_stable_while_notes_change(client, make_notes):
    ids = make_notes(30)
    page = client.get("/api/notes?limit=10").get_json()
    seen = [n["id"] for n in page["items"]]
    # A note already seen is edited (moves to the top) and a new one arrives.
    client.patch(f"/api/notes/{seen[-1]}", json={"body": "edited"})
    client.post("/api/notes", json={"title": "newcomer"})
    while page["next_cursor"]:
        page = client.get(f"/api/notes?limit=10&cursor={page['next_cursor']}").get_json()
        seen += [n["id"] for n in page["items"]]
    assert seen == ids[::-1]


def test_no_html_under_api_even_for_server_errors(client, monkeypatch):
    from notesweb.notes import service

    def broken(*_args, **_kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(service, "list_notes_by_offset", broken)
    response = client.get("/api/notes")
    body = assert_problem(response, 500)
    assert "secret detail" not in response.get_data(as_text=True)
    assert body["title"] == "Internal Server Error"
