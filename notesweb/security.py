"""Response headers and cookie settings that every page gets."""

from __future__ import annotations

from flask import Flask, current_app, request

from .auth.identity import known_user
from .request_kind import is_api_request

# No inline script or style anywhere, so 'self' is all a page may load.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HSTS = "max-age=63072000; includeSubDomains"


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure or current_app.config["PREFERRED_URL_SCHEME"] == "https":
        headers.setdefault("Strict-Transport-Security", HSTS)
    if _private(response):
        # A person's notes stay out of every cache, so Back after signing out shows nothing.
        headers["Cache-Control"] = "no-store"
    return response


def _private(response) -> bool:
    if is_api_request():
        return True
    return known_user() is not None and response.mimetype == "text/html"


def register_security(app: Flask) -> None:
    secure = app.config["SESSION_COOKIE_SECURE"] or app.config["PREFERRED_URL_SCHEME"] == "https"
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=secure,
    )
    app.after_request(_security_headers)
