"""What do metrics and the access log cost? Requests per second for one note over the
API, with each of them on and off, side by side in one run.

    .venv/bin/python bench/observability.py [--seconds 10] [--rounds 3]

Makes a SQLite database with 1,000 notes and a token, then, for each setup in turn
and for several rounds (so that a noisy moment of a shared machine hits them all
alike), starts gunicorn (gunicorn.conf.py, 2 workers) and runs
`wrk -t1 -c8 -d{seconds}s` on GET /api/notes/<id>. Prints the median req/s of each.
Needs wrk (Debian: `apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from flask_migrate import upgrade

from notesweb import create_app
from notesweb.auth import service as auth_service
from notesweb.extensions import db
from notesweb.notes import service as notes_service

ROOT = Path(__file__).resolve().parent.parent
SETUPS = {
    "metrics on, JSON access log on": {"METRICS_ENABLED": "true", "LOG_LEVEL": "INFO"},
    "metrics on, access log off": {"METRICS_ENABLED": "true", "LOG_LEVEL": "WARNING"},
    "metrics off, JSON access log on": {"METRICS_ENABLED": "false", "LOG_LEVEL": "INFO"},
    "metrics off, access log off": {"METRICS_ENABLED": "false", "LOG_LEVEL": "WARNING"},
}


def prepare(url: str, notes: int) -> tuple[str, int]:
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "ERROR"})
    with app.app_context():
        upgrade()
        owner = auth_service.create_user("bench", "a long bench passphrase")
        token, _ = auth_service.create_token(owner, "bench")
        ids = [notes_service.create_note(owner, f"Note {i}", "x" * 500).id for i in range(notes)]
        db.engine.dispose()
    return token, ids[len(ids) // 2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, settings: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = (
        os.environ
        | settings
        | {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "WEB_CONCURRENCY": "2",
            # A limit no run reaches: the rate limiter is measured elsewhere (issue 13).
            "API_RATE_LIMIT": "10000000 per minute",
        }
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
            return server, base
        except OSError:
            if time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)


def requests_per_second(base: str, path: str, token: str, seconds: int) -> float:
    wrk = ["wrk", "-t1", "-c8", f"-d{seconds}s", "-H", f"Authorization: Bearer {token}"]
    out = subprocess.run([*wrk, base + path], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"some requests failed:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--notes", type=int, default=1000)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk not found (Debian: apt-get install wrk)")
    results: dict[str, list[float]] = {name: [] for name in SETUPS}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        token, note_id = prepare(url, args.notes)
        for round_number in range(args.rounds):
            for name, settings in SETUPS.items():
                server, base = serve(url, settings)
                try:
                    # Warm both workers (imports, templates, the connection pool).
                    requests_per_second(base, f"/api/notes/{note_id}", token, 2)
                    rate = requests_per_second(base, f"/api/notes/{note_id}", token, args.seconds)
                finally:
                    server.terminate()
                    server.wait()
                results[name].append(rate)
                print(f"round {round_number + 1}: {name}: {rate:,.0f} req/s", flush=True)
    print(f"\nGET /api/notes/<id>, gunicorn 2 workers, wrk -t1 -c8 -d{args.seconds}s, median:")
    print("| setup | req/s |\n|---|---|")
    for name, rates in results.items():
        print(f"| {name} | {statistics.median(rates):,.0f} |")


if __name__ == "__main__":
    main()
