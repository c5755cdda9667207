"""Forms of the account pages. The rules they report are the auth service's."""

from flask import current_app
from wtforms import BooleanField, HiddenField, PasswordField, StringField

from ..forms import ServiceForm
from ..limits import TOKEN_NAME_MAX, USERNAME_MAX


class NewPasswordForm(ServiceForm):
    """A form with a new password: the browser knows the minimum length (a setting)."""

    new_password_field = "password"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self[self.new_password_field]
        minimum = current_app.config["PASSWORD_MIN_LENGTH"]
        field.render_kw = {**(field.render_kw or {}), "minlength": minimum}


class LoginForm(ServiceForm):
    username = StringField(
        "Username", render_kw={"autocomplete": "username", "required": True, "autofocus": True}
    )
    password = PasswordField(
        "Password", render_kw={"autocomplete": "current-password", "required": True}
    )
    next = HiddenField()


class SignupForm(NewPasswordForm):
    username = StringField(
        "Username",
        render_kw={"autocomplete": "username", "required": True, "maxlength": USERNAME_MAX},
    )
    password = PasswordField(
        "Password", render_kw={"autocomplete": "new-password", "required": True}
    )


class TokenForm(ServiceForm):
    name = StringField("Name", render_kw={"maxlength": TOKEN_NAME_MAX, "required": True})
    # A signed-in browser alone cannot mint 30-day tokens: a stolen session would
    # otherwise outlive the owner's password change.
    password = PasswordField(
        "Your password", render_kw={"autocomplete": "current-password", "required": True}
    )


class PasswordChangeForm(NewPasswordForm):
    new_password_field = "new_password"

    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password", "required": True}
    )
    new_password = PasswordField(
        "New password", render_kw={"autocomplete": "new-password", "required": True}
    )
    keep_tokens = BooleanField("Keep my API tokens")


class DeleteAccountForm(ServiceForm):
    password = PasswordField(
        "Your password", render_kw={"autocomplete": "current-password", "required": True}
    )
