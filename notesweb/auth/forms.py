"""Forms of the account pages. The rules they report are the auth service's."""

from wtforms import BooleanField, HiddenField, PasswordField, StringField

from ..forms import ServiceForm
from ..limits import PASSWORD_MIN, TOKEN_NAME_MAX, USERNAME_MAX


class LoginForm(ServiceForm):
    username = StringField(
        "Username", render_kw={"autocomplete": "username", "required": True, "autofocus": True}
    )
    password = PasswordField(
        "Password", render_kw={"autocomplete": "current-password", "required": True}
    )
    next = HiddenField()


class SignupForm(ServiceForm):
    username = StringField(
        "Username",
        render_kw={"autocomplete": "username", "required": True, "maxlength": USERNAME_MAX},
    )
    password = PasswordField(
        "Password",
        render_kw={"autocomplete": "new-password", "required": True, "minlength": PASSWORD_MIN},
    )


class TokenForm(ServiceForm):
    name = StringField("Name", render_kw={"maxlength": TOKEN_NAME_MAX, "required": True})
    # A signed-in browser alone cannot mint 30-day tokens: a stolen session would
    # otherwise outlive the owner's password change.
    password = PasswordField(
        "Your password", render_kw={"autocomplete": "current-password", "required": True}
    )


class PasswordChangeForm(ServiceForm):
    current_password = PasswordField(
        "Current password", render_kw={"autocomplete": "current-password", "required": True}
    )
    new_password = PasswordField(
        "New password",
        render_kw={"autocomplete": "new-password", "required": True, "minlength": PASSWORD_MIN},
    )
    keep_tokens = BooleanField("Keep my API tokens")


class DeleteAccountForm(ServiceForm):
    password = PasswordField(
        "Your password", render_kw={"autocomplete": "current-password", "required": True}
    )
