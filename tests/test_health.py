"""Readiness knows the schema: an instance whose database is not at the migrations'
head is not ready to serve, and says why. (An unreachable database: test_unavailable.)"""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from notesweb.extensions import db

from .conftest import make_app

HEAD = "0015"


def test_ready_when_the_schema_is_at_the_head(app):
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 200
    assert ready.json == {
        "status": "ready",
        "database": "ok",
        "migrations": "current",
        "head": HEAD,
    }


def test_not_ready_while_migrations_are_behind(app):
    with app.app_context():
        downgrade(revision="0001")
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503
    assert ready.json == {
        "status": "unavailable",
        "database": "ok",
        "migrations": "behind",
        "current": "0001",
        "head": HEAD,
    }
    with app.app_context():
        upgrade()
    assert app.test_client().get("/readyz").status_code == 200


def test_a_database_never_migrated_is_behind_with_no_revision(database_url):
    client = make_app(database_url).test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["migrations"] == "behind"
    assert ready.json["current"] is None


def test_a_revision_this_code_does_not_know_is_named_as_unknown(app):
    with app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
        db.session.commit()
    ready = app.test_client().get("/readyz")
    assert ready.status_code == 503
    assert (ready.json["migrations"], ready.json["current"]) == ("unknown", "f00d")
