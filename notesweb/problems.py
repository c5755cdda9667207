"""`application/problem+json` (RFC 9457), the one error shape of the API."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from http import HTTPStatus

from flask import Response, g, json

PROBLEM_JSON = "application/problem+json"


def problem(
    status: int,
    detail: str | None = None,
    errors: Iterable[Mapping[str, str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail or HTTPStatus(status).description,
        # What to quote when reporting it: the same id is in the logs and traces.
        "request_id": g.get("request_id"),
    }
    if errors is not None:
        body["errors"] = list(errors)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    response.headers.update(headers or {})
    return response
