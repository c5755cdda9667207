"""The OpenAPI document: valid, complete, and true of the running API."""

from __future__ import annotations

import base64
import io
import os
import zipfile

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from notesweb.models import User

PROBLEM = "application/problem+json"


def _zip_of(texts: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index, text in enumerate(texts):
            archive.writestr(f"note-{index}.md", text)
    return out.getvalue()


# The bodies of POST /api/import: zips of a few Markdown files, whatever they hold.
schemathesis.openapi.media_type(
    "application/zip", st.lists(st.text(max_size=80), max_size=3).map(_zip_of)
)


@pytest.fixture
def document(anon_client) -> dict:
    response = anon_client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_is_valid_openapi_3(document):
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_error_response_is_documented_as_problem_json(document):
    operations = [
        operation
        for path in document["paths"].values()
        for method, operation in path.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]
    assert len(operations) == 18
    for operation in operations:
        responses = operation["responses"]
        assert set(responses) <= {"200", "201", "204"} | {
            code for code in responses if code.startswith(("4", "5"))
        }, operation["summary"]
        errors = {code for code in responses if code.startswith(("4", "5"))}
        assert errors, operation["summary"]
        for code in errors:
            assert list(responses[code]["content"]) == [PROBLEM]


def test_the_write_operations_document_their_failures(document):
    create = document["paths"]["/api/notes"]["post"]["responses"]
    assert {"201", "400", "413", "415", "422"} <= set(create)
    patch = document["paths"]["/api/notes/{note_id}"]["patch"]
    assert {"200", "400", "404", "412", "413", "415", "422"} <= set(patch["responses"])
    assert any(p["name"] == "If-Match" for p in patch["parameters"])


def test_the_security_schemes_are_declared(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    assert document["security"] == [{"bearerAuth": []}]
    assert document["paths"]["/api/tokens"]["post"]["security"] == [{"basicAuth": []}]


def test_the_docs_page_uses_vendored_assets(anon_client):
    client = anon_client
    from .html import soup

    response = client.get("/api/docs")
    assert response.status_code == 200
    page = soup(response)
    sources = [s["src"] for s in page.select("script")]
    assert sources and all(src.startswith("/static/") for src in sources)
    assert page.select_one("#swagger-ui")["data-spec-url"] == "/api/openapi.json"
    for src in sources + [link["href"] for link in page.select("link[rel=stylesheet]")]:
        with client.get(src) as asset:
            assert asset.status_code == 200


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_the_api_keeps_to_its_document(app, user, mode):
    """Generated requests, valid and not, never get an undocumented answer or a 500."""
    from notesweb.auth import service as auth_service
    from notesweb.extensions import db

    from .conftest import PASSWORD

    # Hundreds of generated sign-ins, and requests without credentials, a minute are
    # the point here, not an attack.
    for limit in ("LOGIN_RATE_LIMIT", "LOGIN_USERNAME_RATE_LIMIT", "LOGIN_ADDRESS_RATE_LIMIT"):
        app.config[limit] = "100000 per minute"
    app.config["API_AUTH_FAILURE_LIMIT"] = "100000 per minute"

    def credentials(operation) -> dict[str, str]:
        if operation.path == "/api/tokens" and operation.method == "post":
            basic = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
            return {"Authorization": f"Basic {basic}"}
        # A token of its own for each request: DELETE /api/tokens revokes the one it uses.
        with app.app_context():
            secret, _record = auth_service.create_token(db.session.get(User, user.id))
        return {"Authorization": f"Bearer {secret}"}

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 18
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            # CI replays the same examples every run; locally each run explores anew.
            derandomize=bool(os.environ.get("CI")),
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            # A cursor and an ETag are opaque tokens: no schema can say which strings
            # are current ones, so generated ones are rightly refused (422, 412).
            opaque = "cursor" in (case.query or {}) or "If-Match" in (case.headers or {})
            case.call_and_validate(
                headers=credentials(case.operation),
                excluded_checks=[positive_data_acceptance] if opaque else [],
            )

        check()
