"""App-wide error handlers: problem+json under /api, a fragment for HTMX swaps,
otherwise an error page in the site's layout."""

from __future__ import annotations

import sqlite3
from contextlib import suppress

from flask import Flask, current_app, g, make_response, render_template, request
from flask_login import current_user
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .extensions import db, login_manager
from .htmx import wants_fragment
from .problems import problem

API_PREFIX = "/api"

# What the database raises when it refused, dropped or did not answer (and, on
# SQLite, for some bugs too: is_outage tells them apart).
DATABASE_ERRORS = (OperationalError, InterfaceError, PoolTimeoutError)
_SQLITE_OUTAGES = ("locked", "unable to open", "disk i/o error")
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


def keeps_typed_text(form_class):
    """Marks a form view whose text must survive a failure that the view never sees
    (the database gone before the view ran): the 503 page hands the text back in the
    same form's fields, ready to be sent again."""

    def mark(view):
        view.typed_form = form_class
        return view

    return mark


def _typed_form():
    view = current_app.view_functions.get(request.endpoint or "")
    form_class = getattr(view, "typed_form", None)
    if form_class is None or request.method != "POST":
        return None
    try:
        formdata = request.form
    except HTTPException:  # a body too large to read: there is nothing to hand back
        return None
    # A fresh CSRF token only for a request that carried a valid one; any other is
    # handed back without, and sending it again meets the CSRF check, which first
    # asks who is signed in.
    return form_class(formdata=formdata, meta={"csrf": bool(g.get("csrf_valid"))})


def _settle_user() -> SQLAlchemyError | None:
    """Finds out who is signed in, for the layout. If the database cannot tell, the
    page is shown to nobody, and the error that prevented it is returned."""
    try:
        current_user._get_current_object()
    except SQLAlchemyError as error:
        # Flask-Login's template context would ask (and fail) again unless the
        # request settles for nobody.
        g._login_user = login_manager.anonymous_user()
        return error
    return None


def end_transaction() -> None:
    """Rolls back what a request left open. On a connection the database dropped,
    the rollback fails too: the connection is discarded, and the pool makes a new one."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        with suppress(SQLAlchemyError):
            db.session().invalidate()


def handle_http_error(exc: HTTPException, message: str | None = None, typed_form=None):
    """`message`, when given, tells a person more than the exception's own text;
    `typed_form` holds what they sent, when it could not be saved."""
    status = exc.code or 500
    passed_on = ("allow", "retry-after", "www-authenticate")
    headers = {k: v for k, v in exc.get_headers() if k.lower() in passed_on}
    if is_api_request():
        errors = validation_errors(exc)
        detail = "The request has invalid fields." if errors else exc.description
        return problem(status, detail, errors=errors, headers=headers)
    if (error := _settle_user()) is not None:
        return handle_database_error(error)
    headers["Vary"] = "HX-Request"
    template = "errors/error.html"
    if wants_fragment():
        # Shown in the page's status region rather than in place of the swapped part.
        headers |= {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}
        template = "errors/_error.html"
    page = render_template(template, error=exc, detail=message, typed=typed_form)
    return page, status, headers


def handle_unexpected_error(exc: Exception):
    end_transaction()
    if "_login_user" not in g:
        # Who it is was never found out: not worth asking a database that may be
        # failing. (A 5xx page shows no account links, so a known user is not reread.)
        g._login_user = login_manager.anonymous_user()
    current_app.logger.exception("unhandled error, request id %s", g.get("request_id"))
    return handle_http_error(InternalServerError(original_exception=exc))


def is_outage(exc: Exception) -> bool:
    """The database refused, dropped or did not answer: a passing state, not a bug.
    SQLite's other OperationalErrors (no such table, a syntax error) are bugs."""
    if not isinstance(exc, DATABASE_ERRORS):
        return False
    cause = getattr(exc, "orig", None)
    if isinstance(cause, sqlite3.Error):
        return any(words in str(cause).lower() for words in _SQLITE_OUTAGES)
    return True


def handle_database_error(exc: SQLAlchemyError):
    if not is_outage(exc):
        return handle_unexpected_error(exc)
    g._login_user = login_manager.anonymous_user()  # who it is cannot be read now
    end_transaction()
    cause = getattr(exc, "orig", None) or exc
    reason = next(iter(str(cause).strip().splitlines()), "")
    current_app.logger.warning(
        "database unavailable, request id %s: %s: %s",
        g.get("request_id"),
        type(cause).__name__,
        reason,
    )
    unavailable = ServiceUnavailable(
        description="The database cannot be reached at the moment; "
        f"try again in {RETRY_AFTER_SECONDS} seconds.",
        retry_after=RETRY_AFTER_SECONDS,
    )
    response = make_response(handle_http_error(unavailable, typed_form=_typed_form()))
    response.headers["Cache-Control"] = "no-store"  # it may hold what someone wrote
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    for error in DATABASE_ERRORS:
        app.register_error_handler(error, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected_error)
