"""What every API blueprint shares: JSON bodies vetted once, and documented errors."""

from __future__ import annotations

from http import HTTPStatus

from flask import abort, request
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest

from ..exceptions import FieldError, ValidationError
from ..problems import PROBLEM_JSON
from ..request_kind import API_PREFIX
from .schemas import Problem


class RequestJSONParser(FlaskParser):
    """Reads the body Flask already parsed (and `require_json_object` vetted), so that
    every encoding Flask accepts (a BOM, UTF-16) means the same to the schemas."""

    def _raw_load_json(self, req):
        return req.get_json() if is_json_request(req) else core.missing

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        """Every problem of the request, shape and rules together, as the app's own
        ValidationError (webargs' documented hook; the error table answers it)."""
        raise ValidationError(field_errors(error.messages))


def field_errors(messages) -> list[FieldError]:
    """webargs gives {location: {field: [message, ...]}}, nested for nested fields."""
    errors = []
    for location, fields in messages.items():
        if not isinstance(fields, dict):
            fields = {location: fields}
        for name, field_messages in fields.items():
            errors.extend(FieldError(str(name), m) for m in _flatten(field_messages))
    return errors


def _flatten(messages) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    return [m for value in messages for m in _flatten(value)]


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = RequestJSONParser()

    def __init__(self, name: str, import_name: str, *, description: str):
        super().__init__(name, import_name, url_prefix=API_PREFIX, description=description)

    def documents(self, *statuses: int):
        """Document the error responses that an operation can give. Every operation
        reads the database, so each may also answer 503 while it is unreachable."""

        def decorator(func):
            for status in (*statuses, 503):
                func = self.alt_response(
                    status,
                    schema=Problem,
                    content_type=PROBLEM_JSON,
                    description=HTTPStatus(status).phrase,
                )(func)
            return func

        return decorator


def require_json_object(optional: bool = False) -> None:
    """A body must be a JSON object: 415 for another type, 400 if it is not one."""
    if request.method not in ("POST", "PATCH", "PUT"):
        return
    if optional and not request.content_length and not request.content_type:
        return
    if not request.is_json:
        abort(415, description="Send the body as application/json.")
    try:
        data = request.get_json()
    except (BadRequest, RecursionError):
        abort(400, description="The body is not valid JSON.")
    if not isinstance(data, dict):
        abort(400, description="The body must be a JSON object.")


def optional_json_object() -> None:
    """For a POST that needs no body: one sent must still be a JSON object."""
    require_json_object(optional=True)


def listed(page, limit: int, offset: int | None) -> dict:
    """A page of a list as the API answers it (schemas.ListPage)."""
    return {
        "items": page.items,
        "total": page.total,
        "limit": limit,
        "offset": offset,
        "next_cursor": page.next,
    }
