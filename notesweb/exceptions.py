"""The app's own exceptions: what went wrong, in the words of notes and accounts.

Services raise these and nothing HTTP; `errors.py` decides how each is answered.
"""

from __future__ import annotations

from dataclasses import dataclass


class DomainError(Exception):
    """Something a person asked for cannot be done as asked."""


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class ValidationError(DomainError):
    """Input breaks the rules; `errors` holds every problem found, not just the first."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


class SignedOut(DomainError):
    """A form was sent after its sign-in had ended (signed out elsewhere, or timed out)."""

    def __init__(self):
        super().__init__("signed out before the form was sent")


class NotFoundError(DomainError):
    """What was asked for does not exist, or is not the asker's (the same answer)."""

    heading = "Not found"  # what a page about it is headed


class NoteNotFound(NotFoundError):
    heading = "Note not found"

    def __init__(self, note_id: int):
        super().__init__(f"There is no note {note_id}.")
        self.note_id = note_id


class RevisionNotFound(NotFoundError):
    heading = "Version not found"

    def __init__(self, note_id: int, version: int):
        super().__init__(f"Note {note_id} has no earlier version {version}.")
        self.note_id, self.version = note_id, version


class TokenNotFound(NotFoundError):
    heading = "API token not found"

    def __init__(self, token_id: int):
        super().__init__(f"There is no API token {token_id}.")
        self.token_id = token_id


class LoginSessionNotFound(NotFoundError):
    heading = "Browser not found"

    def __init__(self, session_id: int):
        super().__init__(f"There is no signed-in browser {session_id}.")
        self.session_id = session_id


class VersionConflict(DomainError):
    """The note changed since the version the writer started from; `current` is it now."""

    def __init__(self, current):
        super().__init__(f"note {current.id} is at version {current.version}")
        self.current = current
