"""The one error table: each exception type is described once (status, message,
field problems, headers), then answered in one of three ways: problem+json under
/api, a fragment for an HTMX swap, or a page in the site's layout.

No answer here reads the database: who is signed in was settled before the view ran
(`auth.identity`), and a page shows only what is already known.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from urllib.parse import urlsplit

from flask import Flask, current_app, g, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, NotFound

from .auth import identity
from .database import DATABASE_ERRORS, end_transaction, is_outage, outage_reason
from .exceptions import FieldError, NotFoundError, SignedOut, ValidationError, VersionConflict
from .extensions import csrf, limiter, login_manager
from .htmx import wants_fragment
from .problems import problem
from .request_kind import is_api_request

RETRY_AFTER_SECONDS = 5
_PASSED_ON = ("allow", "retry-after", "www-authenticate")


@dataclass
class Failure:
    """What went wrong, as a person or a program is told it."""

    status: int
    detail: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    # What the person sent is handed back, ready to send again (see keeps_typed_text).
    hands_back_text: bool = False
    # The form on the page can no longer be sent (its CSRF token is stale), so an HTMX
    # answer puts the handed-back text in its place instead of only saying what failed.
    stale_form: bool = False
    # What a page calls it, where the HTTP phrase would say little to a person.
    heading: str | None = None
    # The way back in is to sign in again (in another tab, so the text stays here).
    offers_sign_in: bool = False

    @property
    def title(self) -> str:
        return HTTPStatus(self.status).phrase


# ---- describing: one entry per exception type -------------------------------------


def _http_error(exc: HTTPException) -> Failure:
    headers = {k: v for k, v in exc.get_headers() if k.lower() in _PASSED_ON}
    return Failure(exc.code or 500, exc.description or "", headers=headers)


def _rate_limited(exc: RateLimitExceeded) -> Failure:
    """Only a refused request asks the limit's store when its window frees up: rate
    headers on every answer would cost every request a second round trip to Redis."""
    failure = _http_error(exc)
    if (limit := limiter.current_limit) is not None:
        reset_at, _remaining = limit.window
        failure.headers["Retry-After"] = str(max(1, math.ceil(reset_at - time.time())))
    return failure


def _csrf_error(_exc: CSRFError) -> Failure:
    return Failure(
        400,
        "Your session expired before this form was sent, so nothing was done.",
        hands_back_text=True,
        stale_form=True,
        heading="Session expired",
    )


def _signed_out(_exc: SignedOut) -> Failure:
    return Failure(
        401,
        "You were signed out before this form was sent, so nothing was saved. Sign in "
        "again in another tab, then send your text from here (the first try may hand it "
        "back once more, ready for a second).",
        hands_back_text=True,
        stale_form=True,
        heading="Signed out",
        offers_sign_in=True,
    )


def _invalid(exc: ValidationError) -> Failure:
    return Failure(422, "The request has invalid fields.", errors=exc.errors)


def _no_such_address(exc: NotFound) -> Failure:
    """An address no route knows: the page says so, not that a note is missing. A
    view's own 404 keeps its reason."""
    if exc.description != NotFound.description:
        return _http_error(exc)
    detail = "There is nothing at this address: check it for a typo."
    return Failure(404, detail, heading="Page not found")


def _not_found(exc: NotFoundError) -> Failure:
    return Failure(404, str(exc), heading=exc.heading)


def _version_conflict(exc: VersionConflict) -> Failure:
    # 412 answers a failed If-Match; without one, another writer simply got there first.
    status = 412 if request.if_match else 409
    detail = f"The note is at version {exc.current.version}; fetch it and try again."
    return Failure(status, detail, headers={"ETag": f'"{exc.current.version}"'})


def _database_error(exc: Exception) -> Failure:
    if not is_outage(exc):
        return _unexpected(exc)
    end_transaction()
    current_app.logger.warning("database unavailable: %s", outage_reason(exc))
    return Failure(
        503,
        f"The database cannot be reached at the moment; try again in {RETRY_AFTER_SECONDS} "
        "seconds.",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"},
        hands_back_text=True,
    )


def _unexpected(exc: Exception) -> Failure:
    end_transaction()
    current_app.logger.error("unhandled error", exc_info=exc)
    return Failure(500, "Something went wrong on our side.")


ERROR_TABLE: dict[type[Exception], Callable[[Exception], Failure]] = {
    NotFound: _no_such_address,
    HTTPException: _http_error,
    RateLimitExceeded: _rate_limited,
    CSRFError: _csrf_error,
    SignedOut: _signed_out,
    ValidationError: _invalid,
    NotFoundError: _not_found,
    VersionConflict: _version_conflict,
    **dict.fromkeys(DATABASE_ERRORS, _database_error),
    Exception: _unexpected,
}


def describe(exc: Exception) -> Failure:
    for kind in type(exc).__mro__:
        if kind in ERROR_TABLE:
            return ERROR_TABLE[kind](exc)
    raise AssertionError("Exception is in the table")  # pragma: no cover


# ---- answering: one function per kind of answer ------------------------------------


def as_problem(failure: Failure):
    errors = [asdict(e) for e in failure.errors] if failure.errors else None
    return problem(failure.status, failure.detail, errors=errors, headers=failure.headers)


def as_fragment(failure: Failure, typed_form=None):
    """The message, in the page's status region; the rest of the page stays as it is
    (the form as typed) unless that form can no longer be sent, which is then
    replaced by the text handed back. The swap's own hx-select does not apply."""
    headers = failure.headers | {"Vary": "HX-Request", "HX-Reselect": "unset"}
    headers |= _not_kept(typed_form)
    if failure.stale_form and typed_form is not None:
        body = render_template(
            "errors/_section.html", failure=failure, typed=typed_form, in_page=True
        )
        return body, failure.status, headers | {"HX-Retarget": "this", "HX-Reswap": "outerHTML"}
    body = render_template("errors/_error.html", failure=failure)
    return body, failure.status, headers | {"HX-Retarget": "#flash", "HX-Reswap": "innerHTML"}


def as_page(failure: Failure, typed_form=None):
    headers = failure.headers | {"Vary": "HX-Request"} | _not_kept(typed_form)
    page = render_template("errors/error.html", failure=failure, typed=typed_form)
    return page, failure.status, headers


def _not_kept(typed_form) -> dict[str, str]:
    """A person's text handed back stays out of every cache, signed in or not."""
    return {"Cache-Control": "no-store"} if typed_form is not None else {}


def answer(exc: Exception):
    """The one error handler: describe the exception, then answer in the request's kind."""
    if is_api_request():
        return as_problem(describe(exc))
    identity.settle_unknown_as_nobody()
    if isinstance(exc, CSRFError) and identity.session_ended():
        # Signed out meanwhile: the way on is to sign in, with the text kept if any.
        if not hands_back_text_here():
            return login_manager.unauthorized()
        exc = SignedOut()
    failure = describe(exc)
    typed_form = _typed_form(exc) if failure.hands_back_text else None
    if wants_fragment():
        return as_fragment(failure, typed_form)
    return as_page(failure, typed_form)


# ---- what the person typed -----------------------------------------------------------


def keeps_typed_text(form_class):
    """Marks a form view whose text must survive a failure the view never gets to
    handle (an expired session, the database gone): the error page hands the text
    back in the same form's fields, ready to be sent again."""

    def mark(view):
        view.typed_form = form_class
        return view

    return mark


def _typed_form_class():
    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "typed_form", None) if request.method == "POST" else None


def hands_back_text_here() -> bool:
    """This request sent a form whose text must survive a failure."""
    return _typed_form_class() is not None


def _typed_form(exc: Exception):
    form_class = _typed_form_class()
    if form_class is None:
        return None
    try:
        formdata = request.form
    except HTTPException:  # a body too large to read: there is nothing to hand back
        return None
    token_passed = _csrf_token_passed(exc)
    # A post that failed the CSRF check may come from another site: its text is never
    # shown back as this site's own unless the browser says the form was here.
    if not token_passed and not _sent_from_this_site():
        return None
    return form_class(formdata=formdata, meta={"csrf": _may_hand_out_a_token(exc, token_passed)})


def _csrf_token_passed(exc: Exception) -> bool:
    if isinstance(exc, CSRFError):
        return False
    if g.get("csrf_valid"):
        return True
    try:
        csrf.protect()  # not yet run when the failure came first
    except CSRFError:
        return False
    return True


def _sent_from_this_site() -> bool:
    """Whether the browser says the form was on this site: `Origin`, or without it
    `Referer` (browsers send one of them with every form they post)."""
    sender = request.headers.get("Origin") or request.headers.get("Referer")
    if not sender:
        return False
    parts = urlsplit(sender)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


def _may_hand_out_a_token(exc: Exception, token_passed: bool) -> bool:
    """Whether the text goes back with a fresh CSRF token. A request that carried a
    valid token gets one; so does a signed-in person whose token went stale (their
    session changed in another tab). Any other request's text comes back without,
    and sending it again meets the CSRF check."""
    return token_passed or (isinstance(exc, CSRFError) and current_user.is_authenticated)


def register_error_handlers(app: Flask) -> None:
    for kind in ERROR_TABLE:
        app.register_error_handler(kind, answer)
