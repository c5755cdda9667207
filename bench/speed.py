"""How fast is each kind of request, and does it stay as fast at a million notes?

    .venv/bin/python bench/speed.py [--sizes 1000,100000,1000000] [--seconds 10]
                                    [--database-url URL] [--source DIR] [--label NAME]
                                    [--only REGEX] [--clients 8]

For each size the account "bench" is seeded up to that many notes (`flask notes seed`),
and the app is served as production serves it: gunicorn with gunicorn.conf.py and
2 workers, JSON access log and metrics on, rate limits on (in Redis, as several
instances share them) with a limit far above the load. wrk (Debian: `apt-get install
wrk`) drives every request below at a fixed concurrency (-t1 -c8, or -c`--clients`)
for `--seconds`, after a warm-up, from a separate process; a Lua script adds the
bearer token, the session cookie and the POST and PATCH bodies. The same gunicorn settings serving a
bare WSGI "hello" (bench/hello.py) give the ceiling; serving a minimal Flask +
Flask-SQLAlchemy get by id (bench/minimal.py) gives the yardstick the targets came from.

It writes bench/results/speed-<label>.md (the table, the machine, the date, and the
issue's targets met or not) and speed-<label>.png (matplotlib). The database is
SQLite in a temporary folder unless `--database-url` names another (a PostgreSQL
database gets a schema of its own, dropped at the end). `--source` serves and seeds
another checkout of notesweb (a git worktree), to compare two versions on one machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import requests
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
USERNAME, PASSWORD = "bench", "a long bench passphrase"
SECRET = "bench-secret-key-that-is-long-enough-for-production-checks"
PAGE_SIZE, OFFSET_MAX, DEEP_PAGE = 20, 10_000, 10_000
CLIENTS = 8
WARM_UP_SECONDS = 3


@dataclass
class Endpoint:
    name: str
    method: str
    paths: list[str]
    auth: str  # "cookie" or "bearer"
    body: str | None = None  # a Lua expression of `n`, the request's number
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int


# --- the app, as production runs it ---------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url: str, namespace: str) -> dict[str, str]:
    return os.environ | {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "WEB_CONCURRENCY": "2",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
        "METRICS_ENABLED": "true",
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379"),
        "RATELIMIT_NAMESPACE": namespace,
        # Far above what 8 clients can send, so that no request is refused, but counted.
        "API_RATE_LIMIT": "10000000 per minute",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "FLASK_APP": "notesweb",
    }


def flask(source: Path, env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=source, env=env, input=stdin, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


@contextlib.contextmanager
def gunicorn(source: Path, env: dict[str, str], app: str, log: Path):
    port = free_port()
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(source / "gunicorn.conf.py"),
             "--bind", f"127.0.0.1:{port}", app],
            cwd=source, env=env, stdout=out, stderr=out,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/healthz", timeout=5)
                break
            except requests.RequestException:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start; see {log}") from None
                time.sleep(0.2)
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def worker_rss_mb(master: int) -> list[float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        kilobytes = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
        sizes.append(kilobytes / 1024)
    return sizes


# --- what the load sees ----------------------------------------------------------


def sign_in(base: str) -> str:
    """The Cookie header of a signed-in browser."""
    browser = requests.Session()
    login = BeautifulSoup(browser.get(f"{base}/login").text, "html.parser")
    token = login.select_one("#login-form input[name=csrf_token]")["value"]
    signed_in = browser.post(
        f"{base}/login", data={"csrf_token": token, "username": USERNAME, "password": PASSWORD}
    )
    signed_in.raise_for_status()
    assert signed_in.url.endswith("/notes/"), signed_in.url
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


def api_token(base: str) -> str:
    made = requests.post(f"{base}/api/tokens", auth=(USERNAME, PASSWORD), json={"name": "bench"})
    made.raise_for_status()
    return made.json()["token"]


CURSOR_AT = """
import sys
from sqlalchemy import select
from notesweb import create_app
from notesweb.extensions import db
from notesweb.models import User
from notesweb.notes import service

with create_app().app_context():
    owner = db.session.scalar(select(User).where(User.username_key == sys.argv[1]))
    for skip in map(int, sys.argv[2:]):
        print(service.list_notes_by_offset(owner, skip - 1, 1).next)
"""


def cursors_after(source: Path, env: dict[str, str], *skips: int) -> list[str]:
    """The cursors of the pages that start after `skips` notes, as the app signs them."""
    done = subprocess.run(
        [sys.executable, "-c", CURSOR_AT, USERNAME, *map(str, skips)],
        cwd=source, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.split()


def note_ids(base: str, token: str, size: int, count: int = 1000) -> list[int]:
    """`count` ids from the middle of the list (or as deep as offsets go), by the API."""
    headers = {"Authorization": f"Bearer {token}"}
    start, ids = min(size // 2, OFFSET_MAX - count), []
    while len(ids) < min(count, size):
        page = requests.get(
            f"{base}/api/notes",
            params={"offset": start + len(ids), "limit": 100},
            headers=headers,
        ).json()
        ids += [note["id"] for note in page["items"]]
        if not page["items"]:
            break
    return ids


# The seed's most used tag (on about 1 note in 8) and its least (about 1 in 200).
COMMON_TAG, RARE_TAG = "work", "cooking"


def deepest_offset(size: int) -> int:
    return min(OFFSET_MAX, max(size - PAGE_SIZE, 0))


def search_words(source: Path, env: dict[str, str]) -> list[str]:
    """The seed's made-up words, most used first, as the source's seed makes them."""
    done = subprocess.run(
        [sys.executable, "-c", "from notesweb.notes.seed import tail_words; print(*tail_words())"],
        cwd=source, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.split()


# Searches by how many notes their words are in: the seed's made-up words of these
# ranks (the first most used), and one of its common words.
SEARCHES = {"a rare word": 3000, "a word of rank 300": 300, "a word of rank 30": 30}
COMMON_WORD = "meeting"


def search_endpoints(words: list[str]) -> list[Endpoint]:
    cells = [
        Endpoint(f"API search, {name}", "GET", [f"/api/notes?q={words[rank]}&limit=20"], "bearer")
        for name, rank in SEARCHES.items()
    ]
    two = f"{words[SEARCHES['a word of rank 30']]}+{words[SEARCHES['a word of rank 300']]}"
    return cells + [
        Endpoint("API search, a common word", "GET", [f"/api/notes?q={COMMON_WORD}&limit=20"],
                 "bearer"),
        Endpoint("API search, two words", "GET", [f"/api/notes?q={two}&limit=20"], "bearer"),
        Endpoint("HTMX search as you type (3 letters)", "GET",
                 [f"/notes/?q={words[SEARCHES['a word of rank 300']][:3]}"], "cookie",
                 headers={"HX-Request": "true"}),
    ]  # fmt: skip


def endpoints(size: int, ids: list[int], deep: str, second: str) -> list[Endpoint]:
    note_paths = [f"/notes/{i}" for i in ids]
    api_paths = [f"/api/notes/{i}" for i in ids]
    return [
        Endpoint("HTML list, first page", "GET", ["/notes/"], "cookie"),
        Endpoint("HTML list, page 10,000 by cursor", "GET", [f"/notes/?cursor={deep}"], "cookie"),
        Endpoint("HTMX list fragment (Load more)", "GET", [f"/notes/?cursor={second}"], "cookie",
                 headers={"HX-Request": "true"}),  # fmt: skip
        Endpoint("HTML note page", "GET", note_paths, "cookie"),
        Endpoint("API list, first page", "GET", ["/api/notes?limit=20"], "bearer"),
        Endpoint("API list, page 10,000 by cursor", "GET",
                 [f"/api/notes?cursor={deep}&limit=20"], "bearer"),  # fmt: skip
        Endpoint("API list, offset 20", "GET", ["/api/notes?offset=20&limit=20"], "bearer"),
        Endpoint("API list, deepest offset", "GET",
                 [f"/api/notes?offset={deepest_offset(size)}&limit=20"], "bearer"),  # fmt: skip
        Endpoint("HTML list, by a common tag", "GET", [f"/notes/?tag={COMMON_TAG}"], "cookie"),
        Endpoint("API list, by a common tag", "GET",
                 [f"/api/notes?tag={COMMON_TAG}&limit=20"], "bearer"),
        Endpoint("API list, by a rare tag", "GET",
                 [f"/api/notes?tag={RARE_TAG}&limit=20"], "bearer"),
        Endpoint("HTML list, by title", "GET", ["/notes/?sort=title"], "cookie"),
        Endpoint("API list, by title", "GET", ["/api/notes?sort=title&limit=20"], "bearer"),
        Endpoint("API list, by creation", "GET", ["/api/notes?sort=created&limit=20"], "bearer"),
        Endpoint("API list, by a common tag, by title", "GET",
                 [f"/api/notes?tag={COMMON_TAG}&sort=title&limit=20"], "bearer"),
        Endpoint("API list, by a common tag, by creation", "GET",
                 [f"/api/notes?tag={COMMON_TAG}&sort=created&limit=20"], "bearer"),
        Endpoint("API get", "GET", api_paths, "bearer"),
        Endpoint("API create", "POST", ["/api/notes"], "bearer",
                 body='\'{"title": "Bench note \' .. n .. \'", "body": "Written under load."}\''),
        Endpoint("API update", "PATCH", api_paths, "bearer",
                 body='\'{"body": "Edited under load, time \' .. n .. \'."}\''),
    ]  # fmt: skip


LUA = """
local paths = {%(paths)s}
local headers = {%(headers)s}
local n = 0
request = function()
  n = n + 1
  local body = %(body)s
  return wrk.format("%(method)s", paths[(n %% #paths) + 1], headers, body)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"p50_us\\": %%d, " ..
    "\\"p99_us\\": %%d, \\"errors\\": %%d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string of ASCII is a valid Lua string


def wrk(
    base: str,
    endpoint: Endpoint,
    auth: dict[str, str],
    seconds: int,
    script: Path,
    clients: int = CLIENTS,
) -> Result:
    headers = dict(endpoint.headers)
    headers |= {"Cookie": auth["cookie"]} if endpoint.auth == "cookie" else {}
    headers |= {"Authorization": f"Bearer {auth['token']}"} if endpoint.auth == "bearer" else {}
    if endpoint.body:
        headers["Content-Type"] = "application/json"
    script.write_text(
        LUA
        % {
            "paths": ", ".join(map(lua_string, endpoint.paths)),
            "headers": ", ".join(
                f"[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items()
            ),  # noqa: E501
            "body": endpoint.body or "nil",
            "method": endpoint.method,
        }
    )
    command = ["wrk", "-t1", f"-c{clients}", "--timeout", "10s", "-s", str(script), base]
    subprocess.run([*command[:1], f"-d{WARM_UP_SECONDS}s", *command[1:]], capture_output=True)
    out = subprocess.run(
        [*command[:1], f"-d{seconds}s", *command[1:]], capture_output=True, text=True, check=True
    ).stdout
    found = json.loads(out.split("RESULT ", 1)[1].splitlines()[0])
    return Result(
        requests=found["requests"],
        rps=found["requests"] / (found["duration_us"] / 1e6),
        p50_ms=found["p50_us"] / 1000,
        p99_ms=found["p99_us"] / 1000,
        errors=found["errors"],
    )


# --- the databases ---------------------------------------------------------------


@contextlib.contextmanager
def database(url: str | None, folder: Path):
    if url is None:
        yield f"sqlite:///{folder / 'bench.sqlite3'}", f"SQLite {sqlite3.sqlite_version}"
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
        version = connection.execute(text("SHOW server_version")).scalar()
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}", f"PostgreSQL {version}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


# --- the report ------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        cpu = found.group(1) if found else cpu
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory / 2**20:.0f} GiB, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def verdicts(results: dict[int, dict[str, Result]], ceiling: Result, rss: dict[int, list[float]]):
    smallest, largest = min(results), max(results)
    small, large = results[smallest], results[largest]

    def share(name: str) -> float:
        return small[name].rps / ceiling.rps

    def ratio(name: str, base: str | None = None) -> float:
        if not large[name].requests:
            return math.inf  # not one answer within the run: no latency to compare
        return large[name].p50_ms / (large[base] if base else small[name]).p50_ms

    def measured(*names: str) -> bool:  # a run with --only may leave some out
        return all(name in small and name in large for name in names)

    rows = [
        (
            f"{name}, share of the ceiling",
            f"{share(name):.0%}",
            f"≥ {want:.0%}",
            share(name) >= want,
        )
        for name, want in (("API get", 0.40), ("HTML list, first page", 0.25))
        if measured(name)
    ]
    if largest != smallest:
        for name in small:
            if name in large:
                value = ratio(name)
                rows.append(
                    (f"{name}: p50 at {largest:,} ÷ at {smallest:,}", f"{value:.2f}×", "≤ 1.5×",
                     value <= 1.5)
                )  # fmt: skip
    within = [
        ("HTML list, page 10,000 by cursor", "HTML list, first page", 1.2, "issue 13"),
        ("API list, page 10,000 by cursor", "API list, first page", 1.2, "issue 13"),
        ("HTML list, by a common tag", "HTML list, first page", 1.5, "issue 15"),
        ("API list, by a common tag", "API list, first page", 1.5, "issue 15"),
        ("API list, by a rare tag", "API list, first page", 1.5, "issue 15"),
        ("HTML list, by title", "HTML list, first page", 1.5, "issue 15"),
        ("API list, by title", "API list, first page", 1.5, "issue 15"),
        ("API list, by creation", "API list, first page", 1.5, "issue 15"),
        ("API list, by a common tag, by title", "API list, first page", 1.5, "issue 15"),
        ("API list, by a common tag, by creation", "API list, first page", 1.5, "issue 15"),
    ]
    for name, plain, most, issue in within:
        if measured(name, plain):
            value = ratio(name, plain)
            rows.append((f"{name} ÷ {plain}, at {largest:,}", f"{value:.2f}×",
                         f"≤ {most}× ({issue})", value <= most))  # fmt: skip
    for name in large:
        if name.startswith("API search"):
            result = large[name]
            rows.append((f"{name}, p50 · p99 at {largest:,}",
                         f"{result.p50_ms:.1f} · {result.p99_ms:.1f} ms",
                         "< 20 · < 100 ms (issue 15)",
                         result.p50_ms < 20 and result.p99_ms < 100))  # fmt: skip
    worst = max(rss[largest])
    rows.append(
        (f"largest worker RSS after {largest:,}", f"{worst:.0f} MB", "< 120 MB", worst < 120)
    )
    return rows


def report(args, engine: str, results, ceiling: Result, reference, rss, label: str) -> str:
    sizes = sorted(results)
    lines = [
        f"# notesweb speed, {engine}",
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}.",
        "",
        f"`{' '.join(['python', 'bench/speed.py', *sys.argv[1:]])}`: gunicorn (gunicorn.conf.py, "
        f"2 workers, JSON access log, metrics on, rate limits in Redis), wrk -t1 -c{args.clients}, "
        f"{WARM_UP_SECONDS} s warm-up then {args.seconds} s per request. Latencies are wrk's, "
        "in ms; errors are failed connections and any status but 2xx and 3xx.",
        "",
        f"Ceiling, a bare WSGI hello under the same gunicorn: **{ceiling.rps:,.0f} req/s** "
        f"(p50 {ceiling.p50_ms:.1f} ms). A minimal Flask + Flask-SQLAlchemy app fetching "
        f"the same notes by id with one ORM query and nothing else (bench/minimal.py), at "
        f"{sizes[0]:,} notes: **{reference.rps:,.0f} req/s**, {reference.rps / ceiling.rps:.0%} "
        f"of the ceiling (p50 {reference.p50_ms:.1f} ms).",
        "",
        "| request | "
        + " | ".join(f"{s:,} notes: req/s · p50 · p99 · errors" for s in sizes)
        + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for name in results[sizes[0]]:
        cells = [
            f"{r.rps:,.0f} · {r.p50_ms:.1f} · {r.p99_ms:.1f} · {r.errors}"
            for r in (results[size][name] for size in sizes)
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    offsets = ", ".join(f"{deepest_offset(s):,} at {s:,} notes" for s in sizes)
    lines += [
        "",
        f"The deepest offset is the API's largest ({OFFSET_MAX:,}) or, in a smaller list, "
        f"its last page: {offsets}. Page 10,000 is the last page where a list is shorter.",
        "",
        "Each worker's resident memory at the end of a size's run: "
        + "; ".join(f"{s:,} notes: " + ", ".join(f"{m:.0f} MB" for m in rss[s]) for s in sizes)
        + ".",
        "",
        "| target (issue 13) | measured | wanted | met |",
        "|---|---|---|---|",
    ]
    for what, value, target, ok in verdicts(results, ceiling, rss):
        lines.append(f"| {what} | {value} | {target} | {'yes' if ok else '**no**'} |")
    lines += ["", f"![req/s and p50 by request and size](speed-{label}.png)", ""]
    return "\n".join(lines)


def chart(results, ceiling: Result, engine: str, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(results)
    names = list(results[sizes[0]])
    figure, (speed, latency) = plt.subplots(1, 2, figsize=(13, 6.5), sharey=True)
    height = 0.8 / len(sizes)
    for i, size in enumerate(sizes):
        values = [results[size][name] for name in names]
        positions = [y + i * height for y in range(len(names))]
        speed.barh(positions, [r.rps for r in values], height, label=f"{size:,} notes")
        latency.barh(positions, [r.p50_ms for r in values], height, label=f"{size:,} notes")
    speed.set_yticks([y + height * (len(sizes) - 1) / 2 for y in range(len(names))], names)
    speed.invert_yaxis()
    speed.set_xlabel(f"requests/s (ceiling: bare WSGI {ceiling.rps:,.0f} req/s)")
    latency.set_xlabel("p50 latency, ms (8 clients)")
    speed.legend(loc="lower right")
    figure.suptitle(f"notesweb under gunicorn, 2 workers, {engine}")
    figure.tight_layout()
    figure.savefig(path, dpi=100)


# --- the run ---------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,100000,1000000")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--database-url")
    parser.add_argument("--source", type=Path, default=ROOT)
    parser.add_argument("--label", help="names the result files (default: the database)")
    parser.add_argument("--only", help="measures only the requests whose name matches this")
    parser.add_argument(
        "--clients",
        type=int,
        default=CLIENTS,
        help="wrk's connections: 1 measures each request alone, without waiting for a worker",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    sizes = sorted(int(s) for s in args.sizes.split(","))
    source = args.source.resolve()
    RESULTS.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="notesweb-speed-") as tmp:
        folder = Path(tmp)
        log = folder / "gunicorn.log"
        with database(args.database_url, folder) as (url, engine):
            label = args.label or engine.split()[0].lower()
            env = app_env(url, f"bench-{uuid.uuid4().hex[:8]}")
            flask(source, env, "db", "upgrade")
            flask(source, env, "user", "create", USERNAME, "--password-stdin", stdin=PASSWORD)
            words = search_words(source, env)

            ceiling = measure_ceiling(env, log, args.seconds, folder)
            print(f"ceiling: {ceiling.rps:,.0f} req/s", flush=True)

            results, rss, seeded, reference = {}, {}, 0, None
            for size in sizes:
                started = time.monotonic()
                flask(source, env, "notes", "seed", USERNAME, str(size - seeded), "--seed", "1")
                seeded = size
                print(f"{size:,} notes seeded in {time.monotonic() - started:.0f} s", flush=True)
                deep_skip = (min(DEEP_PAGE, math.ceil(size / PAGE_SIZE)) - 1) * PAGE_SIZE
                deep, second = cursors_after(source, env, deep_skip, PAGE_SIZE)
                results[size] = {}
                with gunicorn(source, env, "wsgi:app", log) as (base, master):
                    auth = {"cookie": sign_in(base), "token": api_token(base)}
                    ids = note_ids(base, auth["token"], size)
                    cells = endpoints(size, ids, deep, second) + search_endpoints(words)
                    for endpoint in cells:
                        if args.only and not re.search(args.only, endpoint.name):
                            continue
                        result = wrk(
                            base, endpoint, auth, args.seconds, folder / "load.lua", args.clients
                        )
                        results[size][endpoint.name] = result
                        print(f"  {endpoint.name}: {result.rps:,.0f} req/s, "
                              f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, "
                              f"{result.errors} errors", flush=True)  # fmt: skip
                    rss[size] = worker_rss_mb(master)
                if size == sizes[0]:
                    reference = measure_reference(env, log, ids, args.seconds, folder)
                    print(f"  minimal Flask app, get: {reference.rps:,.0f} req/s", flush=True)
                seeded += sum(r.requests for n, r in results[size].items() if n == "API create")
                print(f"  workers: {', '.join(f'{m:.0f} MB' for m in rss[size])}", flush=True)

    markdown = report(args, engine, results, ceiling, reference, rss, label)
    (RESULTS / f"speed-{label}.md").write_text(markdown)
    chart(results, ceiling, engine, RESULTS / f"speed-{label}.png")
    print(markdown)


def measure_ceiling(env, log: Path, seconds: int, folder: Path) -> Result:
    hello = Endpoint("bare WSGI hello", "GET", ["/"], "none")
    with gunicorn(ROOT, env, "bench.hello:app", log) as (base, _):
        return wrk(base, hello, {}, seconds, folder / "hello.lua")


def measure_reference(env, log: Path, ids: list[int], seconds: int, folder: Path) -> Result:
    """The same notes fetched by a minimal Flask + Flask-SQLAlchemy app (bench/minimal.py)."""
    get = Endpoint("minimal Flask get", "GET", [f"/api/notes/{i}" for i in ids], "none")
    with gunicorn(ROOT, env, "bench.minimal:app", log) as (base, _):
        return wrk(base, get, {}, seconds, folder / "minimal.lua")


if __name__ == "__main__":
    main()
