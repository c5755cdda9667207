"""Search, through the API and the list page, on each database's own index: what it
finds (words, the start of the last word, phrases, exclusions, tags, accents), in
what order, the snippets it shows, its paging, hostile queries, and whose notes."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from notesweb.extensions import db
from notesweb.models import User
from notesweb.notes import search, service

from .conftest import PASSWORD, sign_in
from .html import soup

NOTES = {
    "cafe": ("Café on the corner", "We met at the café; the coffee was strong."),
    "cafeteria": ("Lunch", "The cafeteria serves soup on Mondays."),
    "garden": ("Garden plans", "Plant tomatoes and basil in May. #garden"),
    "basil": ("Pesto", "Basil, garlic, pine nuts. Good with pasta. #cooking"),
    "meeting": ("Meeting notes", "Quarterly planning: the budget and the roadmap. #work"),
    "budget": ("Budget", "Household budget for the year, planning ahead."),
    "tokyo": ("旅行", "東京タワーに行きました"),
    "kitchen": ("Кухня", "Новая мойка на кухне"),
}


@pytest.fixture(params=["in the index", "note by note"])
def owner_either_way(request, monkeypatch):
    """SQLite walks a small account's matches asking its index for the owner's, a large
    one's checking each match's note: both ways must find and order alike."""
    if request.param == "note by note":
        monkeypatch.setattr(search.sqlite, "OWNER_IN_INDEX_MAX", -1)
    return request.param


@pytest.fixture(params=["among the index's words", "in the text"])
def inside_either_way(request, monkeypatch):
    """PostgreSQL finds a part of a word among the words of its index, or, where it
    is part of too many, in the notes' text: both ways must find alike."""
    if request.param == "in the text":
        monkeypatch.setattr(search.postgresql, "INSIDE_WORDS_MAX", -1)
    return request.param


@pytest.fixture(params=["read whole", "walked"])
def title_tier_either_way(request, monkeypatch):
    """PostgreSQL reads a title tier of few notes whole, through the titles' index,
    and walks to one of many: both ways must order alike."""
    if request.param == "walked":
        monkeypatch.setattr(search.postgresql, "TITLED_MAX", -1)
    return request.param


@pytest.fixture
def notes(api_client) -> dict[str, int]:
    ids = {}
    for key, (title, body) in NOTES.items():
        made = api_client.post("/api/notes", json={"title": title, "body": body})
        ids[key] = made.json["id"]
    return ids


def found(api_client, q: str, **params) -> list[int]:
    response = api_client.get("/api/notes", query_string={"q": q, "limit": 100, **params})
    assert response.status_code == 200, response.json
    return [n["id"] for n in response.json["items"]]


def keys(ids: dict[str, int], *names: str) -> set[int]:
    return {ids[name] for name in names}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("basil", {"garden", "basil"}),
        ("BASIL", {"garden", "basil"}),
        ("basil pesto", {"basil"}),  # every word must match
        ("planning budget", {"meeting", "budget"}),
        ("plan", {"garden", "meeting", "budget"}),  # the last word as the start of one
        ("basil plan", {"garden"}),
        # Only the last word may be a word's start; PostgreSQL also finds a word of three
        # letters or more inside longer ones.
        ("plan basil", (set(), {"garden"})),
        ('"the budget"', {"meeting"}),  # a phrase: its words together, in order
        ('"budget the"', set()),
        ("planning -household", {"meeting"}),
        ('basil -"pine nuts"', {"garden"}),
        ("cafe", {"cafe", "cafeteria"}),  # accents ignored; the last word a prefix
        ("café -cafeteria", {"cafe"}),
        ('"cafe"', {"cafe"}),  # quoted: the whole word only
        ("tag:garden", {"garden"}),
        ("tag:#GARDEN basil", {"garden"}),
        ("tag:work -budget", set()),
        ("tag:nothing basil", set()),
        ("東京", {"tokyo"}),
    ],
)
def test_what_a_search_finds(
    app, api_client, notes, q, expected, owner_either_way, inside_either_way
):
    if isinstance(expected, tuple):  # (on SQLite, on PostgreSQL)
        expected = expected[on_postgres(app)]
    assert set(found(api_client, q)) == keys(notes, *expected)


@pytest.fixture(params=["its words", "its prefix"])
def completed_either_way(request, monkeypatch):
    """SQLite finds what a word being typed may become among the index's words, or,
    where it may become too many, by FTS5's prefix: both ways must find alike."""
    if request.param == "its prefix":
        monkeypatch.setattr(search.sqlite, "COMPLETIONS_MAX", 0)
    return request.param


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("planni", {"meeting", "budget"}),
        ("PLANNING", {"meeting", "budget"}),
        ("cafet", {"cafeteria"}),
        ("café", {"cafe", "cafeteria"}),
        ("мойк", {"kitchen"}),
        ("МОЙКА", {"kitchen"}),
        ("basil garde", {"garden"}),
        ("budget roadm", {"meeting"}),
        ("gardens", set()),
        ("plannix", set()),
        ("tomatoes -gard", {"garden"}),  # only the last word searched for is a start
    ],
)
def test_a_word_being_typed_finds_what_it_may_become(
    api_client, notes, q, expected, completed_either_way
):
    assert set(found(api_client, q)) == keys(notes, *expected)


def known_words(app) -> set[str]:
    """The words the search keeps for finding words as they are typed (SQLite) and
    the words a part of a word is inside (PostgreSQL)."""
    with app.app_context():
        return set(db.session.scalars(text("SELECT word FROM notes_fts_words")))


def test_a_word_written_later_is_found_as_it_is_typed(app, api_client, notes, runner):
    assert found(api_client, "zanzib") == []
    api_client.patch(f"/api/notes/{notes['budget']}", json={"body": "Trip to Zanzibar"})
    assert found(api_client, "zanzib") == [notes["budget"]]
    made = api_client.post("/api/notes", json={"title": "Zanzibari spice", "body": ""})
    assert found(api_client, "zanzib") == [made.json["id"], notes["budget"]]
    api_client.delete(f"/api/notes/{made.json['id']}")
    assert found(api_client, "zanzibari") == []
    assert {"zanzibar", "zanzibari"} <= known_words(app)
    # The purge forgets the words no note holds any more, and only those.
    assert runner.invoke(args=["purge"]).exit_code == 0
    assert "zanzibari" not in known_words(app) and "zanzibar" in known_words(app)
    assert found(api_client, "zanzib") == [notes["budget"]]


def test_a_word_too_long_to_type_breaks_no_ones_search(app, api_client, client, notes):
    """FTS5 cuts a word at 32 KB, inside a character: kept, it could not be read back."""
    from notesweb.auth import service as auth_service

    with app.app_context():
        bob = auth_service.create_user("bob", PASSWORD)
        service.create_note(bob, "Long", "meeting" + "ж" * 17_000)
    assert set(found(api_client, "meeti")) == keys(notes, "meeting")
    assert client.get("/notes/?q=meeti").status_code == 200
    if not on_postgres(app):
        assert all(len(word.encode()) <= 200 for word in known_words(app))


def on_postgres(app) -> bool:
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def test_postgresql_finds_parts_of_words_and_of_spaceless_text(
    app, api_client, notes, inside_either_way
):
    if not on_postgres(app):
        pytest.skip("SQLite's index finds whole words and their starts only")
    assert set(found(api_client, "eteria")) == keys(notes, "cafeteria")
    assert set(found(api_client, "ETÉR")) == keys(notes, "cafeteria")
    assert set(found(api_client, "lanni")) == keys(notes, "meeting", "budget")
    # Edited, a note's new words are found inside too; in titles first.
    api_client.patch(f"/api/notes/{notes['garden']}", json={"title": "Xylophones"})
    later = api_client.post("/api/notes", json={"title": "Band", "body": "a xylophone"})
    assert found(api_client, "lopho") == [notes["garden"], later.json["id"]]
    # Text without spaces is looked for in titles too.
    tower = api_client.post("/api/notes", json={"title": "東京タワー", "body": ""})
    assert found(api_client, "タワー") == [tower.json["id"], notes["tokyo"]]
    assert found(api_client, "ylo ant") == [notes["garden"]]
    assert set(found(api_client, '"eteria"')) == set()  # quoted: a whole word


def test_words_of_letters_and_digits_are_found_as_written(api_client, inside_either_way):
    """PostgreSQL keeps the accents of a word with digits in it ("größe2")."""
    made = api_client.post("/api/notes", json={"title": "Sizes", "body": "Größe2 and H2O"})
    for q in ("Größe2", "größe", "h2o", "H2"):
        assert found(api_client, q) == [made.json["id"]], q


def test_parts_of_huge_words_written_by_others_break_no_search(app, api_client, notes):
    """Any account may write words of 2,000 letters holding a part someone searches
    for: more than a tsquery may hold (1 MB) are then looked for in the text."""
    from notesweb.auth import service as auth_service

    with app.app_context():
        mallory = auth_service.create_user("mallory", PASSWORD)
        for n in range(22):
            words = " ".join(f"{'planning' * 250}{n}x{i}" for i in range(24))
            service.create_note(mallory, f"Long {n}", words)
    assert set(found(api_client, "planning")) == keys(notes, "meeting", "budget")
    if on_postgres(app):
        assert set(found(api_client, "lanni")) == keys(notes, "meeting", "budget")


def test_a_search_leaves_the_planner_as_it_found_it(app, user, notes):
    """PostgreSQL reads a title tier through indexes only, by settings that must not
    outlive it: the statements after it, in the same transaction, plan as usual."""
    with app.app_context():
        owner = db.session.get(User, user.id)
        assert search.search_notes(owner, "plan", None, 20).items
        settings = "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan')"
        if on_postgres(app):
            assert db.session.execute(text(settings)).one() == ("on", "on")


def test_a_match_in_the_title_ranks_first_then_the_newest(api_client, notes, title_tier_either_way):
    in_body = api_client.post("/api/notes", json={"title": "Later", "body": "a budget line"})
    ranked = found(api_client, '"budget"')
    assert ranked == [notes["budget"], in_body.json["id"], notes["meeting"]]
    # Two notes alike but for their age: the newer first.
    first = api_client.post("/api/notes", json={"title": "Twin", "body": "zyzzyva"}).json["id"]
    second = api_client.post("/api/notes", json={"title": "Twin", "body": "zyzzyva"}).json["id"]
    assert found(api_client, "zyzzyva") == [second, first]


# Each (title, body) matches "otter rapids": with every word in the title, or not.
TIERED = [
    ("Otter rapids", "a trip"),
    ("Rapids", "an otter swam"),
    ("River", "otter at the rapids"),
    ("Otter", "rapids ahead"),
    ("Rapids and an otter", "notes"),
    ("Kayak", "rapids, then an otter"),
]


def test_title_matches_come_first_newest_first_in_each_tier(
    api_client, owner_either_way, title_tier_either_way
):
    ids = [
        api_client.post("/api/notes", json={"title": t, "body": b}).json["id"] for t, b in TIERED
    ]
    api_client.post("/api/notes", json={"title": "Otter", "body": "no white water"})
    in_title, elsewhere = [ids[4], ids[0]], [ids[5], ids[3], ids[2], ids[1]]
    assert found(api_client, "otter rapids") == in_title + elsewhere
    # Excluded words leave every tier.
    assert found(api_client, "otter rapids -trip") == [ids[4], *elsewhere]
    # Pages walk from tier to tier by cursor and by offset alike.
    assert walked(api_client, "otter rapids", 1) == in_title + elsewhere
    assert walked(api_client, "otter rapids", 4) == in_title + elsewhere
    for offset in range(7):
        page = api_client.get(
            "/api/notes", query_string={"q": "otter rapids", "offset": offset, "limit": 2}
        ).json
        assert [n["id"] for n in page["items"]] == (in_title + elsewhere)[offset : offset + 2]
        assert (page["next_cursor"] is not None) == (offset + 2 < 6)


def walked(api_client, q: str, limit: int) -> list[int]:
    """Every result of `q`, page after page by cursor."""
    ids, cursor = [], None
    while True:
        params = {"q": q, "limit": limit} | ({"cursor": cursor} if cursor else {})
        page = api_client.get("/api/notes", query_string=params).json
        ids += [n["id"] for n in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            return ids


def test_the_list_page_walks_back_through_the_tiers(client, api_client):
    for title, body in TIERED * 5:
        api_client.post("/api/notes", json={"title": title, "body": body})
    expected = found(api_client, "otter rapids")
    seen, url = [], "/notes/?q=otter+rapids"
    while url:
        page = soup(client.get(url))
        seen.append([int(a["data-note-id"]) for a in page.select("#note-list article")])
        link = page.select_one("#next-link")
        url = link["href"] if link else None
    assert sum(seen, []) == expected
    back = soup(client.get(url or page.select_one("#previous-link")["href"]))
    assert [int(a["data-note-id"]) for a in back.select("#note-list article")] == seen[-2]


def test_a_search_counts_up_to_its_cap_and_still_pages_to_the_end(
    api_client, client, make_notes, monkeypatch
):
    ids = make_notes(7, prefix="Walrus")
    monkeypatch.setattr(search.engine, "COUNT_CAP", 5)
    page = api_client.get("/api/notes", query_string={"q": "walrus", "limit": 3}).json
    assert (page["total"], page["total_exact"]) == (5, False)
    assert sorted(walked(api_client, "walrus", 3)) == sorted(ids)
    last = api_client.get("/api/notes", query_string={"q": "walrus", "limit": 3, "offset": 6})
    assert len(last.json["items"]) == 1 and last.json["next_cursor"] is None
    html = soup(client.get("/notes/?q=walrus"))
    assert html.select_one("#notes-total").get_text() == "5+ notes match “walrus”"
    monkeypatch.setattr(search.engine, "COUNT_CAP", 7)  # as many as match: the count is whole
    exact = api_client.get("/api/notes", query_string={"q": "walrus"}).json
    assert (exact["total"], exact["total_exact"]) == (7, True)
    listed = api_client.get("/api/notes").json
    assert (listed["total"], listed["total_exact"]) == (7, True)


def test_other_accounts_notes_weigh_nothing_on_a_search(app, api_client, notes):
    """Neither the order nor the cursors of a search tell anything of other accounts'
    notes: they are the same whatever those hold."""
    from notesweb.auth import service as auth_service

    def pages():
        first = api_client.get("/api/notes", query_string={"q": "planning", "limit": 1}).json
        return found(api_client, "budget planning"), first["next_cursor"]

    before = pages()
    with app.app_context():
        bob = auth_service.create_user("bob", PASSWORD)
        for n in range(30):
            service.create_note(bob, f"Budget {n}", "budget budget budget planning")
    assert pages() == before


def test_results_carry_a_marked_and_escaped_snippet(api_client):
    api_client.post(
        "/api/notes", json={"title": "Escapes", "body": "<b>bold</b> & the unusual word"}
    )
    item = api_client.get("/api/notes", query_string={"q": "unusual"}).json["items"][0]
    assert "<mark>unusual</mark>" in item["snippet"]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp;" in item["snippet"]
    listed = api_client.get("/api/notes").json["items"][0]
    assert "snippet" not in listed
    assert "snippet" not in api_client.get(f"/api/notes/{listed['id']}").json


def test_a_snippet_is_the_passage_where_the_query_is(api_client):
    body = " ".join(["filler"] * 60) + " the Café budget plan, approved. " + "tail " * 60
    api_client.post("/api/notes", json={"title": "Long", "body": body})
    item = api_client.get("/api/notes", query_string={"q": '"cafe budget" appro'}).json
    snippet = item["items"][0]["snippet"]
    assert snippet.startswith("…filler") and snippet.endswith("…")
    assert "<mark>Café</mark> <mark>budget</mark> plan, <mark>approved</mark>." in snippet
    assert len(snippet) < 250


def test_a_snippet_stays_short_and_quick_whatever_the_note_and_query(api_client):
    api_client.post("/api/notes", json={"title": "Many", "body": "a " * 25_000})
    api_client.post("/api/notes", json={"title": "Runs", "body": "abc " + "!" * 40_000})
    api_client.post("/api/notes", json={"title": "Spaceless", "body": "東京" * 20_000})
    for q in ["a " * 249 + "a", "abc", "東京"]:
        items = api_client.get("/api/notes", query_string={"q": q}).json["items"]
        assert items and all(len(item["snippet"]) < 600 for item in items), q


def test_a_snippet_marks_only_what_was_found(app, api_client):
    api_client.post("/api/notes", json={"title": "Code", "body": "c++ is public code"})
    snippet = api_client.get("/api/notes", query_string={"q": "c++"}).json["items"][0]["snippet"]
    # "c++" is the word "c", the start of a word: "public" holds it but does not start so.
    assert "pub<mark>" not in snippet and "<mark>public</mark>" not in snippet
    assert "<mark>c</mark>++" in snippet and "<mark>code</mark>" in snippet


def test_search_pages_by_cursor_and_offset_alike(api_client, make_notes):
    ids = make_notes(7, prefix="Walrus")
    everything = found(api_client, "walrus")
    assert sorted(everything) == sorted(ids)
    by_cursor, cursor = [], None
    while True:
        params = {"q": "walrus", "limit": 3} | ({"cursor": cursor} if cursor else {})
        page = api_client.get("/api/notes", query_string=params).json
        assert page["total"] == 7
        by_cursor += [n["id"] for n in page["items"]]
        if (cursor := page["next_cursor"]) is None:
            break
    assert by_cursor == everything
    for offset in range(8):
        page = api_client.get(
            "/api/notes", query_string={"q": "walrus", "offset": offset, "limit": 3}
        )
        assert [n["id"] for n in page.json["items"]] == everything[offset : offset + 3]


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "-",
        "--",
        '"unclosed phrase',
        "NEAR(basil pesto)",
        "basil*",
        "^basil",
        "basil OR garden",
        "basil AND NOT garden",
        '"" -"" ""',
        "tag:",
        "col:title basil",
        "{title body}: basil",
        "'; DROP TABLE notes; --",
        "%_\\",
        "a" * 500,
        "x " * 250,
        "basil " + "-x " * 150,  # each exclusion nested would overflow FTS5's parser
        "a％b＿c ＼",  # unaccent makes these LIKE's wildcards
        "100%",
    ],
)
def test_hostile_queries_get_results_never_an_error(api_client, notes, q):
    response = api_client.get("/api/notes", query_string={"q": q})
    assert response.status_code == 200, response.json
    assert isinstance(response.json["items"], list)


def test_a_query_of_operators_is_read_as_words(api_client, notes):
    assert set(found(api_client, "NEAR(basil pesto)")) == set()  # "near" is a word here
    assert set(found(api_client, "basil*")) == keys(notes, "garden", "basil")
    assert set(found(api_client, "-")) == set(notes.values())  # nothing asked: every note


def test_a_query_of_wildcards_finds_only_them(api_client, notes):
    api_client.post("/api/notes", json={"title": "Rates", "body": "up 100% on a_b"})
    assert len(found(api_client, "100%")) == 1
    assert found(api_client, "％％％") == found(api_client, "")  # no word: every note
    assert len(found(api_client, "a_b")) == 1


@pytest.mark.parametrize("q", ["abc\x00", "a\x07b", "\x7f"])
def test_control_characters_in_a_query_are_a_clear_422(api_client, client, q):
    response = api_client.get("/api/notes", query_string={"q": q})
    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "q"
    assert client.get("/notes/", query_string={"q": q}).status_code == 422


def test_a_blank_query_takes_a_cursor_of_the_list_not_of_a_search(api_client, make_notes):
    make_notes(5)
    cursor = api_client.get("/api/notes?q=note&limit=2").json["next_cursor"]
    response = api_client.get("/api/notes", query_string={"q": " ", "cursor": cursor})
    assert response.status_code == 422  # a search's cursor, for the whole list
    assert response.json["errors"][0]["field"] == "cursor"


def test_a_query_too_long_is_a_clear_422(api_client, client):
    response = api_client.get("/api/notes", query_string={"q": "a" * 10_000})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.json["errors"][0]["field"] == "q"
    assert "500" in response.json["errors"][0]["message"]
    page = client.get("/notes/", query_string={"q": "a" * 10_000})
    assert page.status_code == 422
    html = soup(page)
    assert "at most 500" in html.select_one("#q-error").get_text()
    assert html.select_one("#q")["aria-invalid"] == "true"


def test_other_peoples_notes_are_never_found(app, api_client, notes, owner_either_way):
    from notesweb.auth import service as auth_service

    with app.app_context():
        bob = auth_service.create_user("bob", PASSWORD)
        service.create_note(bob, "Bob's basil", "basil secrets")
    assert set(found(api_client, "basil")) == keys(notes, "garden", "basil")
    other = app.test_client()
    sign_in(other, "bob")
    titles = [h.get_text() for h in soup(other.get("/notes/?q=basil")).select("#note-list h2")]
    assert titles == ["Bob's basil"]


def test_the_index_keeps_in_step_with_edits_and_deletes(api_client, notes):
    api_client.patch(f"/api/notes/{notes['basil']}", json={"body": "Now about oregano"})
    assert set(found(api_client, "basil")) == keys(notes, "garden")
    assert set(found(api_client, "oregano")) == keys(notes, "basil")
    api_client.patch(f"/api/notes/{notes['garden']}", json={"title": "Oregano beds"})
    assert set(found(api_client, "oregano")) == keys(notes, "basil", "garden")
    api_client.delete(f"/api/notes/{notes['garden']}")
    assert set(found(api_client, "oregano")) == keys(notes, "basil")
    # Pinning is not an edit of the text, and leaves the index as it was.
    api_client.patch(f"/api/notes/{notes['basil']}", json={"pinned": True})
    assert set(found(api_client, "oregano")) == keys(notes, "basil")


def test_the_list_page_searches_without_javascript(client, notes):
    page = soup(client.get("/notes/", query_string={"q": "basil"}))
    form = page.select_one("form[role=search]")
    assert form["method"] == "get" and form.select_one("input[name=q]")["value"] == "basil"
    titles = [h.get_text() for h in page.select("#note-list h2")]
    assert sorted(titles) == ["Garden plans", "Pesto"]
    assert all(p.select_one("mark") for p in page.select("#note-list .snippet"))
    assert page.select_one("title").get_text().startswith("Search: basil")
    assert page.select_one("nav.sort") is None  # results come best first
    empty = soup(client.get("/notes/", query_string={"q": "zzzz"}))
    assert "No notes match “zzzz”." in empty.select_one("#notes").get_text()
    within = soup(client.get("/notes/", query_string={"q": "basil", "tag": "cooking"}))
    assert [h.get_text() for h in within.select("#note-list h2")] == ["Pesto"]


def test_a_search_from_a_tags_list_stays_within_the_tag(client, notes):
    page = soup(client.get("/notes/?tag=garden"))
    assert page.select_one("form[role=search] input[name=tag]")["value"] == "garden"


def test_deleting_a_result_in_place_counts_the_results(client, notes):
    page = soup(client.get("/notes/?q=basil"))
    token = page.select_one("input[name=csrf_token]")["value"]
    response = client.post(
        f"/notes/{notes['basil']}/delete",
        data={"csrf_token": token},
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/notes/?q=basil"},
    )
    assert soup(response).select_one("#notes-total").get_text() == "1 note matches “basil”"


def test_the_search_migration_indexes_the_notes_already_there(app, user, api_client):
    with app.app_context():
        owner = db.session.get(User, user.id)
        service.create_note(owner, "Before search", "an aardvark was here")
        downgrade(revision="0007")
        db.session.remove()
        upgrade()
        assert db.session.execute(text("SELECT count(*) FROM notes")).scalar() == 1
    assert len(found(api_client, "aardvark")) == 1
    assert len(found(api_client, "aardv")) == 1  # its words known, by migration 0009
    if on_postgres(app):  # and found inside, by migration 0011
        assert len(found(api_client, "rdvar")) == 1


def test_a_list_cursor_is_no_search_cursor_and_back(api_client, browser_client, make_notes):
    make_notes(5)
    list_cursor = api_client.get("/api/notes?limit=2").json["next_cursor"]
    refused = api_client.get("/api/notes", query_string={"q": "note", "cursor": list_cursor})
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "cursor"
    search_cursor = api_client.get("/api/notes?q=note&limit=2").json["next_cursor"]
    assert api_client.get("/api/notes", query_string={"cursor": search_cursor}).status_code == 422
    page = browser_client.get(f"/notes/?q=note&cursor={list_cursor}")
    assert page.url == "/notes/?q=note"
    assert "no longer valid" in page.flash_messages()[0]
