"""The one place that decides between a full page and an HTMX fragment."""

from __future__ import annotations

from flask import make_response, render_template, request
from flask.typing import ResponseReturnValue


def wants_fragment() -> bool:
    """An HTMX swap asked for part of a page.

    Boosted navigation and history restores replace the whole page, so they get it.
    """
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_fragment(
    page_template: str, fragment_template: str, status: int = 200, **context
) -> ResponseReturnValue:
    """Render the page (which includes the fragment) or just the fragment, from one URL."""
    fragment = wants_fragment()
    template = fragment_template if fragment else page_template
    response = make_response(render_template(template, fragment=fragment, **context), status)
    response.vary.add("HX-Request")
    return response
