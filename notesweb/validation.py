"""The one shape of a rule broken by input: a list of {field, message}."""

from __future__ import annotations

import re
from dataclasses import dataclass

# C0 and C1 control characters other than tab, newline and carriage return, and
# lone surrogates (JSON can carry them; no database can store them).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationError(Exception):
    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors
