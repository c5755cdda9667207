"""Production server settings, read from the environment (and from the `.env` file
beside this one, as the app reads it: the environment wins)."""

import errno
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path

from dotenv import dotenv_values

# Read, not loaded into os.environ: workers inherit the master's environment, and the
# app reads .env itself, so an edit to it still reaches new workers after a HUP.
settings = {**dotenv_values(Path(__file__).with_name(".env")), **os.environ}

bind = settings.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(settings.get("WEB_CONCURRENCY", "2"))
threads = int(settings.get("GUNICORN_THREADS", "1"))
timeout = int(settings.get("GUNICORN_TIMEOUT", "30"))
# The longest request line gunicorn allows: long cursors and query strings fit.
limit_request_line = 8190
accesslog = None  # the app logs one JSON line per request itself
errorlog = "-"
# gunicorn 27 opens a control socket under ~/.gunicorn by default.
control_socket_disable = True

# Metrics: each worker writes its counts to files in this directory, and /metrics sums
# them (prometheus_client's multiprocess mode). Set before any worker imports the app.
_own_metrics_dir = "PROMETHEUS_MULTIPROC_DIR" not in os.environ
if _own_metrics_dir:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="notesweb-metrics-")


def on_starting(server):
    if busy := busy_address(server.cfg):
        if server.pidfile is not None:
            server.pidfile.unlink()
        sys.exit(
            f"notesweb: {busy} is in use by another program; set GUNICORN_BIND (in .env or "
            f"the environment) to a free address, e.g. GUNICORN_BIND={next_address(busy)}"
        )
    # Counts left by an earlier run in a directory that was named would be added again.
    directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    directory.mkdir(parents=True, exist_ok=True)
    for leftover in directory.glob("*.db"):
        leftover.unlink()


def child_exit(server, worker):
    # A dead worker's in-progress requests no longer count; its totals still do.
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def when_ready(server):
    for listener in server.LISTENERS:  # the addresses bound, as a browser takes them
        print(f"notesweb: serving at {listener} (Ctrl-C stops)", flush=True)


def busy_address(cfg) -> str | None:
    """An address to bind that another program holds, as host:port: gunicorn would try
    five times and end in a screenful of "Connection in use". Sockets handed over (a
    binary upgrade, systemd) and shared ports (reuse_port) are in use by design; any
    other trouble is left to gunicorn to report."""
    if os.environ.get("GUNICORN_FD") or os.environ.get("LISTEN_FDS") or cfg.reuse_port:
        return None
    for address in cfg.address:
        if not isinstance(address, tuple):
            continue  # a unix socket: gunicorn replaces a stale one itself
        host, port = address[:2]
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
            try:
                probe.bind((host, port))
            except OSError as exc:
                if exc.errno == errno.EADDRINUSE:
                    return f"[{host}]:{port}" if family == socket.AF_INET6 else f"{host}:{port}"
    return None


def next_address(address: str) -> str:
    host, _, port = address.rpartition(":")
    return f"{host}:{int(port) + 1}"
