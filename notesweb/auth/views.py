"""Accounts in the browser: sign up, sign in, sign out, settings and API tokens."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from ..errors import hands_back_text_here
from ..exceptions import SignedOut, ValidationError
from ..extensions import login_manager
from ..htmx import wants_fragment
from ..notes.service import count_notes
from ..rate_limits import limit_password_checks, limit_sign_in, limit_sign_up
from ..redirects import safe_next
from . import service
from .browsers import describe as describe_browser
from .devices import remember_device
from .forms import DeleteAccountForm, LoginForm, PasswordChangeForm, SignupForm, TokenForm
from .identity import signed_in_as

bp = Blueprint("auth", __name__)


@login_manager.unauthorized_handler
def unauthorized():
    if hands_back_text_here():
        raise SignedOut()  # the error table hands the text back, and offers sign-in
    fresh = first_run()  # nobody could sign in yet: the way in is to sign up
    if fresh:
        target = url_for("auth.signup")
    else:
        target = url_for("auth.login", next=safe_next(request.full_path.rstrip("?")))
    if wants_fragment():
        # A swap cannot show the login page in place: navigate there instead. (Boosted
        # and history-restore requests take whole pages, so a redirect serves them.)
        return "", 204, {"HX-Redirect": target}
    if not fresh:
        flash("Sign in to see your notes.", "warning")
    return redirect(target, 303)


def first_run() -> bool:
    """A fresh install, open to sign-ups: the way in is to make the first account."""
    return current_app.config["REGISTRATION_OPEN"] and not service.has_accounts()


def form_username() -> str:
    """The username a sign-in or sign-up form names, as the view and its rate limit read it."""
    return request.form.get("username", "")


def sign_in(user) -> None:
    # A fresh session at every sign-in: nothing set before it carries over.
    session.clear()
    secret, record = service.start_login_session(user, request.user_agent.string)
    login_user(signed_in_as(user, secret, record))


@bp.route("/signup", methods=["GET", "POST"])
@limit_sign_up
def signup():
    if not current_app.config["REGISTRATION_OPEN"]:
        abort(404, description="Sign-up is closed on this site.")
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = service.create_user(form_username(), form.typed("password"))
        except ValidationError as exc:
            form.add_errors(exc.errors)
        else:
            sign_in(user)
            flash(f"Welcome, {user.username}.", "success")
            response = redirect(url_for("notes.index"), 303)
            remember_device(response, user)
            return response
    status = 422 if form.errors else 200
    return render_template("auth/signup.html", form=form, first=first_run()), status


@bp.route("/login", methods=["GET", "POST"])
@limit_sign_in(form_username)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = service.authenticate(form_username(), form.typed("password"))
        if user is not None:
            sign_in(user)
            response = redirect(safe_next(form.next.data) or url_for("notes.index"), 303)
            remember_device(response, user)
            return response
        form.password.errors = ["Wrong username or password."]
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    return signed_out_here()


def signed_out_here():
    service.end_login_session(current_user.login_secret)
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    response = redirect(url_for("auth.login"), 303)
    # Drop what this browser kept of the signed-in pages.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


def duration(seconds: int) -> str:
    """The largest whole unit: "7 days", "90 minutes", "1 second"."""
    unit, count = "second", seconds
    for name, size in (("minute", 60), ("hour", 3600), ("day", 86400)):
        if seconds % size == 0:
            unit, count = name, seconds // size
    return f"{count} {unit}" + ("" if count == 1 else "s")


@bp.app_template_filter("browser")
def browser_filter(user_agent: str) -> str:
    return describe_browser(user_agent)


# The session key a new token waits under, between its POST and the page that shows it.
NEW_TOKEN = "new_token"


@bp.get("/account")
@login_required
def account():
    new_token = session.get(NEW_TOKEN)
    if new_token is None:
        return render_account()
    page = render_account(new_token=new_token)
    # Shown once, on this response only: forgotten once the page that shows it is
    # made (a page that failed would leave it for the next one).
    session.pop(NEW_TOKEN)
    return *page, {"Cache-Control": "no-store"}


def render_account(
    token_form: TokenForm | None = None,
    password_form: PasswordChangeForm | None = None,
    new_token: str | None = None,
    status: int = 200,
):
    return (
        render_template(
            "auth/account.html",
            token_form=token_form or TokenForm(formdata=None),
            password_form=password_form or PasswordChangeForm(formdata=None),
            tokens=service.user_tokens(current_user),
            login_sessions=service.login_sessions(current_user),
            idle_timeout=duration(current_app.config["SESSION_IDLE_TIMEOUT"]),
            lifetime=duration(current_app.config["SESSION_LIFETIME"]),
            new_token=new_token,
        ),
        status,
    )


@bp.post("/account/password")
@login_required
@limit_password_checks
def change_password():
    form = PasswordChangeForm()
    keep_tokens = bool(form.keep_tokens.data)
    try:
        service.change_password(
            current_user,
            form.typed("current_password"),
            form.typed("new_password"),
            keep_tokens=keep_tokens,
        )
    except ValidationError as exc:
        form.add_errors(exc.errors)
        return render_account(password_form=form, status=422)
    # Every other browser is signed out; this one gets a fresh session.
    sign_in(current_user._get_current_object())
    if keep_tokens:
        flash("Password changed. Other browsers have been signed out.", "success")
    else:
        flash(
            "Password changed. Other browsers have been signed out and your API tokens revoked.",
            "success",
        )
    return redirect(url_for("auth.account"), 303)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limit_password_checks
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            service.check_password(current_user, form.typed("password"))
        except ValidationError as exc:
            form.add_errors(exc.errors)
        else:
            service.delete_user(current_user)
            logout_user()
            session.clear()
            flash("Your account and all its notes are deleted.", "success")
            return redirect(url_for("auth.login"), 303)
    notes = count_notes(current_user)
    status = 422 if form.errors else 200
    return render_template("auth/delete.html", form=form, notes=notes), status


@bp.get("/account/tokens")
@bp.get("/account/password")
@bp.get("/account/sessions/end-others")
@login_required
def account_again():
    """Where a reload of a token, password or sign-out answer lands: the account page."""
    return redirect(url_for("auth.account"), 303)


@bp.post("/account/tokens")
@login_required
@limit_password_checks
def create_token():
    form = TokenForm()
    try:
        service.check_password(current_user, form.typed("password"))
        secret, _record = service.create_token(current_user, form.typed("name"))
    except ValidationError as exc:
        form.add_errors(exc.errors)
        return render_account(token_form=form, status=422)
    # Post/Redirect/Get: a reload of the page that shows it makes no second token.
    session[NEW_TOKEN] = secret
    return redirect(url_for("auth.account"), 303)


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """Signs out one of the account's browsers; this one's row is signing out here."""
    if session_id == current_user.login_session_id:
        return signed_out_here()
    service.end_login_session_of(current_user, session_id)
    if wants_fragment():
        return ""
    flash("That browser is signed out.", "success")
    return redirect(url_for("auth.account"), 303)


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    ended = service.end_other_login_sessions(current_user, current_user.login_session_id)
    browsers = "browser" if ended == 1 else "browsers"
    flash(f"Signed out {ended} other {browsers}.", "success")
    return redirect(url_for("auth.account"), 303)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    service.revoke_token(current_user, token_id)
    if wants_fragment():
        return ""
    flash("Token revoked.", "success")
    return redirect(url_for("auth.account"), 303)
