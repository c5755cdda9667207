"""Each request's id, and the one log line that says what the request was and how it
went."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request
from sqlalchemy import inspect

from ..auth.identity import known_user

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
# Probes and scrapes, every few seconds from every load balancer and Prometheus:
# logged at debug so that they do not bury the requests people make.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
UNMATCHED = "unmatched"

access_log = logging.getLogger("notesweb.access")


def route() -> str:
    """The URL rule the request matched (`/api/notes/<int:note_id>`), never the raw
    path, so that a label or a span name does not grow with every note id."""
    rule = request.url_rule
    return rule.rule if rule is not None else UNMATCHED


def elapsed_seconds() -> float:
    return time.perf_counter() - g.get("started", time.perf_counter())


def _start_request() -> None:
    g.started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _finish_request(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
    if access_log.isEnabledFor(level):
        fields = {
            "method": request.method,
            "route": route(),
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(elapsed_seconds() * 1000, 2),
            "user_id": _user_id(),
            "bytes": response.content_length,
        }
        access_log.log(level, "request", extra={"fields": fields})
    return response


def _user_id() -> int | None:
    """Whoever this request was made by, if it got as far as finding out."""
    user = g.get("api_user") or known_user()
    # From the identity map, never from the database, which may be why this request
    # failed (an expired user would be loaded again).
    state = inspect(user, raiseerr=False)
    return state.identity[0] if state is not None and state.identity else None


def register_access(app: Flask) -> None:
    app.before_request(_start_request)
    app.after_request(_finish_request)
