"""flask --app notesweb user … and notes …: accounts and notes from the command line,
for admins, scripts and benchmarks (and their backups, with export and import)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from .auth import service
from .backup_cli import register_backup_cli
from .exceptions import ValidationError
from .extensions import db
from .models import User
from .notes import search, seed, trash
from .notes.transfer.export import export_zip
from .notes.transfer.importing import import_folder, import_zip

user_cli = AppGroup("user", help="Manage accounts.")
notes_cli = AppGroup("notes", help="Work with notes in bulk.")


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
        select(User.username, User.created_at, User.note_count).order_by(User.username_key)
    )
    for username, created_at, notes in rows:
        click.echo(f"{username}\t{created_at:%Y-%m-%d}\t{notes} notes")


@user_cli.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--keep-tokens", is_flag=True, help="Do not revoke the account's API tokens.")
def set_password(name: str, password_stdin: bool, keep_tokens: bool) -> None:
    """Set the password of NAME, sign out all its browsers and revoke its API tokens."""
    user = _existing(name)
    try:
        service.set_password(
            user, _password("New password", password_stdin), keep_tokens=keep_tokens
        )
    except ValidationError as exc:
        raise _report(exc) from None
    kept = "kept" if keep_tokens else "revoked"
    click.echo(f"password of {user.username} set; its browsers signed out, its API tokens {kept}")


@user_cli.command("delete")
@click.argument("name")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(name: str, yes: bool) -> None:
    """Delete NAME with all its notes and tokens."""
    user = _existing(name)
    notes = user.note_count
    if not yes:
        click.confirm(f"Delete {user.username} and {notes} notes?", abort=True)
    service.delete_user(user)
    click.echo(f"deleted user {user.username} and {notes} notes")


@notes_cli.command("seed")
@click.argument("username")
@click.argument("count", type=click.IntRange(1, 10_000_000))
@click.option("--batch", type=click.IntRange(1, 100_000), default=seed.BATCH, show_default=True,
              help="Notes per transaction.")  # fmt: skip
@click.option("--seed", "random_seed", type=int, help="The same number makes the same notes.")
def seed_command(username: str, count: int, batch: int, random_seed: int | None) -> None:
    """Add COUNT sample notes to USERNAME's (for trying the app at scale, and benchmarks).

    Each batch is one transaction: an interrupted run keeps the batches it finished."""
    user = _existing(username)
    with click.progressbar(length=count, label=f"Adding {count:,} notes") as bar:
        seed.seed_notes(user, count, batch=batch, seed=random_seed, progress=bar.update)
    click.echo(f"added {count:,} notes to {user.username}")


@notes_cli.command("export")
@click.argument("username")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, allow_dash=False))
def export_command(username: str, file: str) -> None:
    """Write every note of USERNAME to FILE, a zip (as the account page's Export)."""
    user = _existing(username)
    partial = Path(file).with_name(Path(file).name + ".partial")
    with partial.open("wb") as out:
        for chunk in export_zip(user):
            out.write(chunk)
    partial.replace(file)  # whole, or not at all
    click.echo(f"exported {user.note_count:,} notes of {user.username} to {file}")


@notes_cli.command("import")
@click.argument("username")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would happen; import nothing.")
def import_command(username: str, file: Path, dry_run: bool) -> None:
    """Import into USERNAME the zip FILE (made by export, or of Markdown files), or
    the Markdown files in the folder FILE. Notes identical to USERNAME's are skipped."""
    user = _existing(username)
    try:
        if file.is_dir():
            report = import_folder(user, file, dry_run=dry_run)
        else:
            report = import_zip(user, file, dry_run=dry_run)
    except ValidationError as exc:
        raise _report(exc) from None
    for outcome in report.files:
        reason = f"\t{outcome.reason}" if outcome.reason else ""
        click.echo(f"{outcome.result}\t{outcome.file}{reason}")
    verb = "would create" if dry_run else "created"
    click.echo(
        f"{verb} {report.created}, skipped {report.skipped} as identical, refused {report.refused}"
    )


@click.command("purge")
@with_appcontext
def purge() -> None:
    """Delete notes in the trash for more than TRASH_DAYS, ended sign-in sessions,
    expired API tokens, and the words of deleted notes kept for search (run it daily
    from cron)."""
    notes = trash.purge_expired()
    sessions, tokens = service.purge_expired()
    words = search.prune_words()
    click.echo(
        f"deleted {notes} notes from the trash, {sessions} ended sessions,"
        f" {tokens} expired tokens and {words} words no note holds"
    )


def register_cli(app: Flask) -> None:
    app.cli.add_command(user_cli)
    app.cli.add_command(notes_cli)
    app.cli.add_command(purge)
    register_backup_cli(app)
