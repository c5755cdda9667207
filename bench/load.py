"""Many writers at once: N clients create, edit and delete notes against a server.

    .venv/bin/python bench/load.py http://127.0.0.1:8000 --token TOKEN [--clients 8] [--seconds 20]

Each client loops: create a note, read it, edit it, and delete every third one, over
the JSON API. At the end it checks that every acknowledged create that was not
deleted is still there, and prints counts and latency percentiles.
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

TOKEN = ""


def call(base: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict, float]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Authorization", f"Bearer {TOKEN}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    elapsed = (time.perf_counter() - started) * 1000
    return status, (json.loads(raw) if raw else {}), elapsed


def client(base: str, seconds: float, n: int, kept: list, statuses: Counter, timings: list):
    deadline = time.monotonic() + seconds
    i = 0
    while time.monotonic() < deadline:
        i += 1
        status, note, ms = call(base, "POST", "/api/notes", {"title": f"c{n} #{i}", "body": "x"})
        statuses[("POST", status)] += 1
        timings.append(ms)
        if status != 201:
            continue
        url = f"/api/notes/{note['id']}"
        for method, body in (("GET", None), ("PATCH", {"body": f"edited {i}"})):
            status, _, ms = call(base, method, url, body)
            statuses[(method, status)] += 1
            timings.append(ms)
        if i % 3 == 0:
            status, _, ms = call(base, "DELETE", url)
            statuses[("DELETE", status)] += 1
            timings.append(ms)
        else:
            kept.append(note["id"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--token", required=True, help="an API token (account page or CLI)")
    args = parser.parse_args()
    global TOKEN
    TOKEN = args.token
    kept, statuses, timings = [], Counter(), []
    threads = [
        threading.Thread(target=client, args=(args.base, args.seconds, n, kept, statuses, timings))
        for n in range(args.clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    missing = [i for i in kept if call(args.base, "GET", f"/api/notes/{i}")[0] != 200]
    quantiles = statistics.quantiles(timings, n=100)
    print(f"requests: {len(timings)} in {args.seconds:.0f} s with {args.clients} clients")
    print("statuses:", dict(sorted(statuses.items())))
    print(f"latency ms: p50 {quantiles[49]:.1f}, p95 {quantiles[94]:.1f}, p99 {quantiles[98]:.1f}")
    print(f"acknowledged and kept: {len(kept)}, missing afterwards: {len(missing)}")
    failed = sum(c for (_, status), c in statuses.items() if status >= 500)
    raise SystemExit(1 if failed or missing else 0)


if __name__ == "__main__":
    main()
