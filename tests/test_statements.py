"""How many SQL statements a read sends: an API read is the token with its owner, then
the notes; the total comes with the owner, never from a count."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from notesweb.extensions import db


class Sent(list):
    """The statements sent, as one-line SQL; `parameters` holds each one's parameters."""

    def __init__(self):
        super().__init__()
        self.parameters = []


@contextmanager
def statements(app):
    sent = Sent()

    def record(_conn, _cursor, sql, parameters, *_args):
        sent.append(" ".join(sql.split()))
        sent.parameters.append(parameters)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def notes(api_client, make_notes):
    ids = make_notes(30)
    # The token's first use is written down (once a minute); reads after it only read.
    assert api_client.get("/api/notes?limit=1").status_code == 200
    return ids


def api_reads(ids, api_client) -> list[str]:
    cursor = api_client.get("/api/notes?limit=5").json["next_cursor"]
    return [
        f"/api/notes/{ids[3]}",
        "/api/notes",
        "/api/notes?limit=100",
        "/api/notes?offset=10&limit=5",
        "/api/notes?offset=1000",
        f"/api/notes?cursor={cursor}&limit=5",
    ]


def test_an_api_read_sends_two_statements(app, api_client, notes):
    for url in api_reads(notes, api_client):
        with statements(app) as sent:
            response = api_client.get(url)
        assert response.status_code == 200, url
        assert len(sent) == 2, (url, sent)
        assert "api_tokens" in sent[0] and "JOIN users" in sent[0], sent[0]
        assert "FROM notes" in sent[1] and "note_tags" not in sent[1], sent[1]
        assert not any(counts_more_than_the_pinned(sql) for sql in sent), sent


def test_a_read_for_a_note_that_is_not_there_sends_two_statements(app, api_client, notes):
    with statements(app) as sent:
        assert api_client.get("/api/notes/999999").status_code == 404
    assert len(sent) == 2, sent


def test_the_first_use_of_a_token_in_a_minute_adds_only_its_note_of_use(
    app, api_client, make_notes
):
    (note_id,) = make_notes(1)
    with statements(app) as sent:
        assert api_client.get(f"/api/notes/{note_id}").status_code == 200
    assert [sql.split()[0] for sql in sent] == ["SELECT", "UPDATE", "SELECT"], sent
    assert "last_used_at" in sent[1]


def test_the_list_page_and_a_note_page_send_two_statements(app, client, make_notes):
    ids = make_notes(30)
    for url in ("/notes/", f"/notes/{ids[0]}"):
        client.get(url)  # the session and its CSRF token are settled on the first page
        with statements(app) as sent:
            assert client.get(url).status_code == 200
        assert len(sent) == 2, (url, sent)
        assert "login_sessions" in sent[0], sent[0]


def counts_more_than_the_pinned(sql: str) -> bool:
    """Counting the list would cost a scan of it; an offset past the pinned notes (which
    come first, and are few) counts only them."""
    counted = re.findall(r"count\(\*\) AS \w+ FROM \((.*?)\) AS", sql)
    return sql.lower().count("count(") != len(counted) or not all(
        re.search(r"\.pinned = (1|true)\)?$", segment) for segment in counted
    )


def limits_of(sql: str, parameters) -> list[int]:
    """The LIMITs a statement was sent with (SQLite's ? or psycopg's %(name)s): one for
    a segment of the list, or one for each of its segments (pinned notes, the rest)
    and one for them together."""
    limits = []
    for found in re.finditer(r"LIMIT (\?|%\((\w+)\)s)", sql):
        if found.group(2):
            limits.append(parameters[found.group(2)])
        else:
            limits.append(parameters[sql[: found.start()].count("?")])
    return limits


@pytest.mark.parametrize("limit", [5, 10])
def test_a_page_reads_one_note_more_than_it_shows_and_no_more(app, api_client, notes, limit):
    cursor = api_client.get(f"/api/notes?limit={limit}").json["next_cursor"]
    for url, wanted in (
        (f"/api/notes?limit={limit}&cursor={cursor}", limit + 1),  # one more: is there a next?
        (f"/api/notes?limit={limit}&offset=3", limit),  # the total says whether there is
    ):
        with statements(app) as sent:
            assert len(api_client.get(url).json["items"]) == limit
        limits = limits_of(sent[1], sent.parameters[1])
        assert limits and set(limits) == {wanted}, sent[1]


def test_a_newer_page_reads_one_note_more_than_it_shows_and_no_more(app, client, make_notes):
    """The browser's Newer link walks the other way: one more row says whether a
    still newer page exists, and no more rows are read than that."""
    from notesweb.limits import PAGE_SIZE

    from .html import soup

    make_notes(PAGE_SIZE * 2 + 5)
    second = soup(client.get("/notes/")).select_one("#next-link")["href"]
    third = soup(client.get(second)).select_one("#next-link")["href"]
    newer = soup(client.get(third)).select_one("#previous-link")["href"]
    with statements(app) as sent:
        page = soup(client.get(newer))
    assert len(page.select("#note-list > li")) == PAGE_SIZE
    assert page.select_one("#previous-link") is not None
    reads = [
        limits_of(sql, parameters)
        for sql, parameters in zip(sent, sent.parameters, strict=True)
        if "FROM notes" in sql
    ]
    # The page, from each segment (the rest, then the pinned notes above it); then: is
    # anything older?
    assert reads == [[PAGE_SIZE + 1] * 3, [1]]


def test_a_read_by_tag_adds_only_the_tag_and_no_count(app, api_client, notes):
    api_client.post("/api/notes", json={"title": "tagged", "body": "#found"})
    for url in ("/api/notes?tag=found", "/api/notes?tag=found&offset=0&limit=5"):
        with statements(app) as sent:
            response = api_client.get(url)
        assert response.json["total"] == 1
        assert len(sent) == 3, (url, sent)
        assert "FROM tags" in sent[1] and "JOIN note_tags" in sent[2], sent
        assert not any(counts_more_than_the_pinned(sql) for sql in sent), sent
