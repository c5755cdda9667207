"""The log: one JSON object per line on stderr (or readable lines for a person at a
terminal), every line logged during a request carrying its request id."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask import Flask, g, has_request_context

from ..config import refuse_to_start

APP_LOGGER = "notesweb"
FORMATS = ("json", "console")


class _RequestId(logging.Filter):
    """Stamps each record with the id of the request it was logged in, if any."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id") if has_request_context() else None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record. An access record's `fields` are its whole content;
    a traceback is one string, so a 500 stays one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": _utc(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
        }
        fields = getattr(record, "fields", None)
        if fields is not None:
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class ConsoleFormatter(logging.Formatter):
    """For a person at a terminal: `time level [request id] message`."""

    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None)
        message = _access_summary(fields) if fields is not None else record.getMessage()
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        request_id = getattr(record, "request_id", None) or "-"
        text = f"{stamp} {record.levelname:<7} [{request_id}] {message}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


def _access_summary(fields: dict) -> str:
    user = f" user {fields['user_id']}" if fields.get("user_id") is not None else ""
    return (
        f"{fields['method']} {fields['path']} {fields['status']} "
        f"{fields['duration_ms']} ms {fields['bytes'] or 0} B{user}"
    )


def _utc(created: float) -> str:
    stamp = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a line is logged (a test may capture it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging(app: Flask) -> None:
    """Every log line of the process (the app's, at LOG_LEVEL, and the libraries'
    warnings) goes out through one handler on the root logger, in LOG_FORMAT."""
    log_format = app.config["LOG_FORMAT"]
    if log_format not in FORMATS:
        refuse_to_start(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}")
    level = app.config["LOG_LEVEL"]
    if not isinstance(logging.getLevelName(level), int):
        refuse_to_start(f"LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _Stderr)]:
        root.removeHandler(handler)
    handler = _Stderr()
    handler.addFilter(_RequestId())
    handler.setFormatter(JsonFormatter() if log_format == "json" else ConsoleFormatter())
    root.addHandler(handler)
    logging.getLogger(APP_LOGGER).setLevel(level)
