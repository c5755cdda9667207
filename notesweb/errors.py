"""App-wide error handlers: problem+json under /api, a fragment for HTMX swaps,
otherwise an error page in the site's layout."""

from __future__ import annotations

from flask import Flask, current_app, g, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .extensions import db, login_manager
from .htmx import wants_fragment
from .problems import problem

API_PREFIX = "/api"

# The database refused, dropped or did not answer: a passing state, not a bug.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)
RETRY_AFTER_SECONDS = 5


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


def keeps_typed_text(**fields: str):
    """Marks a form view whose text must survive a failure that the view never sees
    (the database down before the view ran): the error page hands the text back in a
    form that sends it again. Each field is "line", "text" or "hidden"."""

    def mark(view):
        view.typed_fields = fields
        return view

    return mark


def typed_text() -> list[tuple[str, str, str]]:
    """(name, kind, value) of what this request's form carried, if its view keeps it."""
    view = current_app.view_functions.get(request.endpoint or "")
    fields = getattr(view, "typed_fields", {})
    if request.method != "POST" or not fields:
        return []
    return [(name, kind, request.form.get(name, "")) for name, kind in fields.items()]


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
    page = render_template(template, error=exc, detail=message, typed=typed_text())
    return page, status, headers


def handle_unexpected_error(exc: Exception):
    db.session.rollback()
    current_app.logger.exception("unhandled error, request id %s", g.get("request_id"))
    return handle_http_error(InternalServerError(original_exception=exc))


def handle_database_unavailable(exc: Exception):
    db.session.rollback()
    # Who is signed in cannot be read now; Flask-Login's template context would try
    # again (and fail again) unless the request settles for nobody.
    g._login_user = login_manager.anonymous_user()
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    current_app.logger.warning(
        "database unavailable, request id %s: %s: %s",
        g.get("request_id"),
        type(getattr(exc, "orig", None) or exc).__name__,
        reason,
    )
    unavailable = ServiceUnavailable(
        description="The database cannot be reached at the moment. Nothing was changed; "
        f"try again in {RETRY_AFTER_SECONDS} seconds.",
        retry_after=RETRY_AFTER_SECONDS,
    )
    return handle_http_error(unavailable)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected_error)
