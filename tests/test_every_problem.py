"""A request with several faults hears of all of them at once, and the OpenAPI
document's patterns accept exactly what the service accepts."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from notesweb.auth.service import clean_token_name
from notesweb.limits import BODY_MAX, TITLE_MAX, TOKEN_NAME_MAX
from notesweb.notes.service import clean_body, clean_title

PROBLEM = "application/problem+json"


def problem_fields(response) -> set[str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    return {error["field"] for error in response.json["errors"]}


@pytest.mark.parametrize(
    ("method", "url", "body", "fields"),
    [
        ("POST", "/api/notes", {"title": "", "body": 3}, {"title", "body"}),
        ("POST", "/api/notes", {"title": "a\nb", "colour": "red"}, {"title", "colour"}),
        ("POST", "/api/notes", {"body": "x" * (BODY_MAX + 1)}, {"title", "body"}),
        ("POST", "/api/notes", {"title": 7, "body": "\x0b"}, {"title", "body"}),
        ("PATCH", "/api/notes/{id}", {"title": "  ", "body": "\x00", "tags": []}, None),
    ],
)
def test_one_422_names_every_bad_field(api_client, make_notes, method, url, body, fields):
    (note_id,) = make_notes(1)
    response = api_client.open(url.format(id=note_id), method=method, json=body)
    assert problem_fields(response) == (fields or {"title", "body", "tags"})


def test_a_bad_cursor_is_reported_with_the_other_query_problems(api_client):
    response = api_client.get("/api/notes?cursor=forged&limt=3&limit=0")
    assert problem_fields(response) == {"cursor", "limt", "limit"}


def test_paging_two_ways_is_reported_with_the_other_query_problems(api_client, make_notes):
    make_notes(3)
    cursor = api_client.get("/api/notes?limit=1").json["next_cursor"]
    response = api_client.get(f"/api/notes?cursor={cursor}&offset=1&limit=0")
    assert problem_fields(response) == {"cursor", "limit"}


def test_a_token_request_hears_of_every_problem(app, anon_client, user):
    import base64

    from .conftest import PASSWORD

    basic = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    response = anon_client.post(
        "/api/tokens", json={"name": "a\nb", "x": 1}, headers={"Authorization": f"Basic {basic}"}
    )
    assert problem_fields(response) == {"name", "x"}


def test_a_form_shows_every_problem_beside_its_field(browser_client):
    page = browser_client.get("/notes/new")
    answer = browser_client.submit(page, "#note-form", title="  ", body="x" * (BODY_MAX + 1))
    assert answer.status == 422
    form = answer.html.select_one("#note-form")
    for name, words in (("title", "required"), ("body", f"{BODY_MAX:,}")):
        field = form.select_one(f"#{name}")
        assert field["aria-invalid"] == "true"
        message = form.select_one(f"#{field['aria-describedby']}")
        assert words in message.get_text()


# ---- the documented patterns against the service's rules ----------------------------

# Characters on every side of the rules: the trimmed ones, the refused controls (C0,
# C1, DEL), spaces that are not trimmed, and ordinary text. Lone surrogates are no
# Unicode characters and no document can name them (see api/schemas.py); that the
# API refuses them is tested in test_api.py.
EDGES = " \t\n\r\x00\x08\x0b\x0c\x0e\x1f\x7f\x80\x85\x9f\xa0\u2028\u3000"
ORDINARY = "aZ9é字-\U0001f600"
characters = st.sampled_from(EDGES + ORDINARY)


@pytest.fixture(scope="module")
def documented(request) -> dict:
    from .conftest import make_app

    app = make_app("sqlite://")
    schemas = app.test_client().get("/api/openapi.json").json["components"]["schemas"]
    return schemas["NoteCreate"]["properties"] | schemas["TokenCreate"]["properties"]


def accepted_by(field_doc: dict, text: str) -> bool:
    """As a JSON Schema validator reads the field: ECMA-262 patterns, where `$` is the
    end of the text only (Python's `$` would also match before a final newline)."""
    pattern = field_doc["pattern"].replace("$", r"\Z")
    too_long = "maxLength" in field_doc and len(text) > field_doc["maxLength"]
    return not too_long and re.search(pattern, text) is not None


def padded(middle: str, edges: str, length: int) -> str:
    return edges + middle * length + edges


titles = st.one_of(
    st.text(characters, max_size=12),
    st.builds(
        padded,
        st.sampled_from(["a", "字", "\xa0", "\U0001f600"]),
        st.text(st.sampled_from(" \t\n\r\xa0"), max_size=3),
        st.integers(TITLE_MAX - 3, TITLE_MAX + 2),
    ),
)


@settings(max_examples=400, deadline=None)
@given(title=titles)
@example(title="x" * TITLE_MAX)
@example(title="x" * (TITLE_MAX + 1))
@example(title=" \x85 ")
def test_the_title_pattern_accepts_exactly_what_the_service_accepts(documented, title):
    _value, problem = clean_title(title)
    assert accepted_by(documented["title"], title) == (problem is None), repr(title)


bodies = st.one_of(
    st.text(characters, max_size=40),
    st.builds(
        padded,
        st.sampled_from(["a", "\n", "\xa0"]),
        st.sampled_from(["", "\x0b", "\t"]),
        st.integers(BODY_MAX - 3, BODY_MAX + 1),
    ),
)


@settings(max_examples=200, deadline=None)
@given(body=bodies)
@example(body="x" * BODY_MAX)
@example(body="x" * (BODY_MAX + 1))
@example(body="line\n\x0c")
def test_the_body_pattern_accepts_exactly_what_the_service_accepts(documented, body):
    _value, problem = clean_body(body)
    assert accepted_by(documented["body"], body) == (problem is None), repr(body[:40])


token_names = st.one_of(
    st.text(characters, max_size=12),
    st.builds(
        padded,
        st.sampled_from(["a", "字", "\xa0"]),
        st.text(st.sampled_from(" \t\n\r\xa0"), max_size=3),
        st.integers(TOKEN_NAME_MAX - 3, TOKEN_NAME_MAX + 1),
    ),
)


@settings(max_examples=300, deadline=None)
@given(name=token_names)
@example(name="laptop\n")
@example(name="")
def test_the_token_name_pattern_accepts_exactly_what_the_service_accepts(documented, name):
    _value, problem = clean_token_name(name)
    assert accepted_by(documented["name"], name) == (problem is None), repr(name)


def test_the_documented_limits_are_what_a_client_reads(documented):
    """A client generated from the document sees the same limits in the description."""
    assert str(TITLE_MAX) in documented["title"]["description"]
    assert documented["body"]["maxLength"] == BODY_MAX
