"""An uploaded zip kept in a temporary file (in memory while small), read up to a
limit so that a large upload never sits whole in memory."""

from __future__ import annotations

import tempfile
from typing import BinaryIO

from flask import current_app, request
from flask_login import current_user

from ...exceptions import FieldError, ValidationError

CHUNK = 64 * 1024
IN_MEMORY_MAX = 8 * 1024 * 1024


def spooled(stream: BinaryIO, limit: int) -> tempfile.SpooledTemporaryFile:
    copy = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_MAX)
    size = 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > limit:
            copy.close()
            message = f"The file is over {limit // 2**20} MB (IMPORT_MAX_MB)."
            raise ValidationError([FieldError("file", message)])
        copy.write(chunk)
    copy.seek(0)
    return copy


# The requests that carry an import's zip, the only ones past MAX_CONTENT_LENGTH.
IMPORTS = {"transfer.import_notes", "api_transfer.Import"}


def allow_imports_their_size() -> None:
    """Before anything reads the body (the CSRF check reads the form), and only for a
    person signed in: the API reads its body after checking the token."""
    if request.endpoint == "transfer.import_notes" and not current_user.is_authenticated:
        return
    if request.endpoint in IMPORTS:
        request.max_content_length = current_app.config["IMPORT_MAX_MB"] * 2**20
