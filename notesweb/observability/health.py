"""Health checks for load balancers and orchestrators: liveness and readiness."""

from __future__ import annotations

from functools import cache

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, current_app
from sqlalchemy.exc import SQLAlchemyError

from ..database import end_transaction
from ..extensions import db

health = Blueprint("health", __name__)


@health.get("/healthz")
def healthz():
    """Liveness: the process answers. A load balancer that restarts on this must not
    restart every instance because the database is away."""
    return {"status": "alive"}


@health.get("/readyz")
def readyz():
    """Readiness: the database answers, and its schema is the one this code expects."""
    try:
        current = _current_revisions()
    except SQLAlchemyError:
        end_transaction()
        return {"status": "unavailable", "database": "unreachable"}, 503
    head, known = _revisions(current_app.extensions["migrate"].directory)
    if current != head:
        # A revision these migrations do not know came from other code (a newer release).
        state = "behind" if current <= known else "unknown"
        unavailable = {"status": "unavailable", "database": "ok", "migrations": state}
        return unavailable | {"current": _listed(current), "head": _listed(head)}, 503
    return {"status": "ready", "database": "ok", "migrations": "current", "head": _listed(head)}


def _current_revisions() -> frozenset[str]:
    """What `alembic_version` says (nothing, on a database never migrated)."""
    connection = db.session.connection()
    return frozenset(MigrationContext.configure(connection).get_current_heads())


@cache
def _revisions(directory: str) -> tuple[frozenset[str], frozenset[str]]:
    """The revisions the migrations shipped with this code end at, and all they know
    (read once per process)."""
    script = ScriptDirectory(directory)
    known = frozenset(revision.revision for revision in script.walk_revisions())
    return frozenset(script.get_heads()), known


def _listed(revisions: frozenset[str]) -> str | None:
    """One revision, or several joined by commas (a branched history), or none."""
    return ",".join(sorted(revisions)) or None
