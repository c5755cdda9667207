"""Migrations: they build, tear down and rebuild the schema, and match the models."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from notesweb.extensions import db


def tables(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version", "sqlite_sequence"}


ALL_TABLES = {"notes", "users", "login_sessions", "api_tokens"}


def test_upgrade_downgrade_upgrade(app):
    assert tables(app) == ALL_TABLES
    with app.app_context():
        downgrade(revision="base")
    assert tables(app) == set()
    with app.app_context():
        upgrade()
    assert tables(app) == ALL_TABLES


def test_the_list_index_matches_its_sort_order(app):
    with app.app_context():
        indexes = {ix["name"]: ix["column_names"] for ix in inspect(db.engine).get_indexes("notes")}
    assert indexes["ix_notes_owner_id_updated_at_id"] == ["owner_id", "updated_at", "id"]


def test_models_and_migrations_do_not_drift(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_the_drift_check_notices_a_difference(app, runner):
    with app.app_context():
        with db.engine.begin() as connection:
            connection.exec_driver_sql("DROP INDEX ix_notes_owner_id_updated_at_id")
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code != 0
