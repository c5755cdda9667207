"""Prometheus metrics at /metrics, exact across gunicorn's workers.

Under gunicorn each worker writes its values to files in PROMETHEUS_MULTIPROC_DIR
(prometheus_client's multiprocess mode; `gunicorn.conf.py` sets the directory up
and marks dead workers), and /metrics sums them, whichever worker answers.
"""

from __future__ import annotations

import ipaddress
import os
import time
from importlib.metadata import PackageNotFoundError, version

from flask import Blueprint, Flask, abort, current_app, g, has_request_context, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
    multiprocess,
)
from sqlalchemy import Engine, event

from .access import elapsed_seconds, route

# From a millisecond to the ten seconds after which a request has surely failed someone.
SECONDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
OUTSIDE_A_REQUEST = "none"

# A `_created` series beside every counter doubles what is scraped for nothing an
# alert uses (and multiprocess mode never has them): the same output either way.
disable_created_metrics()

REQUESTS = Counter("notesweb_http_requests", "Requests answered.", ["method", "route", "status"])
REQUEST_SECONDS = Histogram(
    "notesweb_http_request_duration_seconds",
    "Time from the request's start to its response, in seconds.",
    ["method", "route"],
    buckets=SECONDS,
)
IN_PROGRESS = Gauge(
    "notesweb_http_requests_in_progress",
    "Requests being served now, over all live workers.",
    multiprocess_mode="livesum",
)
DB_QUERIES = Counter("notesweb_db_queries", "SQL statements sent to the database.", ["route"])
DB_QUERY_SECONDS = Histogram(
    "notesweb_db_query_duration_seconds",
    "Time one SQL statement took, in seconds.",
    buckets=SECONDS,
)
BUILD_INFO = Gauge(
    "notesweb_build_info",
    "The running version of notesweb (always 1).",
    ["version"],
    multiprocess_mode="livemax",
)

metrics_bp = Blueprint("metrics", __name__)


@metrics_bp.get("/metrics")
def metrics():
    if not _allowed(request.remote_addr):
        abort(404)
    return generate_latest(_registry()), {"Content-Type": CONTENT_TYPE_LATEST}


def _registry():
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY  # one process (the tests, `flask run`): its own values
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def _allowed(address: str | None) -> bool:
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(client in network for network in current_app.config["METRICS_ALLOW"])


def _request_started() -> None:
    IN_PROGRESS.inc()
    g.counted_in_progress = True


def _request_answered(response):
    labels = (request.method, route())
    REQUEST_SECONDS.labels(*labels).observe(elapsed_seconds())
    REQUESTS.labels(*labels, str(response.status_code)).inc()
    return response


def _request_ended(_exc) -> None:
    if g.pop("counted_in_progress", False):
        IN_PROGRESS.dec()
    if statements := g.pop("statements", 0):
        DB_QUERIES.labels(route()).inc(statements)


def _statement_started(conn, _cursor, _statement, _parameters, _context, _executemany):
    # Statements on one connection run one after another: one start time is enough.
    conn.info["statement_started"] = time.perf_counter()


def _statement_ended(conn, _cursor, _statement, _parameters, _context, _executemany):
    started = conn.info.pop("statement_started", None)
    if started is not None:
        DB_QUERY_SECONDS.observe(time.perf_counter() - started)
    if has_request_context():
        # Added to the counter once, when the request ends.
        g.statements = g.get("statements", 0) + 1
    else:
        DB_QUERIES.labels(OUTSIDE_A_REQUEST).inc()


def _running_version() -> str:
    try:
        return version("notesweb")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def register_metrics(app: Flask, engine: Engine) -> None:
    BUILD_INFO.labels(_running_version()).set(1)
    app.before_request(_request_started)
    app.after_request(_request_answered)
    app.teardown_request(_request_ended)
    event.listen(engine, "before_cursor_execute", _statement_started)
    event.listen(engine, "after_cursor_execute", _statement_ended)
    app.register_blueprint(metrics_bp)
