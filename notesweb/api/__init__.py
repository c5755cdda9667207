"""The JSON API under /api, its OpenAPI document and its docs page."""

from __future__ import annotations

from flask import Blueprint, Flask, render_template
from flask_smorest import Api

from ..extensions import csrf
from ..request_kind import API_PREFIX
from .schemas import Problem


class NotesApi(Api):
    # Errors are documented per operation, as problem+json (ApiBlueprint.documents),
    # not as flask-smorest's default JSON error.
    ERROR_SCHEMA = Problem
    DEFAULT_ERROR_RESPONSE_NAME = None


api = NotesApi()
docs_bp = Blueprint("api_docs", __name__)


@docs_bp.get(f"{API_PREFIX}/docs")
def docs():
    return render_template("api/docs.html")


def register_api(app: Flask) -> None:
    from .notes import blp as notes_blp
    from .revisions import blp as revisions_blp
    from .tokens import blp as tokens_blp
    from .transfer import blp as transfer_blp
    from .trash import blp as trash_blp

    app.config.update(
        API_TITLE="notesweb",
        API_VERSION="1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX=API_PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": "Notes over JSON. Errors are application/problem+json "
                "(RFC 9457); validation errors list one {field, message} per problem. "
                "Get a token with POST /api/tokens (HTTP Basic) or on your account page, "
                "and send it as `Authorization: Bearer <token>`."
            },
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                    "basicAuth": {"type": "http", "scheme": "basic"},
                }
            },
        },
    )
    api.init_app(app)
    for blueprint in (notes_blp, revisions_blp, trash_blp, transfer_blp, tokens_blp):
        # Bearer tokens and Basic credentials, never cookies: nothing for CSRF to forge.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.register_blueprint(docs_bp)
