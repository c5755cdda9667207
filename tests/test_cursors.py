"""Cursors that carry the app's own signature but not a sensible payload: each is
refused as an invalid cursor, never a server error."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from itsdangerous import URLSafeSerializer

from notesweb.limits import ID_MAX

PROBLEM = "application/problem+json"
WHEN = "2024-05-01T12:00:00+00:00"

MALFORMED = [
    pytest.param(["sideways", WHEN, 1], id="unknown-direction"),
    pytest.param(["OLDER", WHEN, 1], id="direction-in-capitals"),
    pytest.param(["older", WHEN], id="too-few-values"),
    pytest.param(["older", WHEN, 1, 2], id="too-many-values"),
    pytest.param(["older"], id="direction-only"),
    pytest.param([], id="empty-list"),
    pytest.param(["older", "2024-05-01T12:00:00", 1], id="naive-datetime"),
    pytest.param(["older", "yesterday", 1], id="not-a-datetime"),
    pytest.param(["older", 1714564800, 1], id="datetime-as-a-number"),
    pytest.param(["older", None, 1], id="null-datetime"),
    pytest.param(["older", [WHEN], 1], id="datetime-in-a-list"),
    pytest.param(["older", WHEN, True], id="boolean-id"),
    pytest.param(["older", WHEN, "1"], id="id-as-a-string"),
    pytest.param(["older", WHEN, 1.0], id="id-as-a-float"),
    pytest.param(["older", WHEN, None], id="null-id"),
    pytest.param(["older", WHEN, 2**63], id="id-too-large-for-the-database"),
    pytest.param(["older", WHEN, 0], id="id-zero"),
    pytest.param(["older", WHEN, -1], id="id-negative"),
    pytest.param(["older", "0001-01-01T00:00:00+14:00", 1], id="time-before-year-one-in-utc"),
    pytest.param({"direction": "older", "updated_at": WHEN, "id": 1}, id="an-object"),
    pytest.param({"older": 1, WHEN: 1, "1": 1}, id="an-object-of-the-right-length"),
    pytest.param("older", id="a-string"),
    pytest.param(42, id="a-number"),
    pytest.param(None, id="null"),
]


@pytest.fixture
def sign(app):
    """Signs a payload exactly as pagination.Keyset does for the notes list."""
    serializer = URLSafeSerializer(app.secret_key, salt="cursor:notes")
    return serializer.dumps


def test_a_cursor_built_here_like_the_apps_own_is_accepted(app, api_client, make_notes, sign):
    """The control: the cursors below are refused for their payload, not their signature."""
    from notesweb.extensions import db
    from notesweb.models import Note

    ids = make_notes(5)
    with app.app_context():
        third = db.session.get(Note, ids[2])
        payload = ["older", third.updated_at.isoformat(), third.id]
    response = api_client.get("/api/notes", query_string={"cursor": sign(payload)})
    assert response.status_code == 200
    assert [n["id"] for n in response.get_json()["items"]] == [ids[1], ids[0]]
    newer = api_client.get("/api/notes", query_string={"cursor": sign(["newer", WHEN, ID_MAX])})
    assert newer.status_code == 200
    assert len(newer.get_json()["items"]) == 5  # every note is newer than May 2024
    oldest = api_client.get("/api/notes", query_string={"cursor": sign(["older", WHEN, 1])})
    assert oldest.status_code == 200  # the smallest id there is


@pytest.mark.parametrize("payload", MALFORMED)
def test_the_api_refuses_a_malformed_cursor(api_client, make_notes, sign, payload):
    make_notes(3)
    response = api_client.get("/api/notes", query_string={"cursor": sign(payload)})
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    errors = response.get_json(force=True)["errors"]
    assert errors == [{"field": "cursor", "message": "Not a valid cursor for this list."}]


@pytest.mark.parametrize("payload", MALFORMED)
def test_the_list_page_falls_back_to_the_newest_notes(browser_client, make_notes, sign, payload):
    ids = make_notes(3)
    response = browser_client.client.get("/notes/", query_string={"cursor": sign(payload)})
    assert response.status_code == 303
    assert response.headers["Location"] == "/notes/"
    page = browser_client.get("/notes/")
    assert "no longer valid" in page.flash_messages()[0]
    shown = [int(a["data-note-id"]) for a in page.html.select("#note-list article")]
    assert shown == ids[::-1]


@pytest.mark.parametrize("payload", MALFORMED)
def test_a_list_swap_says_the_cursor_is_invalid(client, make_notes, sign, payload):
    make_notes(2)
    response = client.get(
        "/notes/", query_string={"cursor": sign(payload)}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "no longer valid" in response.get_data(as_text=True)


def test_a_time_with_another_offset_names_the_same_instant(app, api_client, make_notes, sign):
    from notesweb.extensions import db
    from notesweb.models import Note

    ids = make_notes(5)
    with app.app_context():
        third = db.session.get(Note, ids[2])
        in_india = third.updated_at.astimezone(timezone(timedelta(hours=5, minutes=30)))
        payload = ["older", in_india.isoformat(), third.id]
    assert "+05:30" in payload[1]
    response = api_client.get("/api/notes", query_string={"cursor": sign(payload)})
    assert response.status_code == 200
    assert [n["id"] for n in response.get_json()["items"]] == [ids[1], ids[0]]
