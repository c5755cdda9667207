"""A request with several faults hears of all of them at once, and the OpenAPI
document's patterns accept exactly what the service accepts."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notesweb.auth.service import clean_token_name
from notesweb.limits import BODY_MAX, TITLE_MAX, TOKEN_NAME_MAX
from notesweb.notes.service import clean_body, clean_title

from .html import field_error

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
        message = field_error(form, field)
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


def texts(limit: int, middles: list[str], edges, known: list[str]):
    """Short texts of every kind, texts around the length limit with edges that are
    or are not trimmed, and the cases that once told the two apart."""
    return st.one_of(
        st.sampled_from(known),
        st.text(characters, max_size=40),
        st.builds(padded, st.sampled_from(middles), edges, st.integers(limit - 3, limit + 2)),
    )


ONE_LINE_EDGES = st.text(st.sampled_from(" \t\n\r\xa0"), max_size=3)
FIELDS = [
    pytest.param(
        "title",
        clean_title,
        texts(TITLE_MAX, ["a", "字", "\xa0", "\U0001f600"], ONE_LINE_EDGES, [" \x85 ", "a\n"]),
        id="title",
    ),
    pytest.param(
        "body",
        clean_body,
        texts(BODY_MAX, ["a", "\n", "\xa0"], st.sampled_from(["", "\x0b", "\t"]), ["x\n\x0c"]),
        id="body",
    ),
    pytest.param(
        "name",
        clean_token_name,
        texts(TOKEN_NAME_MAX, ["a", "字", "\xa0"], ONE_LINE_EDGES, ["", "laptop\n", " \x0b "]),
        id="token-name",
    ),
]


@pytest.mark.parametrize(("field", "rule", "strategy"), FIELDS)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_the_documented_pattern_accepts_exactly_what_the_service_accepts(
    documented, field, rule, strategy, data
):
    text = data.draw(strategy, label=field)
    _value, problem = rule(text)
    assert accepted_by(documented[field], text) == (problem is None), repr(text[:60])


def test_the_documented_limits_are_what_a_client_reads(documented):
    """A client generated from the document sees the same limits in the description."""
    assert str(TITLE_MAX) in documented["title"]["description"]
    assert documented["body"]["maxLength"] == BODY_MAX


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"title": " "}, "title", "Title is required."),
        ({"title": "a\x00b"}, "title", "Title must not contain control characters."),
        ({"title": "one\ntwo"}, "title", "Title must be a single line, without tabs."),
        ({"title": "x" * 201}, "title", "Title must be at most 200 characters (it has 201)."),
        (
            {"title": "t", "body": "x" * 50_001},
            "body",
            "Body must be at most 50,000 characters (it has 50,001).",
        ),
        (
            {"title": "t", "body": "a\x0bb"},
            "body",
            "Body must not contain control characters other than tabs and newlines.",
        ),
    ],
)
def test_each_rule_says_what_is_wrong_in_its_own_words(api_client, body, field, message):
    response = api_client.post("/api/notes", json=body)
    assert response.status_code == 422
    assert response.json["errors"] == [{"field": field, "message": message}]
