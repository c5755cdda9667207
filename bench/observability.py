"""What do metrics and the access log cost? GET /api/notes/<id> with each of them on
and off, side by side in one run.

    .venv/bin/python bench/observability.py [--seconds 10] [--rounds 3]

Makes a SQLite database with 1,000 notes and a token, then measures each setup two
ways, for several rounds (so that a noisy moment of a shared machine hits them all
alike), and prints the medians:

- instructions per request in process, counted by valgrind's callgrind (Flask test
  client, metrics in multiprocess mode as under gunicorn, the log written to
  /dev/null): what the code costs, the same whatever else the machine is doing. Each
  setup runs twice, with 50 and with 250 requests, and the difference is divided by
  200, so start-up and warm-up cancel out (Debian: `apt-get install valgrind`);
- requests per second from outside: gunicorn (gunicorn.conf.py, 2 workers) under
  `wrk -t1 -c8 -d{seconds}s` (Debian: `apt-get install wrk`).
"""

from __future__ import annotations

import argparse
import contextlib
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

# Metrics as gunicorn's workers keep them (files in a directory), also in process.
os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", tempfile.mkdtemp(prefix="bench-metrics-"))

from flask_migrate import upgrade  # noqa: E402

from notesweb import create_app  # noqa: E402
from notesweb.auth import service as auth_service  # noqa: E402
from notesweb.extensions import db  # noqa: E402
from notesweb.notes import service as notes_service  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-key-that-is-long-enough-for-production"
SETUPS = {
    "metrics on, JSON access log on": {"METRICS_ENABLED": "true", "LOG_LEVEL": "INFO"},
    "metrics on, access log off": {"METRICS_ENABLED": "true", "LOG_LEVEL": "WARNING"},
    "metrics off, JSON access log on": {"METRICS_ENABLED": "false", "LOG_LEVEL": "INFO"},
    "metrics off, access log off": {"METRICS_ENABLED": "false", "LOG_LEVEL": "WARNING"},
}


# A limit no run reaches, over a window short enough that the in-memory moving window
# (whose cost grows with the hits it holds) stays small and alike for all setups.
UNLIMITED = {"API_RATE_LIMIT": "1000000 per second"}


def prepare(url: str, notes: int) -> tuple[str, int]:
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url, "LOG_LEVEL": "ERROR"})
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
            "SECRET_KEY": SECRET,
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


def run_requests(url: str, path: str, token: str, count: int) -> None:
    """The child that callgrind counts: `count` requests, after a warm-up."""
    os.environ.update(UNLIMITED)
    app = create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": url})
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    with open(os.devnull, "w") as devnull, contextlib.redirect_stderr(devnull):
        for _ in range(20 + count):
            assert client.get(path, headers=headers).status_code == 200


def instructions(url: str, settings: dict[str, str], path: str, token: str, count: int) -> int:
    valgrind = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    child = [sys.executable, __file__, "--child", url, path, token, str(count)]
    counted = subprocess.run(
        [*valgrind, *child], env=os.environ | settings, capture_output=True, text=True
    )
    if counted.returncode != 0:
        raise RuntimeError(counted.stderr[-2000:])
    return int(re.search(r"Collected : (\d+)", counted.stderr).group(1))


def instructions_per_request(url: str, settings: dict[str, str], path: str, token: str) -> float:
    few, many = (instructions(url, settings, path, token, n) for n in (50, 250))
    return (many - few) / 200


def requests_per_second(base: str, path: str, token: str, seconds: int) -> float:
    wrk = ["wrk", "-t1", "-c8", f"-d{seconds}s", "-H", f"Authorization: Bearer {token}"]
    out = subprocess.run([*wrk, base + path], capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"some requests failed:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        url, path, token, count = sys.argv[2:6]
        return run_requests(url, path, token, int(count))
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--notes", type=int, default=1000)
    args = parser.parse_args()
    for program in ("wrk", "valgrind"):
        if shutil.which(program) is None:
            sys.exit(f"{program} not found (Debian: apt-get install {program})")
    results: dict[str, list[float]] = {name: [] for name in SETUPS}
    counted: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        token, note_id = prepare(url, args.notes)
        for name, settings in SETUPS.items():
            counted[name] = instructions_per_request(url, settings, f"/api/notes/{note_id}", token)
            print(f"{name}: {counted[name]:,.0f} instructions per request", flush=True)
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
    print("\nGET /api/notes/<id>:")
    print(
        "| setup | instructions per request, in process "
        f"| req/s, gunicorn 2 workers, wrk -c8 {args.seconds}s, median of {args.rounds} |"
    )
    print("|---|---|---|")
    for name, rates in results.items():
        rate = f"{statistics.median(rates):,.0f}" if rates else "–"
        print(f"| {name} | {counted[name]:,.0f} | {rate} |")


if __name__ == "__main__":
    main()
