"""OpenTelemetry traces: a span per request, named by its route, with a child span per
SQL statement. Configured only by the standard OTEL_* variables, and off (nothing
instrumented, nothing paid) unless they ask for an exporter."""

from __future__ import annotations

import os

from flask import Flask, g, request
from opentelemetry import trace
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
)
from sqlalchemy import Engine

from ..config import refuse_to_start
from .access import route

REQUEST_ID_ATTRIBUTE = "notesweb.request_id"
EXPORTERS = ("otlp", "console", "none")


def exporter_names(environ=os.environ) -> list[str]:
    """OTEL_TRACES_EXPORTER, a comma-separated list. Unset, tracing is off, unless an
    OTLP endpoint is named (then it means otlp)."""
    if environ.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    setting = environ.get("OTEL_TRACES_EXPORTER", "")
    if not setting.strip():
        endpoints = ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        setting = "otlp" if any(environ.get(name) for name in endpoints) else "none"
    names = [name.strip().lower() for name in setting.split(",") if name.strip()]
    if unknown := [name for name in names if name not in EXPORTERS]:
        refuse_to_start(
            f"OTEL_TRACES_EXPORTER: {', '.join(unknown)} is not one of {', '.join(EXPORTERS)}"
        )
    return [name for name in names if name != "none"]


def provider_from_environment() -> TracerProvider | None:
    names = exporter_names()
    if not names:
        return None
    # OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are read here; without them the
    # service is called notesweb rather than "unknown_service".
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: "notesweb"}))
    provider = TracerProvider(resource=resource)
    for name in names:
        provider.add_span_processor(_processor(name))
    return provider


def _processor(name: str):
    if name == "console":
        # For a person reading along: each span as soon as it ends.
        return SimpleSpanProcessor(ConsoleSpanExporter())
    protocol = os.environ.get(
        "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", os.environ.get("OTEL_EXPORTER_OTLP_PROTOCOL", "")
    )
    if protocol.strip() not in ("", "http/protobuf"):
        refuse_to_start(f"OTLP over {protocol.strip()} is not installed; use http/protobuf")
    # Reads OTEL_EXPORTER_OTLP_ENDPOINT, _HEADERS, _TIMEOUT... itself.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

    return BatchSpanProcessor(OTLPSpanExporter())


def _describe_span(response):
    span = trace.get_current_span()
    span.set_attribute(REQUEST_ID_ATTRIBUTE, g.get("request_id", ""))
    if request.url_rule is None:
        # Named by its raw path, a span of every mistyped URL would be a name of its own.
        span.update_name(f"{request.method} {route()}")
    return response


def register_traces(app: Flask, engine: Engine) -> None:
    """Before anything else hooks into requests (CSRFProtect above all), so that the
    request's span is open before any of them can end the request early."""
    # TRACER_PROVIDER is not a setting: it lets a test (or a host program) bring its own.
    provider = app.config.get("TRACER_PROVIDER") or provider_from_environment()
    if provider is None:
        return
    FlaskInstrumentor().instrument_app(app, tracer_provider=provider)
    # Its declared range ends below SQLAlchemy 2.1, whose event API it uses unchanged
    # (the test of the SQL spans runs on the locked versions).
    SQLAlchemyInstrumentor().instrument(
        engine=engine, tracer_provider=provider, skip_dep_check=True
    )
    app.after_request(_describe_span)
