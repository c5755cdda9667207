"""Traces: a server span per request, named by its route and tagged with the request
id, with a child span per SQL statement; and nothing at all unless OTEL_* asks."""

from __future__ import annotations

import pytest
from flask_migrate import upgrade
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from notesweb.auth import service as auth_service
from notesweb.config import WORKER_BOOT_ERROR
from notesweb.extensions import db
from notesweb.notes import service as notes_service
from notesweb.observability import traces

from .conftest import PASSWORD, make_app


@pytest.fixture
def exported(database_url):
    """An app tracing into memory, with a note of alice's and her token."""
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = make_app(database_url, TRACER_PROVIDER=provider)
    with app.app_context():
        upgrade()
        alice = auth_service.create_user("alice", PASSWORD)
        token, _ = auth_service.create_token(alice, "tests")
        note_id = notes_service.create_note(alice, "Traced", "").id
        db.session.remove()
    exporter.clear()
    yield app, exporter, token, note_id
    # The SQLAlchemy instrumentation patches the library once per process.
    SQLAlchemyInstrumentor().uninstrument()


def test_a_request_is_a_server_span_with_a_child_span_per_statement(exported):
    app, exporter, token, note_id = exported
    response = app.test_client().get(
        f"/api/notes/{note_id}",
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": "traced-1"},
    )
    assert response.status_code == 200
    spans = exporter.get_finished_spans()
    (server,) = [span for span in spans if span.kind == SpanKind.SERVER]
    assert server.name == "GET /api/notes/<int:note_id>"
    assert server.attributes["http.route"] == "/api/notes/<int:note_id>"
    assert server.attributes[traces.REQUEST_ID_ATTRIBUTE] == "traced-1"
    statements = [span for span in spans if span.attributes.get("db.statement")]
    assert len(statements) >= 2  # the token, the note
    for statement in statements:
        assert statement.parent.span_id == server.context.span_id
        assert statement.context.trace_id == server.context.trace_id
    assert any("FROM notes" in span.attributes["db.statement"] for span in statements)


def test_an_unmatched_path_is_not_a_span_name(exported):
    app, exporter, _token, _note_id = exported
    app.test_client().get("/no/such/page/4242")
    (server,) = [s for s in exporter.get_finished_spans() if s.kind == SpanKind.SERVER]
    assert "4242" not in server.name


def test_without_otel_settings_nothing_is_instrumented(app):
    assert not getattr(app, "_is_instrumented_by_opentelemetry", False)
    assert traces.provider_from_environment() is None


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({}, []),
        ({"OTEL_TRACES_EXPORTER": "none"}, []),
        ({"OTEL_TRACES_EXPORTER": "console"}, ["console"]),
        ({"OTEL_TRACES_EXPORTER": "otlp, console"}, ["otlp", "console"]),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, ["otlp"]),
        ({"OTEL_TRACES_EXPORTER": "console", "OTEL_SDK_DISABLED": "true"}, []),
    ],
)
def test_the_exporters_are_chosen_by_the_standard_variables(environ, names):
    assert traces.exporter_names(environ) == names


def test_an_unknown_exporter_stops_the_app_with_a_reason(capsys):
    with pytest.raises(SystemExit) as stopped:
        traces.exporter_names({"OTEL_TRACES_EXPORTER": "zipkin"})
    assert stopped.value.code == WORKER_BOOT_ERROR
    assert "zipkin" in capsys.readouterr().err


def test_the_service_is_named_notesweb_unless_otel_names_it(monkeypatch):
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    assert traces.provider_from_environment().resource.attributes["service.name"] == "notesweb"
    monkeypatch.setenv("OTEL_SERVICE_NAME", "notes-eu")
    assert traces.provider_from_environment().resource.attributes["service.name"] == "notes-eu"
