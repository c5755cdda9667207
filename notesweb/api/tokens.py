"""/api/tokens: a program trades a username and password for a bearer token."""

from __future__ import annotations

from flask import abort, request
from flask.views import MethodView
from werkzeug.datastructures import WWWAuthenticate

from ..auth import service as auth_service
from ..rate_limits import limit_api_auth_failures, limit_sign_in
from . import schemas
from .auth import bearer_secret, require_bearer_token
from .blueprint import ApiBlueprint, optional_json_object

blp = ApiBlueprint("api_tokens", __name__, description="API tokens")
limit_api_auth_failures(blp)
blp.before_request(optional_json_object)


BASIC_CHALLENGE = WWWAuthenticate("basic", {"realm": "notesweb"})


def basic_credentials() -> tuple[str, str] | None:
    credentials = request.authorization
    if credentials is None or credentials.type != "basic":
        return None
    return credentials.username or "", credentials.password or ""


def basic_username() -> str:
    """The username a token request names, as the view and its rate limit read it."""
    return (basic_credentials() or ("", ""))[0]


@blp.route("/tokens")
class Tokens(MethodView):
    decorators = [limit_sign_in(basic_username)]

    @blp.arguments(schemas.TokenCreate, required=False)
    @blp.response(201, schemas.TokenCreated)
    @blp.doc(security=[{"basicAuth": []}])
    @blp.documents(400, 401, 413, 415, 422, 429)
    def post(self, data):
        """Create a token with HTTP Basic credentials (username and password)."""
        credentials = basic_credentials()
        user = auth_service.authenticate(*credentials) if credentials else None
        if user is None:
            abort(
                401,
                description="Send a username and password with HTTP Basic authentication.",
                www_authenticate=BASIC_CHALLENGE,
            )
        secret, record = auth_service.create_token(user, data.get("name", ""))
        return {"token": secret, "expires_at": record.expires_at}

    @blp.response(204)
    @blp.documents(401)
    def delete(self):
        """Revoke the bearer token this request is made with."""
        require_bearer_token()
        auth_service.revoke_token_secret(bearer_secret())
