"""Production server settings, read from the environment."""

import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
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
