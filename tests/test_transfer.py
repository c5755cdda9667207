"""Export and import: a zip of Markdown files with front matter, their histories and a
notes.json, streamed; read back into another account it exports the same files;
imports report every file, are idempotent, and refuse hostile zips without a 500 and
without importing part of them."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from notesweb.extensions import db
from notesweb.models import Note, User
from notesweb.notes.transfer import importing

from .html import Browser, csrf_token

ZIP = {"Content-Type": "application/zip"}


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def make_zip(files: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.fixture
def bob_api(app):
    from notesweb.auth import service

    with app.app_context():
        bob = service.create_user("bob", "bob's long passphrase")
        token, _ = service.create_token(bob)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def write_account(api):
    """Notes with every kind of thing an export must keep."""
    made = api.post("/api/notes", json={"title": "Trip", "body": "Pack #travel/europe"}).json
    api.patch(f"/api/notes/{made['id']}", json={"body": "Pack light #travel/europe"})
    api.patch(f"/api/notes/{made['id']}", json={"title": "Trip to Lisbon"})
    api.post("/api/notes", json={"title": "Trip to Lisbon", "body": "same title", "pinned": True})
    api.post(
        "/api/notes", json={"title": "Ελληνικά: ünïcödé 日本", "body": "\n---\nnot front matter"}
    )
    api.post("/api/notes", json={"title": "Empty"})
    api.post("/api/notes", json={"title": 'Quotes "and" colons: yes', "body": "#Work #work"})


def without_ids(notes_json: bytes) -> list:
    records = json.loads(notes_json)["notes"]
    return [{k: v for k, v in record.items() if k != "id"} for record in records]


def test_export_import_export_gives_the_same_files(api_client, bob_api):
    write_account(api_client)
    first = api_client.get("/api/export")
    assert first.status_code == 200
    assert first.mimetype == "application/zip"
    assert first.headers["Content-Disposition"].startswith('attachment; filename="notesweb-alice-')
    files = unzip(first.get_data())
    markdown = sorted(name for name in files if name.endswith(".md"))
    assert len(markdown) == 5
    assert sum(name.endswith(".history.json") for name in files) == 1
    trip = files[next(n for n in markdown if n.endswith("-trip-to-lisbon.md"))].decode()
    assert trip.startswith('---\ntitle: "Trip to Lisbon"\ncreated: ')
    assert (
        'tags: ["travel/europe"]\npinned: false\nversion: 3\n---\nPack light #travel/europe' in trip
    )

    imported = bob_api.post("/api/import", data=first.get_data(), headers=ZIP)
    assert imported.status_code == 200
    assert (imported.json["created"], imported.json["skipped"], imported.json["refused"]) == (
        5,
        0,
        0,
    )
    again = unzip(bob_api.get("/api/export").get_data())
    assert sorted(again) == sorted(files)
    for name in files:
        if name != "notes.json":
            assert again[name] == files[name], name
    assert without_ids(again["notes.json"]) == without_ids(files["notes.json"])
    history = bob_api.get(f"/api/notes/{imported.json['files'][-1]['note_id']}/revisions")
    assert history.status_code == 200


def test_importing_the_same_zip_twice_creates_nothing_the_second_time(api_client, bob_api):
    write_account(api_client)
    exported = api_client.get("/api/export").get_data()
    dry = bob_api.post("/api/import?dry_run=true", data=exported, headers=ZIP).json
    assert (dry["dry_run"], dry["created"]) == (True, 5)
    assert bob_api.get("/api/notes").json["total"] == 0
    bob_api.post("/api/import", data=exported, headers=ZIP)
    second = bob_api.post("/api/import", data=exported, headers=ZIP).json
    assert (second["created"], second["skipped"]) == (0, 5)
    assert {f["reason"] for f in second["files"]} == {"identical to a note you have"}
    assert bob_api.get("/api/notes").json["total"] == 5
    # The exporting account itself has them all already.
    assert api_client.post("/api/import", data=exported, headers=ZIP).json["created"] == 0


def test_markdown_from_other_apps(api_client):
    files = {
        "Journal/Day one.md": "# A fine day\n\nWalked to the sea.",
        "Untitled thought.markdown": "no heading here",
        "obsidian.md": "---\ntags: [garden, ideas]\ndate: 2024-03-01\n---\nPlant tomatoes #garden",
        "photo.png": b"\x89PNG\r\n",
        "latin1.md": "caf\xe9".encode("latin-1"),
        "Journal/": b"",
    }
    report = api_client.post("/api/import", data=make_zip(files), headers=ZIP).json
    results = {f["file"]: (f["result"], f["reason"]) for f in report["files"]}
    assert results["photo.png"] == ("refused", "it is not a Markdown file")
    assert results["latin1.md"] == ("refused", "it is not UTF-8 text")
    assert report["created"] == 3
    notes = {n["title"]: n for n in api_client.get("/api/notes?limit=10").json["items"]}
    assert notes["A fine day"]["body"] == "# A fine day\n\nWalked to the sea."
    assert "Untitled thought" in notes
    obsidian = notes["obsidian"]
    assert obsidian["body"] == "Plant tomatoes #garden\n\n#ideas"
    assert obsidian["tags"] == ["garden", "ideas"]
    assert obsidian["created_at"].startswith("2024-03-01T00:00:00")


def bomb() -> bytes:
    """A 20 MB file of zeros: 20 KB packed."""
    return b"\0" * (20 * 1024 * 1024)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("../escape.md", "x", "its name is not a plain path inside the zip"),
        ("/etc/passwd.md", "x", "its name is not a plain path inside the zip"),
        ("c:\\windows.md", "x", "its name is not a plain path inside the zip"),
        ("zeros.md", bomb(), f"it unpacks to over {importing.FILE_MAX // 1024} KB"),
        ("huge.md", "---\nfill: " + "y" * 20_000 + "\n---\n", "its front matter is over 16 KB"),
        ("bad-yaml.md", "---\ntitle: [unclosed\n---\n", "its front matter is not valid YAML"),
        ("list.md", "---\n- a\n- b\n---\n", "its front matter is not a mapping of fields"),
        ("nul.md", "---\ntitle: ok\n---\na\x00b", "Body must not contain control characters"),
        ("long-title.md", f'---\ntitle: "{"t" * 201}"\n---\n', "Title must be at most 200"),
        ("when.md", "---\ncreated: yesterday\n---\n", "its created time is not a date and time"),
        ("version.md", "---\nversion: -3\n---\n", "its version is not a whole number from 1"),
        ("big-version.md", "---\nversion: 100000000000000000000\n---\n", "its version is not"),
        ("early.md", '---\ncreated: "0001-01-01T00:00:00+01:00"\n---\n', "its created time is not"),
        ("deep.md", "---\ntitle: " + "[" * 5000 + "\n---\n", "its front matter is"),
        ("bad-tag.md", "---\ntags: ['#1']\n---\n", "its tag '#1' cannot be a tag"),
    ],
)  # fmt: skip
def test_hostile_files_are_refused_with_a_reason_and_the_rest_imported(
    api_client, name, data, reason
):
    files = {"fine.md": "# Fine\n\nkept", name: data}
    answer = api_client.post("/api/import", data=make_zip(files), headers=ZIP)
    assert answer.status_code == 200
    results = {f["file"]: f for f in answer.json["files"]}
    assert results[name]["result"] == "refused"
    assert results[name]["reason"].startswith(reason), results[name]["reason"]
    assert results["fine.md"]["result"] == "created"
    assert api_client.get("/api/notes").json["total"] == 1


@pytest.mark.parametrize(
    ("history", "reason"),
    [
        ('[{"version": 1, "title": "t", "body": "b", "saved_at": null}]', "has no time"),
        ("[" * 100_000, "its history file is not JSON"),
        (
            '[{"version": 2, "title": "t", "body": "b", "saved_at": "2024-01-01"}]',
            "numbers versions",
        ),
        ('{"version": 1}', "its history file is not a list"),
    ],
)
def test_a_hostile_history_refuses_its_note(api_client, history, reason):
    files = {"n.md": "---\ntitle: N\nversion: 2\n---\nbody", "n.history.json": history}
    answer = api_client.post("/api/import", data=make_zip(files), headers=ZIP)
    assert answer.status_code == 200
    (outcome,) = answer.json["files"]
    assert outcome["result"] == "refused" and reason in outcome["reason"], outcome
    assert api_client.get("/api/notes").json["total"] == 0


def test_duplicate_names_and_a_lying_header(api_client):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("twice.md", "first")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("twice.md", "second")
    data = bytearray(out.getvalue())
    report = api_client.post("/api/import", data=bytes(data), headers=ZIP).json
    reasons = [f["reason"] for f in report["files"]]
    assert reasons.count("the zip holds another file of the same name") == 1
    assert report["created"] == 1

    # A header that says less than the file holds: read no further than it says.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("liar.md", "x" * 100_000)
    data = bytearray(out.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")  # uncompressed size
    report = api_client.post("/api/import", data=bytes(data), headers=ZIP).json
    (liar,) = report["files"]
    assert liar["result"] == "refused" and liar["reason"].startswith("it cannot be read")


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("ENTRIES_MAX", 2, "The zip holds more than 2 files."),
        ("UNPACKED_MAX", 10, "The zip unpacks to more than 0 MB."),
    ],
)
def test_a_zip_past_its_bounds_imports_nothing(api_client, monkeypatch, limit, value, message):
    monkeypatch.setattr(importing, limit, value)
    files = {f"n{i}.md": f"note {i}" for i in range(3)}
    answer = api_client.post("/api/import", data=make_zip(files), headers=ZIP)
    assert answer.status_code == 422
    assert answer.mimetype == "application/problem+json"
    assert answer.json["errors"] == [{"field": "file", "message": message}]
    assert api_client.get("/api/notes").json["total"] == 0


def test_a_zip_whose_count_lies_is_still_bounded(api_client, monkeypatch):
    monkeypatch.setattr(importing, "ENTRIES_MAX", 2)
    data = bytearray(make_zip({f"n{i}.md": "x" for i in range(3)}))
    end = data.rfind(b"PK\x05\x06")
    data[end + 8 : end + 12] = (1).to_bytes(2, "little") * 2  # "1 file", twice over
    answer = api_client.post("/api/import", data=bytes(data), headers=ZIP)
    assert answer.status_code == 422
    assert answer.json["errors"][0]["message"] == "The zip holds more than 2 files."


def test_only_a_signed_in_person_may_send_a_large_import(app, client, anon_client):
    app.config["MAX_CONTENT_LENGTH"] = 10_000  # every other request's limit
    large = {"file": (io.BytesIO(b"x" * 100_000), "big.zip")}
    anonymous = anon_client.post("/notes/import", data=large, content_type="multipart/form-data")
    assert anonymous.status_code == 413  # MAX_CONTENT_LENGTH: not read, not kept
    token = csrf_token(client.get("/notes/import"))
    large = {"csrf_token": token, "file": (io.BytesIO(b"x" * 100_000), "big.zip")}
    signed_in = client.post("/notes/import", data=large, content_type="multipart/form-data")
    assert signed_in.status_code == 422  # read, and found to be no zip


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"not a zip", ZIP, 422),
        (b"PK\x03\x04garbage", ZIP, 422),
        (b"{}", {"Content-Type": "application/json"}, 415),
    ],
)
def test_what_is_no_zip_is_a_clear_error(api_client, body, headers, status):
    answer = api_client.post("/api/import", data=body, headers=headers)
    assert answer.status_code == status
    assert answer.mimetype == "application/problem+json"


def test_a_failure_part_of_the_way_keeps_whole_batches_and_importing_again_finishes(
    app, user, monkeypatch
):
    from notesweb.notes import service

    real, calls = service.insert_note, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("the disk is full")
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "COMMIT_EVERY", 2)
    monkeypatch.setattr(service, "insert_note", failing)
    archive = make_zip({f"n{i}.md": f"note {i}" for i in range(5)})
    with app.app_context():
        owner = db.session.get(User, user.id)
        with pytest.raises(RuntimeError):
            importing.import_zip(owner, io.BytesIO(archive))
    with app.app_context():
        # The first batch stays, each note whole; the one under way went back.
        assert db.session.scalars(db.select(Note.title).order_by(Note.id)).all() == ["n0", "n1"]
        assert db.session.get(User, user.id).note_count == 2
        report = importing.import_zip(db.session.get(User, user.id), io.BytesIO(archive))
        assert (report.created, report.skipped) == (3, 2)
        assert db.session.get(User, user.id).note_count == 5


def test_the_account_page_exports_and_the_import_form_reports(client, make_notes):
    make_notes(3)
    browser = Browser(client)
    account = browser.get("/account")
    link = account.html.select_one("#export-notes")
    assert link["href"] == "/notes/export" and link.has_attr("download")
    exported = client.get(link["href"])
    assert exported.mimetype == "application/zip"
    assert len([n for n in unzip(exported.get_data()) if n.endswith(".md")]) == 3

    form = browser.get("/notes/import")
    token = csrf_token(form.html.select_one("#import-form"))
    data = {"csrf_token": token, "file": (io.BytesIO(exported.get_data()), "mine.zip")}
    answer = client.post("/notes/import", data=data, content_type="multipart/form-data")
    assert answer.status_code == 200
    page = Browser(client).get("/notes/import")  # the form again, empty
    assert page.html.select_one("#import-report") is None
    from .html import soup

    report = soup(answer)
    summary = report.select_one("#import-summary").get_text()
    assert summary.startswith("Created 0 notes; 3 skipped as identical")
    rows = report.select("#import-files tr[data-result]")
    assert [r["data-result"] for r in rows] == ["skipped"] * 3

    junk = {"csrf_token": token, "file": (io.BytesIO(b"junk"), "junk.zip")}
    refused = client.post("/notes/import", data=junk, content_type="multipart/form-data")
    assert refused.status_code == 422
    assert soup(refused).select_one("#file-error").get_text() == "This is not a zip file."


def test_the_cli_exports_and_imports_files_and_folders(app, runner, api_client, tmp_path):
    write_account(api_client)
    from notesweb.auth import service

    with app.app_context():
        service.create_user("carol", "carol's long passphrase")
    target = tmp_path / "alice.zip"
    exported = runner.invoke(args=["notes", "export", "alice", str(target)])
    assert exported.exit_code == 0, exported.output
    assert exported.output == f"exported 5 notes of alice to {target}\n"
    dry = runner.invoke(args=["notes", "import", "carol", str(target), "--dry-run"])
    assert dry.output.splitlines()[-1] == "would create 5, skipped 0 as identical, refused 0"
    done = runner.invoke(args=["notes", "import", "carol", str(target)])
    assert done.output.splitlines()[-1] == "created 5, skipped 0 as identical, refused 0"

    folder = tmp_path / "vault"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "Idea.md").write_text("An idea")
    (folder / "passwords.md").symlink_to(tmp_path / "alice.zip")
    folded = runner.invoke(args=["notes", "import", "carol", str(folder)])
    assert "created\tsub/Idea.md" in folded.output
    assert "passwords" not in folded.output  # a link is not followed
    missing = runner.invoke(args=["notes", "import", "carol", str(tmp_path / "alice.zip.x")])
    assert missing.exit_code != 0
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"junk")
    refused = runner.invoke(args=["notes", "import", "carol", str(junk)])
    assert refused.exit_code == 1 and "This is not a zip file." in refused.output


def test_an_export_holds_only_its_owners_notes(api_client, bob_api):
    bob_api.post("/api/notes", json={"title": "Bob's secret"})
    api_client.post("/api/notes", json={"title": "Alice's"})
    names = unzip(api_client.get("/api/export").get_data())
    assert [n for n in names if n.endswith(".md")] == [next(n for n in names if "alice-s" in n)]
    assert b"Bob" not in b"".join(names.values())
