"""Many writers at once: N clients create, edit and delete notes against a server.

    .venv/bin/python bench/load.py http://127.0.0.1:8000 --token TOKEN [--clients 8] [--seconds 20]

Each client loops: create a note, read it, edit it, and delete every third one, over
the JSON API. At the end it checks that every acknowledged create that was not
deleted is still there with its last acknowledged edit, that every acknowledged delete
stuck, and prints counts and latency percentiles. `tests/test_load.py`
runs the same load against gunicorn in the test suite.
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    seconds: float
    clients: int
    statuses: Counter = field(default_factory=Counter)  # (method, status): count
    timings: list[float] = field(default_factory=list)  # milliseconds per request
    # Acknowledged creates not deleted, with the bodies each may hold: the last one
    # acknowledged, and any sent since whose answer was lost (it may have been saved).
    kept: dict[int, set[str]] = field(default_factory=dict)
    deleted: list[int] = field(default_factory=list)  # acknowledged deletes
    missing: list[int] = field(default_factory=list)  # kept, but gone or not as written
    resurrected: list[int] = field(default_factory=list)  # deleted, but still there

    @property
    def unexpected(self) -> dict[tuple[str, int], int]:
        return {key: n for key, n in self.statuses.items() if key not in EXPECTED}

    @property
    def lost(self) -> bool:
        return bool(self.missing or self.resurrected)

    def report(self) -> str:
        lines = [
            f"requests: {len(self.timings)} in {self.seconds:.0f} s with {self.clients} clients",
            f"statuses: {dict(sorted(self.statuses.items()))}",
        ]
        if len(self.timings) >= 2:
            q = statistics.quantiles(self.timings, n=100)
            lines.append(f"latency ms: p50 {q[49]:.1f}, p95 {q[94]:.1f}, p99 {q[98]:.1f}")
        lines.append(
            f"acknowledged and kept: {len(self.kept)}, missing or changed afterwards: "
            f"{len(self.missing)}; deleted: {len(self.deleted)}, still there: "
            f"{len(self.resurrected)}"
        )
        return "\n".join(lines)


EXPECTED = {("POST", 201), ("GET", 200), ("PATCH", 200), ("DELETE", 204)}


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, float]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except OSError:  # refused or reset: counted as a failure, like a 5xx
            status, raw = 599, b""
        elapsed = (time.perf_counter() - started) * 1000
        try:
            body = json.loads(raw) if raw else {}
        except ValueError:  # a proxy's HTML error page
            body = {}
        return status, body, elapsed


def client(api: Api, n: int, deadline: float, result: LoadResult) -> None:
    i = 0
    while time.monotonic() < deadline:
        i += 1
        status, note, ms = api.call("POST", "/api/notes", {"title": f"c{n} #{i}", "body": "x"})
        result.statuses[("POST", status)] += 1
        result.timings.append(ms)
        if status != 201:
            continue
        result.kept[note["id"]] = {"x"}
        url = f"/api/notes/{note['id']}"
        status, _, ms = api.call("GET", url)
        result.statuses[("GET", status)] += 1
        result.timings.append(ms)
        edited = f"edited {i}"
        status, _, ms = api.call("PATCH", url, {"body": edited})
        result.statuses[("PATCH", status)] += 1
        result.timings.append(ms)
        if status == 200:
            result.kept[note["id"]] = {edited}
        else:
            result.kept[note["id"]].add(edited)
        if i % 3 == 0:
            status, _, ms = api.call("DELETE", url)
            result.statuses[("DELETE", status)] += 1
            result.timings.append(ms)
            # An unanswered delete may or may not have happened: nothing to check.
            result.kept.pop(note["id"])
            if status == 204:
                result.deleted.append(note["id"])


def run_load(base: str, token: str, clients: int = 8, seconds: float = 20) -> LoadResult:
    """`clients` threads write for `seconds`; then every kept note is looked up."""
    api = Api(base, token)
    deadline = time.monotonic() + seconds
    # One result per thread, merged afterwards: no counts lost to races.
    parts = [LoadResult(seconds=seconds, clients=1) for _ in range(clients)]
    threads = [
        threading.Thread(target=client, args=(api, n, deadline, part))
        for n, part in enumerate(parts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = LoadResult(seconds=seconds, clients=clients)
    for part in parts:
        result.statuses.update(part.statuses)
        result.timings += part.timings
        result.kept |= part.kept
        result.deleted += part.deleted
    for note_id, bodies in result.kept.items():
        status, note, _ = api.call("GET", f"/api/notes/{note_id}")
        if status != 200 or note.get("body") not in bodies:
            result.missing.append(note_id)
    result.resurrected = [i for i in result.deleted if api.call("GET", f"/api/notes/{i}")[0] != 404]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--token", required=True, help="an API token (account page or CLI)")
    args = parser.parse_args()
    result = run_load(args.base, args.token, args.clients, args.seconds)
    print(result.report())
    raise SystemExit(1 if result.unexpected or result.lost else 0)


if __name__ == "__main__":
    main()
