"""What every API blueprint shares: JSON bodies vetted once, and documented errors."""

from __future__ import annotations

from dataclasses import asdict
from http import HTTPStatus

from flask import abort, request
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest

from ..errors import API_PREFIX
from ..problems import problem
from ..validation import ValidationError


class RequestJSONParser(FlaskParser):
    """Reads the body Flask already parsed (and `require_json_object` vetted), so that
    every encoding Flask accepts (a BOM, UTF-16) means the same to the schemas."""

    def _raw_load_json(self, req):
        return req.get_json() if is_json_request(req) else core.missing


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = RequestJSONParser()

    def __init__(self, name: str, import_name: str, *, description: str):
        super().__init__(name, import_name, url_prefix=API_PREFIX, description=description)
        self.register_error_handler(ValidationError, invalid_fields)

    def documents(self, *statuses: int):
        """Document the error responses that an operation can give. Every operation
        reads the database, so each may also answer 503 while it is unreachable."""

        def decorator(func):
            for status in (*statuses, 503):
                func = self.alt_response(status, response=HTTPStatus(status).name)(func)
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


def invalid_fields(exc: ValidationError):
    errors = [asdict(error) for error in exc.errors]
    return problem(422, "The request has invalid fields.", errors=errors)
