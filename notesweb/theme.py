"""Light or dark: the page follows the system's preference unless this browser chose
one, by a plain link (no JavaScript needed), remembered in a cookie."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, request, url_for

from .redirects import safe_next

bp = Blueprint("theme", __name__)

COOKIE = "theme"
CHOICES = ("light", "dark")
A_YEAR = 365 * 24 * 3600


def chosen_theme() -> str | None:
    """The theme this browser chose, or None to follow the system."""
    theme = request.cookies.get(COOKIE)
    return theme if theme in CHOICES else None


@bp.get("/theme/<choice>")
def choose(choice: str):
    """`light`, `dark`, or `system` (forget the choice); then back to `next`."""
    if choice not in (*CHOICES, "system"):
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or url_for("notes.index"), 303)
    if choice == "system":
        response.delete_cookie(COOKIE)
    else:
        secure = current_app.config["SESSION_COOKIE_SECURE"]
        response.set_cookie(COOKIE, choice, max_age=A_YEAR, secure=secure, samesite="Lax")
    return response


@bp.app_context_processor
def theme_of_the_page() -> dict:
    return {"theme": chosen_theme()}
