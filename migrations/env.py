"""Alembic environment for Flask-Migrate: the app's engine and models' metadata."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

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

    with db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
