"""Alembic environment for Flask-Migrate: the app's engine and models' metadata."""

import logging
import os
from logging.config import fileConfig

from alembic import context
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from flask import current_app

from notesweb import backups

config = context.config
if logging.getLogger().handlers:
    # Run by the app (`flask db upgrade`, the tests): its log, in its format, says
    # which migrations ran.
    logging.getLogger("alembic").setLevel(logging.INFO)
elif config.config_file_name:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
config.set_main_option(
    "sqlalchemy.url", db.engine.url.render_as_string(hide_password=False).replace("%", "%%")
)


# Search's own structures, made by migrations 0008 and 0009 in each database's way,
# which the models do not describe: SQLite's FTS5 tables (and the tables they keep),
# its table of words, PostgreSQL's generated tsvector column and its indexes.
NOT_MODELLED = {"table": "notes_fts", "column": "search_vector", "index": "ix_notes_search_"}


def include_object(_object, name, type_, _reflected, _compare_to):
    prefix = NOT_MODELLED.get(type_)
    return prefix is None or not (name or "").startswith(prefix)


def run_migrations_offline():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=db.metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def backup_before_upgrade():
    """A copy of an SQLite database before an upgrade changes its schema, into
    instance/backups/. Not for a fresh database (nothing to lose), one in memory, or a
    downgrade."""
    try:
        destination = context.get_revision_argument()
    except KeyError:  # a command that does not migrate (`check`, `current`)
        return
    url = db.engine.url
    if (
        not current_app.config.get("BACKUP_BEFORE_UPGRADE")
        or db.engine.dialect.name != "sqlite"
        or not url.database
        or url.database == ":memory:"
        or not os.path.isfile(url.database)
    ):
        return
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_heads()
    if not current:
        return
    script = ScriptDirectory.from_config(config)
    if set(current) == set(script.get_heads()):
        return  # already at the newest revision: no upgrade changes anything
    try:
        already = {rev.revision for rev in script.iterate_revisions(current, "base")}
        wanted = {rev.revision for rev in script.get_revisions(destination) if rev}
    except (CommandError, RevisionError):
        wanted = None  # a relative target (`+1`): back up rather than guess
    if wanted is not None and wanted <= already:
        return
    made = backups.backup_before_upgrade(
        url.database, os.path.join(current_app.instance_path, "backups"), "+".join(current)
    )
    logger.info("Backed up the database before upgrading it: %s", made)


def run_migrations_online():
    def skip_empty_autogenerate(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    # SQLite cannot ALTER most things in place; batch mode rebuilds the table.
    conf_args.setdefault("render_as_batch", True)
    conf_args.setdefault("include_object", include_object)

    backup_before_upgrade()
    with db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
