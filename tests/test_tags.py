"""#tags: found in the text (not in code), kept in step with every write, filtered and
counted by the API and in the browser, each person's their own."""

from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, text

from notesweb.extensions import db
from notesweb.models import Note, NoteTag, Tag, User
from notesweb.notes import service, tags, trash

from .conftest import PASSWORD, sign_in
from .html import soup
from .writers import at_once, each_at_once


@pytest.mark.parametrize(
    ("title", "body", "found"),
    [
        ("Plan", "for #work and #home", ["work", "home"]),
        ("#Trip to Lisbon", "with #trip again", ["Trip"]),
        ("x", "#project/alpha and #über-café_2", ["project/alpha", "über-café_2"]),
        ("x", "#1 and #42nd and #2026", ["42nd"]),
        ("x", "a#b, x/#y, &#35;z, \\#esc, # Heading", []),
        ("x", "`#code` and\n\n```\n#fenced\n```\n\n    #indented\n\n<b>#html</b>", ["html"]),
        ("x", "[#linked](https://example.com/?q=#frag) <https://e.com/#auto>", ["linked"]),
        ("x", "ends #dash- and #slash/ and #" + "a" * 65, ["dash", "slash"]),
    ],
)
def test_tags_are_the_hash_words_outside_code(title, body, found):
    assert list(tags.find_tags(title, body).values()) == found


INERT = st.sampled_from(list("abcXYZ éß日0123 .,;:?!'\"()/-_*~&\\#\n") + ["  ", "##", "\n\n"])


@given(st.lists(INERT, max_size=60).map("".join))
def test_the_quick_way_to_tags_agrees_with_parsing(body):
    """Text with nothing that could be code or a link's address is read without parsing."""
    quick = [m[1] for m in tags._TAG.finditer(body)]
    parsed = [m[1] for t in tags._texts_outside_code(body) for m in tags._TAG.finditer(t)]
    assert quick == parsed


def note_tags(api_client, note_id) -> list[str]:
    return api_client.get(f"/api/notes/{note_id}").get_json()["tags"]


def tag_counts(api_client) -> dict[str, int]:
    return {t["name"]: t["count"] for t in api_client.get("/api/tags").get_json()["items"]}


def rows_in_step(app) -> None:
    """The tag rows agree with the notes' text (and carry their time and pin), and the
    counts with the rows."""
    with app.app_context():
        db.session.expire_all()
        for note in db.session.scalars(select(Note)):
            found = tags.find_tags(note.title, note.body)
            linked = db.session.scalars(
                select(Tag.key).join(NoteTag).where(NoteTag.note_id == note.id)
            )
            # Listed under the tags its nested ones are inside too.
            assert sorted(linked) == sorted(tags.with_parents(found)), note
            assert [tags.tag_key(n) for n in note.tags] == sorted(found), note
            copies = db.session.execute(
                select(NoteTag.updated_at, NoteTag.pinned).where(NoteTag.note_id == note.id)
            )
            assert set(copies.all()) <= {(note.updated_at, note.pinned)}, note
        for tag in db.session.scalars(select(Tag)):
            carried = db.session.scalar(
                select(db.func.count()).select_from(NoteTag).where(NoteTag.tag_id == tag.id)
            )
            assert tag.note_count == carried, tag.name


def test_the_api_shows_filters_and_counts_tags(app, api_client):
    post = lambda title, body: api_client.post("/api/notes", json={"title": title, "body": body})  # noqa: E731
    first = post("Work log", "Talked to #Clients about #work").get_json()
    second = post("Groceries", "#home: milk #WORK").get_json()
    post("Untagged", "nothing here")
    assert first["tags"] == ["Clients", "work"]
    # Named as first written, whoever writes it later.
    assert second["tags"] == ["home", "work"]
    assert tag_counts(api_client) == {"Clients": 1, "home": 1, "work": 2}
    for asked in ("work", "WORK", "#Work"):
        page = api_client.get(f"/api/notes?tag={asked.replace('#', '%23')}").get_json()
        assert [n["id"] for n in page["items"]] == [second["id"], first["id"]], asked
        assert page["total"] == 2
    assert api_client.get("/api/notes?tag=nothing").get_json()["total"] == 0
    rows_in_step(app)


def test_a_tag_no_note_could_carry_finds_nothing_and_a_malformed_one_is_a_422(api_client):
    api_client.post("/api/notes", json={"title": "T", "body": "#real"})
    for impossible in ("%23", "123", "a b", "x" * 65, "%3Cscript%3E", "real%20"):
        page = api_client.get(f"/api/notes?tag={impossible}").get_json()
        assert (page["items"], page["total"]) == ([], 0), impossible
    for bad in ("", "%0A", "a%09b", "x" * 66):
        response = api_client.get(f"/api/notes?tag={bad}")
        assert response.status_code == 422, bad
        assert [e["field"] for e in response.get_json()["errors"]] == ["tag"], bad


def test_tags_follow_every_edit_and_delete(app, api_client):
    note = api_client.post("/api/notes", json={"title": "T", "body": "#a #b"}).get_json()
    other = api_client.post("/api/notes", json={"title": "#b too", "body": ""}).get_json()
    url = f"/api/notes/{note['id']}"
    assert api_client.patch(url, json={"body": "#b #c"}).get_json()["tags"] == ["b", "c"]
    assert tag_counts(api_client) == {"b": 2, "c": 1}
    rows_in_step(app)
    # A change of title alone moves the note to the top of its tags' lists.
    api_client.patch(f"/api/notes/{other['id']}", json={"title": "#b again"})
    api_client.patch(url, json={"title": "Renamed"})
    listed = api_client.get("/api/notes?tag=b").get_json()["items"]
    assert [n["id"] for n in listed] == [note["id"], other["id"]]
    rows_in_step(app)
    assert api_client.delete(url).status_code == 204
    assert tag_counts(api_client) == {"b": 1}
    assert api_client.get("/api/notes?tag=c").get_json()["items"] == []
    rows_in_step(app)
    # A refused edit changes no tags.
    assert api_client.patch(f"/api/notes/{other['id']}", json={"title": ""}).status_code == 422
    assert tag_counts(api_client) == {"b": 1}


def test_a_nested_tag_lists_its_notes_under_its_parents_too(app, api_client):
    post = lambda body: api_client.post("/api/notes", json={"title": "T", "body": body})  # noqa: E731
    first = post("#Project/Alpha/one").get_json()
    second = post("#project/beta and #project").get_json()
    post("#2026/trips")  # "2026" holds no letter: no tag
    assert first["tags"] == ["Project/Alpha/one"]  # as written: no parents
    # Named as first written, even as a parent.
    assert second["tags"] == ["Project", "project/beta"]
    assert tag_counts(api_client) == {
        "2026/trips": 1,
        "Project": 2,  # named as first written, counted once a note
        "Project/Alpha": 1,
        "Project/Alpha/one": 1,
        "project/beta": 1,
    }
    listed = lambda tag: [n["id"] for n in api_client.get(f"/api/notes?tag={tag}").json["items"]]  # noqa: E731
    assert listed("project") == [second["id"], first["id"]]
    assert listed("project/alpha") == [first["id"]]
    assert listed("alpha") == []
    assert [n["id"] for n in api_client.get("/api/notes?q=tag:project").json["items"]] == [
        second["id"],
        first["id"],
    ]
    rows_in_step(app)
    url = f"/api/notes/{first['id']}"
    api_client.patch(url, json={"body": "#project/beta now"})
    assert tag_counts(api_client) == {"2026/trips": 1, "Project": 2, "project/beta": 2}
    rows_in_step(app)
    api_client.delete(url)
    assert tag_counts(api_client) == {"2026/trips": 1, "Project": 1, "project/beta": 1}
    rows_in_step(app)


def written_then_back_to(user, bodies: list[str], revision: str) -> None:
    """Notes of these bodies, then the database taken back to `revision`."""
    owner = db.session.get(User, user.id)
    for body in bodies:
        service.create_note(owner, "T", body)
    downgrade(revision=revision)
    db.session.remove()


def test_the_nesting_migration_lists_the_notes_already_there_under_parents(app, user):
    with app.app_context():
        written_then_back_to(user, ["#work/clients/acme", "#Work and #work/admin", "#home"], "0011")
        rows = db.session.execute(text("SELECT count(*) FROM note_tags")).scalar()
        assert rows == 4  # each tag as written, once a note
        db.session.remove()
        upgrade()
        counts = dict(db.session.execute(text("SELECT name, note_count FROM tags")).all())
        assert counts == {
            "work/clients/acme": 1,
            "work": 2,
            "work/clients": 1,
            "work/admin": 1,
            "home": 1,
        }
    rows_in_step(app)


def test_a_tags_notes_page_by_cursor_and_by_offset(api_client):
    ids = [
        api_client.post("/api/notes", json={"title": f"N{i}", "body": "#many" * (i % 2)}).json["id"]
        for i in range(25)
    ]
    tagged = [i for n, i in enumerate(ids) if n % 2][::-1]
    seen, url = [], "/api/notes?tag=many&limit=5"
    while url:
        page = api_client.get(url).get_json()
        seen += [n["id"] for n in page["items"]]
        url = page["next_cursor"] and f"/api/notes?tag=many&limit=5&cursor={page['next_cursor']}"
    assert seen == tagged
    page = api_client.get("/api/notes?tag=many&offset=10&limit=5").get_json()
    assert [n["id"] for n in page["items"]] == tagged[10:12]
    assert page["total"] == 12


def test_another_persons_tags_are_never_seen(app, api_client, anon_client, runner):
    api_client.post("/api/notes", json={"title": "mine", "body": "#secret"})
    result = runner.invoke(args=["user", "create", "bob", "--password-stdin"], input=PASSWORD)
    assert result.exit_code == 0, result.output
    sign_in(anon_client, "bob")
    with app.app_context():
        bob = db.session.scalar(select(User).where(User.username == "bob"))
        service.create_note(bob, "bob's", "#secret #bob")
    assert tag_counts(api_client) == {"secret": 1}
    assert api_client.get("/api/notes?tag=bob").get_json()["total"] == 0
    page = soup(anon_client.get("/notes/tags"))
    assert [li["data-tag"] for li in page.select("#tag-list li")] == ["bob", "secret"]
    listed = soup(anon_client.get("/notes/?tag=secret")).select("#note-list article h2")
    assert [h.get_text(strip=True) for h in listed] == ["bob's"]


def test_writers_at_once_keep_the_tag_counts_exact(app, user, database_url):
    writers, each = 4, 6

    def write() -> None:
        owner = db.session.get(User, user.id)
        notes = [service.create_note(owner, f"N{i}", "#shared #new") for i in range(each)]
        for note in notes[1::2]:
            service.update_note(note, body="#other and #shared")
        for note in notes[::2]:
            trash.trash_note(note)

    at_once(database_url, writers, write)
    with app.app_context():
        counts = dict(db.session.execute(select(Tag.key, Tag.note_count)).all())
    assert counts == {"shared": writers * each // 2, "new": 0, "other": writers * each // 2}
    rows_in_step(app)


def test_pins_and_retags_at_once_keep_the_tag_rows_in_step(app, user, database_url):
    """A tag's list reads `pinned` from its own rows: pins and edits made at once on
    the same notes leave those rows agreeing with their notes."""
    with app.app_context():
        owner = db.session.get(User, user.id)
        ids = [service.create_note(owner, f"N{i}", "#start").id for i in range(8)]

    def write(me: int) -> None:
        owner = db.session.get(User, user.id)
        for round_ in range(3):
            for note_id in ids:
                note = service.get_note(owner, note_id)
                if me < 2:  # pinners
                    service.update_note(note, pinned=(round_ + me) % 2 == 0)
                elif note_id % 2 == me % 2:  # each note edited by one tagger only
                    service.update_note(note, body=f"#start #round{round_} #t{me}")

    each_at_once(database_url, 4, write)
    rows_in_step(app)


def test_edits_moving_notes_between_nested_tags_at_once_never_deadlock(app, user, database_url):
    """Each edit changes the counts of a tag and its parent on one side and the other:
    done in opposite directions at once, they must lock the tags in one order."""
    with app.app_context():
        owner = db.session.get(User, user.id)
        ids = [
            service.create_note(owner, f"N{i}", "#p/x" if i % 2 else "#q/y").id for i in range(8)
        ]

    def write(me: int) -> None:
        owner = db.session.get(User, user.id)
        for round_ in range(4):
            for note_id in ids[me::4]:
                tag = "#q/y" if (note_id + round_) % 2 else "#p/x"
                service.update_note(service.get_note(owner, note_id), body=f"{tag} {round_}")

    each_at_once(database_url, 4, write)
    rows_in_step(app)


def test_a_tag_whose_key_would_be_too_long_is_no_tag(api_client):
    """Casefolding lengthens "ß" to "ss": 40 of them are 80 characters of key."""
    long = "ß" * 40
    assert tags.find_tags("x", f"#{long} and #ok") == {"ok": "ok"}
    note = api_client.post("/api/notes", json={"title": "T", "body": f"#{long}"})
    assert note.status_code == 201 and note.json["tags"] == []
    assert api_client.get("/api/notes", query_string={"tag": long}).json["total"] == 0


def test_in_the_browser_tags_link_to_their_notes(client, api_client):
    api_client.post("/api/notes", json={"title": "Tagged", "body": "about #garden"})
    api_client.post("/api/notes", json={"title": "Plain", "body": "no tags"})
    page = soup(client.get("/notes/"))
    assert page.select_one("nav a[href='/notes/tags']").get_text() == "Tags"
    link = page.select_one("#note-list .tags a")
    assert (link.get_text(), link["href"]) == ("#garden", "/notes/?tag=garden")
    filtered = soup(client.get(link["href"]))
    assert filtered.select_one("main h1").get_text() == "Notes tagged #garden"
    assert [h.get_text(strip=True) for h in filtered.select("#note-list h2")] == ["Tagged"]
    assert filtered.select_one("#notes-total").get_text() == "1 note"
    tag_page = soup(client.get("/notes/tags"))
    assert tag_page.select_one("#tag-list li").get_text(" ", strip=True) == "#garden 1 note"
    note_page = soup(client.get(link.find_parent("article").select_one("h2 a")["href"]))
    assert note_page.select_one("article .tags a").get_text() == "#garden"
    empty = soup(client.get("/notes/?tag=nothing"))
    assert "No notes carry #nothing" in empty.select_one("#notes").get_text()


def test_the_tags_page_shows_nested_tags_inside_their_parents(client, api_client):
    for body in ("#project/beta", "#project-x", "#project/alpha/one", "#2026/trips", "#project-/z"):
        api_client.post("/api/notes", json={"title": "T", "body": body})
    page = soup(client.get("/notes/tags"))
    top = page.select("#tag-list > li")
    assert [li["data-tag"] for li in top] == ["2026/trips", "project", "project-x"]
    project = top[1]
    assert project.select_one("a").get_text() == "#project"
    # "#project-/z" is inside "#project", as its notes are listed.
    assert [li["data-tag"] for li in project.select(":scope > ul > li")] == [
        "project-/z",
        "project/alpha",
        "project/beta",
    ]
    alpha = project.select_one("li[data-tag='project/alpha']")
    assert [li["data-tag"] for li in alpha.select("li")] == ["project/alpha/one"]
    assert alpha.select_one("a")["href"] == "/notes/?tag=project/alpha"


def test_the_tag_migration_tags_the_notes_already_there(app, user):
    with app.app_context():
        written_then_back_to(user, ["#Alpha and #beta", "#ALPHA again", "```\n#code\n```"], "0005")
        upgrade()
        counts = dict(db.session.execute(text("SELECT name, note_count FROM tags")).all())
        names = db.session.execute(text("SELECT tag_names FROM notes ORDER BY id")).scalars()
        assert counts == {"Alpha": 2, "beta": 1}
        assert list(names) == ["Alpha beta", "Alpha", ""]
    rows_in_step(app)
