"""App-wide error handlers: problem+json under /api, a fragment for HTMX swaps,
otherwise an error page in the site's layout."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .htmx import wants_fragment
from .problems import problem

API_PREFIX = "/api"


def is_api_request() -> bool:
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")


def validation_errors(exc: HTTPException) -> list[dict[str, str]] | None:
    """webargs puts {location: {field: [message, ...]}} on the exception it raises."""
    messages = (getattr(exc, "data", None) or {}).get("messages")
    if not messages:
        return None
    errors = []
    for location, fields in messages.items():
        if not isinstance(fields, dict):
            fields = {location: fields}
        for field, field_messages in fields.items():
            for message in _flatten(field_messages):
                errors.append({"field": str(field), "message": message})
    return errors


def _flatten(messages) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    return [m for value in messages for m in _flatten(value)]


def handle_http_error(exc: HTTPException, message: str | None = None):
    """`message`, when given, tells a person more than the exception's own text."""
    status = exc.code or 500
    passed_on = ("allow", "retry-after", "www-authenticate")
    headers = {k: v for k, v in exc.get_headers() if k.lower() in passed_on}
    if is_api_request():
        errors = validation_errors(exc)
        detail = "The request has invalid fields." if errors else exc.description
        return problem(status, detail, errors=errors, headers=headers)
    headers["Vary"] = "HX-Request"
    template = "errors/error.html"
    if wants_fragment():
        # Shown in the page's status region rather than in place of the swapped part.
        headers |= {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
        template = "errors/_error.html"
    return render_template(template, error=exc, detail=message), status, headers


def handle_unexpected_error(exc: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error, request id %s", g.get("request_id"))
    return handle_http_error(InternalServerError(original_exception=exc))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected_error)
