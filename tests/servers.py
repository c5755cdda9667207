"""Real servers for the tests that need processes of their own: gunicorn serving the
app, nginx in front of it, and a throwaway PostgreSQL cluster that a test may stop
and start."""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from bs4 import BeautifulSoup
from flask_migrate import upgrade

from notesweb.extensions import db

from .conftest import PASSWORD, TEST_SECRET, make_app
from .html import form_fields

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
NGINX_SITE = ROOT / "deploy" / "nginx-notesweb.conf"


def required(what: str, found: object) -> None:
    """A program a test needs: CI must have it; elsewhere the test is skipped."""
    if not found:
        if os.environ.get("CI"):
            pytest.fail(f"{what} not found; CI must install it", pytrace=False)
        pytest.skip(f"{what} not found")


def free_port() -> int:
    # Below 32768: the ephemeral range could hand the port to someone else meanwhile.
    for port in random.sample(range(20000, 32000), 50):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port")


def wait_until_up(url: str, process: subprocess.Popen | None = None, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError:
            if (process is not None and process.poll() is not None) or (
                time.monotonic() > deadline
            ):
                raise RuntimeError(f"{url} did not come up") from None
            time.sleep(0.2)


def prepare_database(database_url: str) -> str:
    """Migrates the database and makes the account "alice"; returns an API token of hers."""
    from notesweb.auth import service

    app = make_app(database_url)
    with app.app_context():
        upgrade()
        token, _ = service.create_token(service.create_user("alice", PASSWORD), "tests")
        db.engine.dispose()
    return token


class Client(requests.Session):
    """A browser without JavaScript, over real HTTP: it keeps cookies, reads pages and
    sends their forms. No request waits longer than 15 s."""

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", 15)
        return super().request(*args, **kwargs)

    def submit(self, url: str, form: str, headers=None, **typed) -> requests.Response:
        """Reads the page at `url` and sends its `form` with `typed` filled in."""
        found = page(self.get(url)).select_one(form)
        action = urljoin(url, found["action"])
        return self.post(action, data=form_fields(found) | typed, headers=headers)

    def sign_in(self, base: str) -> requests.Response:
        signed_in = self.submit(f"{base}/login", "#login-form", username="alice", password=PASSWORD)
        assert signed_in.url == f"{base}/notes/", "not signed in"
        return signed_in


def page(response: requests.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


class Gunicorn:
    """`gunicorn wsgi:app` with the project's gunicorn.conf.py, as production runs it."""

    def __init__(self, database_url: str, workers: int = 2, **env: str):
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.url = f"http://{self.address}"
        self.log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log")
        settings = {
            "DATABASE_URL": database_url,
            "SECRET_KEY": TEST_SECRET,
            "NOTESWEB_ENV": "production",
            "WEB_CONCURRENCY": str(workers),
            "LOG_LEVEL": "WARNING",
            **env,
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
             "--bind", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=os.environ | settings, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_until_up(f"{self.url}/healthz", self.process)
        except RuntimeError:
            self.stop()
            raise RuntimeError(f"gunicorn did not start:\n{self.output()}") from None

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def gunicorn(database_url: str, **options) -> Iterator[Gunicorn]:
    server = Gunicorn(database_url, **options)
    try:
        yield server
    finally:
        server.stop()
        server.log.close()


class PostgresCluster:
    """A PostgreSQL cluster of the test's own, on a port of its own, that the test
    may stop and start (the shared server at 5432 is never touched)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        # Not under pytest's tmp_path, which only root may enter.
        self.home = Path(tempfile.mkdtemp(prefix="notesweb-pg-"))
        self.data = self.home / "data"
        self.log = self.home / "server.log"
        self.home.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(self.home, "postgres", "postgres")
        self._run("initdb", "--auth=trust", "--username=postgres", "--no-sync", "-D", self.data)

    def _run(self, tool: str, *args) -> None:
        command = [str(POSTGRES_BIN / tool), *map(str, args)]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.home}"
        self._run("pg_ctl", "start", "-w", "-D", self.data, "-l", self.log, "-o", options)

    def stop(self, mode: str = "immediate") -> None:
        """immediate: as a crash would, with no checkpoint; committed work must survive."""
        self._run("pg_ctl", "stop", "-w", "-m", mode, "-D", self.data)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.home, ignore_errors=True)


def throwaway_cluster() -> Iterator[PostgresCluster]:
    """The `postgres_cluster` fixture: started, and removed after the test."""
    required(f"PostgreSQL 15 (in {POSTGRES_BIN})", (POSTGRES_BIN / "initdb").exists())
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.remove()


NGINX_MAIN = """
worker_processes 1;
pid {home}/nginx.pid;
error_log {home}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log {home}/access.log;
    client_body_temp_path {home}/body;
    proxy_temp_path {home}/proxy;
    fastcgi_temp_path {home}/fastcgi;
    uwsgi_temp_path {home}/uwsgi;
    scgi_temp_path {home}/scgi;
    include {home}/notesweb.conf;
}}
"""


@contextlib.contextmanager
def nginx(*upstreams: str) -> Iterator[str]:
    """nginx running deploy/nginx-notesweb.conf, in front of `upstreams` (host:port)."""
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    required("nginx (Debian: apt-get install nginx-light)", binary)
    home = Path(tempfile.mkdtemp(prefix="notesweb-nginx-"))
    home.chmod(0o755)  # its workers drop root
    port = free_port()
    site = NGINX_SITE.read_text().replace("listen 80;", f"listen 127.0.0.1:{port};")
    servers = [line for line in site.splitlines() if line.strip().startswith("server 127.")]
    for line, upstream in zip(servers, upstreams, strict=True):
        site = site.replace(line, line.replace(line.split()[1], upstream, 1))
    (home / "notesweb.conf").write_text(site)
    (home / "nginx.conf").write_text(NGINX_MAIN.format(home=home))
    command = [binary, "-p", str(home), "-c", str(home / "nginx.conf"), "-g", "daemon off;"]
    with open(home / "error.log", "ab") as errors:
        process = subprocess.Popen(command, stderr=errors)
    try:
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz", process)
        except RuntimeError:
            raise RuntimeError((home / "error.log").read_text()) from None
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(home, ignore_errors=True)
