"""The base of every form: it shows the service's rule violations beside their fields."""

from flask_wtf import FlaskForm

from .exceptions import FieldError


class ServiceForm(FlaskForm):
    def typed(self, name: str) -> str:
        """A field's text; anything else (a file sent in its place) counts as empty."""
        value = self[name].data
        return value if isinstance(value, str) else ""

    def add_errors(self, errors: list[FieldError]) -> None:
        for error in errors:
            self[error.field].errors = [*self[error.field].errors, error.message]
