"""What an operator sees of a real gunicorn with two workers: counts summed exactly
over both workers, dead workers no longer in progress, a fresh count at every start,
one JSON line per request on stderr, and spans on stdout when asked for."""

from __future__ import annotations

import json
import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from .servers import gunicorn, prepare_database

NOTE_ROUTE = "/api/notes/<int:note_id>"


@pytest.fixture
def served(database_url):
    """A database with alice, her token and one note of hers."""
    token = prepare_database(database_url)
    bearer = {"Authorization": f"Bearer {token}"}
    return database_url, bearer


def make_note(base: str, bearer: dict) -> int:
    made = requests.post(f"{base}/api/notes", json={"title": "Counted"}, headers=bearer, timeout=15)
    assert made.status_code == 201
    return made.json()["id"]


def count(base: str, route: str, status: str = "200") -> float:
    text = requests.get(f"{base}/metrics", timeout=15).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = {"method": "GET", "route": route, "status": status}
            if sample.name == "notesweb_http_requests_total" and sample.labels == labels:
                return sample.value
    return 0.0


def in_progress(base: str) -> float:
    text = requests.get(f"{base}/metrics", timeout=15).text
    (family,) = [
        f for f in text_string_to_metric_families(text)
        if f.name == "notesweb_http_requests_in_progress"
    ]  # fmt: skip
    return sum(sample.value for sample in family.samples)


def test_counts_are_exact_over_two_workers_and_start_afresh(served, tmp_path):
    database_url, bearer = served
    metrics_dir = tmp_path / "metrics"
    requests_made = 200
    with gunicorn(database_url, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)) as server:
        note_url = f"{server.url}/api/notes/{make_note(server.url, bearer)}"
        before = count(server.url, NOTE_ROUTE)

        def fetch(_):
            # A connection per request, so that both workers take their share.
            return requests.get(note_url, headers=bearer, timeout=15).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(fetch, range(requests_made))) == {200}
        counters = list(metrics_dir.glob("counter_*.db"))
        assert len(counters) == 2, "both workers served"
        # Whichever worker answers the scrape, it reads the sum of both.
        for _ in range(6):
            assert count(server.url, NOTE_ROUTE) - before == requests_made
        # The scrape is the one request in progress.
        assert in_progress(server.url) == 1
    with gunicorn(database_url, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir)) as server:
        assert count(server.url, NOTE_ROUTE) == 0


def test_a_worker_killed_mid_request_is_no_longer_in_progress(served):
    database_url, bearer = served
    with (
        gunicorn(database_url) as server,
        socket.create_connection(("127.0.0.1", server.port)) as stuck,
    ):
        # A request whose body never finishes arriving holds one worker mid-request.
        stuck.sendall(
            b"POST /api/notes HTTP/1.1\r\nHost: notesweb\r\n"
            + f"Authorization: {bearer['Authorization']}\r\n".encode()
            + b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        wait_for(lambda: in_progress(server.url) == 2)  # it, and the scrape
        for worker in workers_of(server.process.pid):
            os.kill(worker, signal.SIGKILL)
        wait_for(lambda: len(workers_of(server.process.pid)) == 2 and ready(server.url))
        assert in_progress(server.url) == 1


def workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def ready(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=2).ok
    except requests.RequestException:
        return False


def wait_for(condition, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.2)


def test_the_log_is_json_lines_with_each_requests_id(served):
    database_url, bearer = served
    with gunicorn(database_url, LOG_LEVEL="INFO") as server:
        note_id = make_note(server.url, bearer)
        for n in range(4):
            headers = bearer | {"X-Request-ID": f"line-{n}"}
            requests.get(f"{server.url}/api/notes/{note_id}?n={n}", headers=headers, timeout=15)
        requests.get(f"{server.url}/api/notes/999999", headers=bearer, timeout=15)
        time.sleep(0.5)
        output = server.output()
    app_lines = [line for line in output.splitlines() if line.startswith("{")]
    logged = [json.loads(line) for line in app_lines]
    by_id = {line["request_id"]: line for line in logged if line["logger"] == "notesweb.access"}
    for n in range(4):
        line = by_id[f"line-{n}"]
        assert (line["route"], line["path"]) == (NOTE_ROUTE, f"/api/notes/{note_id}")
        assert line["status"] == 200 and line["user_id"] == 1
    assert not [line for line in logged if line.get("path") in ("/healthz", "/metrics")]


def test_console_spans_appear_on_stdout(served):
    database_url, bearer = served
    with gunicorn(database_url, workers=1, OTEL_TRACES_EXPORTER="console") as server:
        note_id = make_note(server.url, bearer)
        headers = bearer | {"X-Request-ID": "span-me"}
        assert requests.get(f"{server.url}/api/notes/{note_id}", headers=headers).ok
        deadline = time.monotonic() + 10
        while "span-me" not in server.output():
            assert time.monotonic() < deadline, "no span was printed"
            time.sleep(0.2)
        spans = printed_spans(server.output())
    (request_span,) = [
        s for s in spans if s["attributes"].get("notesweb.request_id") == "span-me"
    ]  # fmt: skip
    assert request_span["name"] == f"GET {NOTE_ROUTE}"
    assert request_span["kind"] == "SpanKind.SERVER"
    children = [s for s in spans if s["parent_id"] == request_span["context"]["span_id"]]
    assert any("notes" in s["attributes"].get("db.statement", "") for s in children)


def printed_spans(output: str) -> list[dict]:
    """The JSON objects ConsoleSpanExporter printed among the other lines."""
    decoder = json.JSONDecoder()
    spans, position = [], 0
    while (start := output.find('{\n    "name"', position)) != -1:
        span, position = decoder.raw_decode(output, start)
        spans.append(span)
    return spans
