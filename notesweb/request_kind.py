"""Which kind of request this is: one for the JSON API (bearer tokens, problem+json
answers) or one from a browser."""

from __future__ import annotations

from flask import request

API_PREFIX = "/api"


def is_api_request() -> bool:
    """The one answer to "is this an API request": its path is under /api."""
    return request.path == API_PREFIX or request.path.startswith(API_PREFIX + "/")
