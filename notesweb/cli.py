"""flask --app notesweb user …: accounts from the command line, for admins and scripts."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from .auth import service
from .exceptions import ValidationError
from .extensions import db
from .models import Note, User

user_cli = AppGroup("user", help="Manage accounts.")


def _password(prompt: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt(prompt, hide_input=True, confirmation_prompt=True)


def _existing(name: str) -> User:
    user = service.find_user(name)
    if user is None:
        raise click.ClickException(f"there is no user {name!r}")
    return user


def _report(exc: ValidationError) -> click.ClickException:
    return click.ClickException("; ".join(e.message for e in exc.errors))


@user_cli.command("create")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create(name: str, password_stdin: bool) -> None:
    """Create the account NAME."""
    try:
        user = service.create_user(name, _password("Password", password_stdin))
    except ValidationError as exc:
        raise _report(exc) from None
    click.echo(f"created user {user.username}")


@user_cli.command("list")
def list_users() -> None:
    """List accounts with their number of notes."""
    rows = db.session.execute(
        select(User.username, User.created_at, func.count(Note.id))
        .outerjoin(Note, Note.owner_id == User.id)
        .group_by(User.id)
        .order_by(User.username_key)
    )
    for username, created_at, notes in rows:
        click.echo(f"{username}\t{created_at:%Y-%m-%d}\t{notes} notes")


@user_cli.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(name: str, password_stdin: bool) -> None:
    """Set the password of NAME (and sign out all its browsers)."""
    user = _existing(name)
    try:
        service.set_password(user, _password("New password", password_stdin))
    except ValidationError as exc:
        raise _report(exc) from None
    click.echo(f"password of {user.username} set")


@user_cli.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(name: str, yes: bool) -> None:
    """Delete NAME with all its notes and tokens."""
    user = _existing(name)
    notes = db.session.scalar(select(func.count(Note.id)).where(Note.owner_id == user.id))
    if not yes:
        click.confirm(f"Delete {user.username} and {notes} notes?", abort=True)
    service.delete_user(user)
    click.echo(f"deleted user {user.username} and {notes} notes")


def register_cli(app: Flask) -> None:
    app.cli.add_command(user_cli)
