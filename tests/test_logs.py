"""The log, as an operator reads it on stderr: one JSON line per request with what
happened, the app's own lines with the same request id, and no secret anywhere.
(test_observability_server.py reads the log of a real gunicorn.)"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy.exc import OperationalError

from notesweb.config import WORKER_BOOT_ERROR

from .conftest import PASSWORD, make_app
from .html import Browser


class Log:
    """What the app wrote to stderr since the test began."""

    def __init__(self, capsys):
        self._capsys = capsys
        self._text = ""

    def text(self) -> str:
        self._text += self._capsys.readouterr().err
        return self._text

    def lines(self) -> list[dict]:
        return [json.loads(line) for line in self.text().splitlines() if line.startswith("{")]

    def of(self, request_id: str) -> list[dict]:
        return [line for line in self.lines() if line["request_id"] == request_id]

    def access(self, request_id: str) -> list[dict]:
        return [line for line in self.of(request_id) if line["logger"] == "notesweb.access"]


@pytest.fixture
def log(capsys) -> Log:
    capsys.readouterr()  # what setting up the test wrote
    return Log(capsys)


def migrated_app(database_url, **settings):
    app = make_app(database_url, **settings)
    with app.app_context():
        upgrade()
    return app


def test_a_request_is_one_line_saying_what_it_was_and_how_it_went(
    api_client, make_notes, user, log
):
    (note_id,) = make_notes(1)
    response = api_client.get(
        f"/api/notes/{note_id}?fields=ignored", headers={"X-Request-ID": "r1"}
    )
    (line,) = log.of("r1")
    assert line == {
        "time": line["time"],
        "level": "info",
        "logger": "notesweb.access",
        "request_id": "r1",
        "method": "GET",
        "route": "/api/notes/<int:note_id>",
        "path": f"/api/notes/{note_id}",
        "status": response.status_code,
        "duration_ms": line["duration_ms"],
        "user_id": user.id,
        "bytes": len(response.get_data()),
    }
    logged_at = datetime.fromisoformat(line["time"])
    assert logged_at.utcoffset().total_seconds() == 0 and line["time"].endswith("Z")
    assert abs((datetime.now(UTC) - logged_at).total_seconds()) < 60
    assert 0 < line["duration_ms"] < 60_000


def test_a_request_nobody_signed_in_to_has_no_user_and_no_route_when_unmatched(anon_client, log):
    anon_client.get("/no/such/page/42", headers={"X-Request-ID": "r2"})
    (line,) = log.of("r2")
    assert (line["route"], line["path"], line["status"]) == ("unmatched", "/no/such/page/42", 404)
    assert line["user_id"] is None


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/metrics"])
def test_probes_and_scrapes_are_logged_at_debug_only(database_url, log, path):
    quiet = migrated_app(database_url).test_client()
    assert quiet.get(path, headers={"X-Request-ID": "probe"}).status_code == 200
    assert log.access("probe") == []
    chatty = migrated_app(database_url, LOG_LEVEL="DEBUG").test_client()
    chatty.get(path, headers={"X-Request-ID": "probe"})
    assert [line["level"] for line in log.access("probe")] == ["debug"]


def test_a_server_error_logs_its_traceback_once_with_the_request_id(api_client, monkeypatch, log):
    from notesweb.notes import service

    def broken(*_args, **_kwargs):
        raise RuntimeError("a bug in the service")

    monkeypatch.setattr(service, "list_notes_by_offset", broken)
    assert api_client.get("/api/notes", headers={"X-Request-ID": "r3"}).status_code == 500
    lines = log.of("r3")
    errors = [line for line in lines if line["level"] == "error"]
    assert len(errors) == 1
    assert errors[0]["message"] == "unhandled error"
    assert "Traceback" in errors[0]["exception"]
    assert "RuntimeError: a bug in the service" in errors[0]["exception"]
    assert [line["status"] for line in lines if "status" in line] == [500]
    assert log.text().count("RuntimeError: a bug in the service") == 1


def test_an_outage_warning_carries_the_request_id(api_client, monkeypatch, log):
    from notesweb.notes import service

    def locked(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("database is locked"))

    monkeypatch.setattr(service, "list_notes_by_offset", locked)
    assert api_client.get("/api/notes", headers={"X-Request-ID": "r4"}).status_code == 503
    (warning,) = [line for line in log.of("r4") if line["level"] == "warning"]
    assert warning["message"] == "database unavailable: OperationalError: database is locked"


def test_console_format_is_for_people(database_url, log):
    client = migrated_app(database_url, LOG_FORMAT="console").test_client()
    client.get("/login", headers={"X-Request-ID": "r5"})
    (line,) = [line for line in log.text().splitlines() if "[r5]" in line]
    assert not line.startswith("{")
    assert " INFO " in line and "GET /login 200 " in line and line.endswith(" B")


@pytest.mark.parametrize(
    ("setting", "reason"),
    [
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be one of json, console, not 'xml'"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not 'LOUD'"),
    ],
)
def test_an_unknown_log_setting_stops_the_app_with_a_reason(database_url, capsys, setting, reason):
    with pytest.raises(SystemExit) as stopped:
        make_app(database_url, **setting)
    assert stopped.value.code == WORKER_BOOT_ERROR
    assert reason in capsys.readouterr().err


def test_no_password_token_cookie_or_note_text_reaches_the_log(database_url, log):
    """Signs up, signs in, makes a token, writes a note, fails a sign-in: logged at
    debug, nothing secret or written is in the log, though every request is."""
    app = migrated_app(database_url, LOG_LEVEL="DEBUG")
    client = app.test_client()
    browser = Browser(client)
    password = "correct horse battery staple 42"
    note_body = "My secret diary entry, never for a log"
    signed_up = browser.submit(
        browser.get("/signup"), "#signup-form", username="bob", password=password
    )
    browser.submit(signed_up, "form.logout")
    browser.submit(browser.get("/login"), "#login-form", username="bob", password=password)
    made = browser.submit(browser.get("/account"), "#token-form", name="laptop", password=password)
    token = made.html.select_one("#new-token").get_text().strip()
    browser.submit(browser.get("/notes/new"), "#note-form", title="Diary", body=note_body)
    api = app.test_client()
    written = api.post(
        "/api/notes",
        json={"title": "From a script", "body": note_body},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert written.status_code == 201
    other = app.test_client()
    failed = Browser(other)
    failed.submit(failed.get("/login"), "#login-form", username="bob", password=password + "!")
    session_cookie = client.get_cookie("session").value

    logged = log.text()
    assert logged.count('"logger": "notesweb.access"') >= 10
    for secret in (password, password + "!", token, session_cookie, note_body, "Diary"):
        assert secret not in logged
    assert PASSWORD not in logged
