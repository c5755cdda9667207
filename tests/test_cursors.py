"""Cursors that carry the app's own signature but not a sensible payload: each is
refused as an invalid cursor, never a server error."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from itsdangerous import URLSafeSerializer

from notesweb.limits import ID_MAX, TITLE_MAX

PROBLEM = "application/problem+json"
WHEN = "2024-05-01T12:00:00+00:00"

MALFORMED = [
    pytest.param(["sideways", False, WHEN, 1], id="unknown-direction"),
    pytest.param(["NEXT", False, WHEN, 1], id="direction-in-capitals"),
    pytest.param(["older", False, WHEN, 1], id="a-direction-of-old"),
    pytest.param(["next", WHEN, 1], id="too-few-values"),
    pytest.param(["next", False, WHEN, 1, 2], id="too-many-values"),
    pytest.param(["next"], id="direction-only"),
    pytest.param([], id="empty-list"),
    pytest.param(["next", 0, WHEN, 1], id="pinned-as-a-number"),
    pytest.param(["next", "false", WHEN, 1], id="pinned-as-a-string"),
    pytest.param(["next", None, WHEN, 1], id="null-pinned"),
    pytest.param(["next", False, "2024-05-01T12:00:00", 1], id="naive-datetime"),
    pytest.param(["next", False, "yesterday", 1], id="not-a-datetime"),
    pytest.param(["next", False, 1714564800, 1], id="datetime-as-a-number"),
    pytest.param(["next", False, None, 1], id="null-datetime"),
    pytest.param(["next", False, [WHEN], 1], id="datetime-in-a-list"),
    pytest.param(["next", False, WHEN, True], id="boolean-id"),
    pytest.param(["next", False, WHEN, "1"], id="id-as-a-string"),
    pytest.param(["next", False, WHEN, 1.0], id="id-as-a-float"),
    pytest.param(["next", False, WHEN, None], id="null-id"),
    pytest.param(["next", False, WHEN, 2**63], id="id-too-large-for-the-database"),
    pytest.param(["next", False, WHEN, 0], id="id-zero"),
    pytest.param(["next", False, WHEN, -1], id="id-negative"),
    pytest.param(["next", False, "0001-01-01T00:00:00+14:00", 1], id="time-before-year-one-in-utc"),
    pytest.param({"direction": "next", "updated_at": WHEN, "id": 1}, id="an-object"),
    pytest.param({"next": 1, False: 1, WHEN: 1, "1": 1}, id="an-object-of-the-right-length"),
    pytest.param("next", id="a-string"),
    pytest.param(42, id="a-number"),
    pytest.param(None, id="null"),
]


@pytest.fixture
def sign(app):
    """Signs a payload exactly as pagination.Keyset does for the notes list."""
    serializer = URLSafeSerializer(app.secret_key, salt="cursor:notes:updated")
    return serializer.dumps


def test_a_cursor_built_here_like_the_apps_own_is_accepted(app, api_client, make_notes, sign):
    """The control: the cursors below are refused for their payload, not their signature."""
    from notesweb.extensions import db
    from notesweb.models import Note

    ids = make_notes(5)
    with app.app_context():
        third = db.session.get(Note, ids[2])
        payload = ["next", False, third.updated_at.isoformat(), third.id]
    response = api_client.get("/api/notes", query_string={"cursor": sign(payload)})
    assert response.status_code == 200
    assert [n["id"] for n in response.get_json()["items"]] == [ids[1], ids[0]]
    newer = api_client.get(
        "/api/notes", query_string={"cursor": sign(["previous", False, WHEN, ID_MAX])}
    )
    assert newer.status_code == 200
    assert len(newer.get_json()["items"]) == 5  # every note is newer than May 2024
    oldest = api_client.get("/api/notes", query_string={"cursor": sign(["next", False, WHEN, 1])})
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
        payload = ["next", False, in_india.isoformat(), third.id]
    assert "+05:30" in payload[2]
    response = api_client.get("/api/notes", query_string={"cursor": sign(payload)})
    assert response.status_code == 200
    assert [n["id"] for n in response.get_json()["items"]] == [ids[1], ids[0]]


TITLE_MALFORMED = [
    pytest.param(["next", False, 1, 1], id="title-as-a-number"),
    pytest.param(["next", False, "x" * (TITLE_MAX + 1), 1], id="title-longer-than-any"),
    pytest.param(["next", False, None, 1], id="null-title"),
]


@pytest.fixture
def sign_title(app):
    return URLSafeSerializer(app.secret_key, salt="cursor:notes:title").dumps


@pytest.mark.parametrize("payload", TITLE_MALFORMED)
def test_a_malformed_title_cursor_is_refused(api_client, make_notes, sign_title, payload):
    make_notes(3)
    response = api_client.get(
        "/api/notes", query_string={"cursor": sign_title(payload), "sort": "title"}
    )
    assert response.status_code == 422
    assert response.get_json(force=True)["errors"][0]["field"] == "cursor"


def test_a_title_cursor_built_like_the_apps_own_is_accepted(api_client, make_notes, sign_title):
    make_notes(3)
    query = {"cursor": sign_title(["next", False, "a", ID_MAX]), "sort": "title"}
    response = api_client.get("/api/notes", query_string=query)
    assert response.status_code == 200
    assert len(response.get_json()["items"]) == 3  # every "Note n" sorts after "a"


def test_a_cursor_of_one_order_is_refused_by_another(api_client, make_notes, sign):
    make_notes(3)
    cursor = sign(["next", False, WHEN, 1])
    response = api_client.get("/api/notes", query_string={"cursor": cursor, "sort": "created"})
    assert response.status_code == 422
    assert response.get_json(force=True)["errors"][0]["field"] == "cursor"
