"""Where does a request's time go? py-spy samples both gunicorn workers while wrk
loads one kind of request, as bench/speed.py serves and loads it.

    .venv/bin/python bench/profile.py ENDPOINT [--notes 1000] [--seconds 15]

ENDPOINT is a request's name in bench/speed.py ("API get", "HTML list, first page",
...). Prints the functions that hold the most samples, inclusive and by their own
code (py-spy: `pip install py-spy`; it needs the right to trace, as root or with
ptrace allowed). `--keep FILE` keeps the collapsed stacks, for a flame graph tool.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.speed import (  # noqa: E402
    PAGE_SIZE,
    PASSWORD,
    ROOT,
    USERNAME,
    api_token,
    app_env,
    cursors_after,
    database,
    endpoints,
    flask,
    gunicorn,
    note_ids,
    sign_in,
    wrk,
)

# Beside this Python (a venv's bin/) when the venv is not on PATH.
PY_SPY = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
SHORT_PATH = re.compile(r" \(.*?/(site-packages|notesweb)/")


def top(collapsed: Path, count: int = 40) -> str:
    """The `count` frames with the most samples, inclusive and self, from py-spy's
    collapsed stacks ("frame;frame;frame samples" per line)."""
    inclusive, own, total = collections.Counter(), collections.Counter(), 0
    for line in collapsed.read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        frames = [
            re.sub(r" \(.*?/(site-packages|notesweb)/", r" (\1/", f) for f in stack.split(";")
        ]
        total += int(samples)
        for frame in set(frames):
            inclusive[frame] += int(samples)
        own[frames[-1]] += int(samples)
    lines = [f"{total} samples", "", "inclusive:"]
    lines += [f"{n / total:6.1%}  {frame}" for frame, n in inclusive.most_common(count)]
    lines += ["", "self:"]
    lines += [f"{n / total:6.1%}  {frame}" for frame, n in own.most_common(count)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("endpoint")
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--source", type=Path, default=ROOT)
    parser.add_argument("--keep", type=Path, help="also keep the collapsed stacks here")
    args = parser.parse_args()
    source = args.source.resolve()
    with tempfile.TemporaryDirectory(prefix="notesweb-profile-") as tmp:
        folder = Path(tmp)
        with database(None, folder) as (url, _engine):
            env = app_env(url, f"bench-{uuid.uuid4().hex[:8]}")
            flask(source, env, "db", "upgrade")
            flask(source, env, "user", "create", USERNAME, "--password-stdin", stdin=PASSWORD)
            flask(source, env, "notes", "seed", USERNAME, str(args.notes), "--seed", "1")
            deep, second = cursors_after(source, env, args.notes - PAGE_SIZE, PAGE_SIZE)
            with gunicorn(source, env, "wsgi:app", folder / "gunicorn.log") as (base, master):
                auth = {"cookie": sign_in(base), "token": api_token(base)}
                ids = note_ids(base, auth["token"], args.notes)
                chosen = {e.name: e for e in endpoints(args.notes, ids, deep, second)}
                endpoint = chosen[args.endpoint]
                wrk(base, endpoint, auth, 2, folder / "warm.lua")
                collapsed = folder / "profile.txt"
                spy = subprocess.Popen(
                    [PY_SPY, "record", "--pid", str(master), "--subprocesses", "--rate", "250",
                     "--duration", str(args.seconds), "--format", "raw",
                     "--output", str(collapsed)],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                time.sleep(1)
                result = wrk(base, endpoint, auth, args.seconds, folder / "load.lua")
                spy.wait()
        print(f"{args.endpoint}: {result.rps:,.0f} req/s, p50 {result.p50_ms:.1f} ms, sampled")
        print(top(collapsed))
        if args.keep:
            shutil.copy(collapsed, args.keep)


if __name__ == "__main__":
    main()
