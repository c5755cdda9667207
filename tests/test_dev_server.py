"""The server tells the truth (scripts/dev.py serve runs gunicorn with gunicorn.conf.py):
it serves the address set in `.env`, says which address it bound, and on a busy one
says in one line what to change, exiting at once."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time

import requests

from .servers import ROOT, TEST_SECRET, free_port


def gunicorn(config, database_url: str, **env: str) -> subprocess.Popen:
    settings = {"DATABASE_URL": database_url, "SECRET_KEY": TEST_SECRET, "LOG_LEVEL": "WARNING"}
    environment = {k: v for k, v in os.environ.items() if k != "GUNICORN_BIND"}
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", str(config), "wsgi:app"],
        cwd=ROOT,
        env=environment | settings | env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_busy_address_is_refused_at_once_in_one_line(database_url):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        started = time.monotonic()
        server = gunicorn(
            ROOT / "gunicorn.conf.py", database_url, GUNICORN_BIND=f"127.0.0.1:{port}"
        )
        out, err = server.communicate(timeout=30)
    assert server.returncode != 0
    assert time.monotonic() - started < 10  # gunicorn alone retries for 5 s, then explains
    # After gunicorn's own "Starting gunicorn", one line that says what to change.
    *before, said = err.strip().splitlines()
    assert said == (
        f"notesweb: 127.0.0.1:{port} is in use by another program; set GUNICORN_BIND "
        f"(in .env or the environment) to a free address, e.g. GUNICORN_BIND=127.0.0.1:{port + 1}"
    )
    assert len(before) <= 1 and "Connection in use" not in err
    assert out == ""


def test_the_address_in_dotenv_is_served_and_said(database_url, tmp_path):
    config = tmp_path / "gunicorn.conf.py"  # reads the .env beside it, as in the project
    shutil.copy(ROOT / "gunicorn.conf.py", config)
    port = free_port()
    (tmp_path / ".env").write_text(f"GUNICORN_BIND=127.0.0.1:{port}\n")
    server = gunicorn(config, database_url, WEB_CONCURRENCY="1")
    try:
        said = server.stdout.readline()
        assert said == f"notesweb: serving at http://127.0.0.1:{port} (Ctrl-C stops)\n"
        assert requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10).status_code == 200
    finally:
        server.terminate()
        server.communicate(timeout=30)
