"""flask --app notesweb backup FILE / restore FILE: the database to a file and back
(see notesweb/backups.py and docs/deploy.md)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from . import backups


def _described(made: backups.Backup) -> str:
    revision = made.revision or "no revision"
    return f"{made.path} ({made.size:,} bytes, at revision {revision})"


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Back up the database to FILE (SQLite: a database file; PostgreSQL: a pg_dump
    archive in custom format). The app may keep serving meanwhile."""
    try:
        made = backups.backup(file)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backed up to {_described(made)}")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that already has tables.")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Replace the database with the backup in FILE, after checking it."""
    try:
        restored = backups.restore(file, force=force)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"restored from {_described(restored)}")


def register_backup_cli(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
