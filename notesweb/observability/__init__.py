"""What operators see: request ids and logs, metrics, traces, health checks."""

from __future__ import annotations

from flask import Flask

from ..extensions import db
from .access import register_access
from .health import health
from .logs import configure_logging
from .metrics import register_metrics
from .traces import register_traces


def register_observability(app: Flask) -> None:
    """Before every other hook: the request's span is open and its id known before
    anything else can end the request early (CSRFProtect, the rate limits)."""
    with app.app_context():
        engine = db.engine
    configure_logging(app)
    register_traces(app, engine)
    register_access(app)
    if app.config["METRICS_ENABLED"]:
        register_metrics(app, engine)
    app.register_blueprint(health)
