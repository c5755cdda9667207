"""Request ids, one JSON log line per request, and health checks."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid

from flask import Blueprint, Flask, g, request
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from .auth.identity import known_user
from .database import end_transaction
from .extensions import db

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")

access_log = logging.getLogger("notesweb.access")


def _start_request() -> None:
    g.started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex


def _finish_request(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    access_log.info(
        json.dumps(
            {
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round(
                    (time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 2
                ),
                "request_id": g.get("request_id"),
                "user_id": _user_id(),
            }
        )
    )
    return response


def _user_id() -> int | None:
    """Whoever this request was made by, if it got as far as finding out."""
    user = g.get("api_user") or known_user()
    # From the identity map, never from the database, which may be why this request
    # failed (an expired user would be loaded again).
    state = inspect(user, raiseerr=False)
    return state.identity[0] if state is not None and state.identity else None


health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    """Liveness: the process answers. A load balancer that restarts on this must not
    restart every instance because the database is away."""
    return {"status": "alive"}


@health.get("/readyz")
def readyz():
    """Readiness: this instance can serve, its database answering."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        end_transaction()
        return {"status": "unavailable", "database": "unreachable"}, 503
    return {"status": "ready", "database": "ok"}


def register_observability(app: Flask) -> None:
    if not access_log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        access_log.addHandler(handler)
        access_log.propagate = False
    access_log.setLevel(app.config["LOG_LEVEL"])
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.register_blueprint(health)
