"""notesweb: notes in the browser and over JSON."""

from __future__ import annotations

import os

from flask import Flask, redirect, url_for
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from .cli import register_cli
from .config import load_settings
from .errors import end_transaction, register_error_handlers
from .extensions import csrf, db, limiter, login_manager, migrate
from .observability import register_observability
from .security import register_security


def create_app(config: dict | None = None) -> Flask:
    instance_path = os.environ.get("NOTESWEB_INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_settings(app.instance_path, config))
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", _engine_options(app))
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Behind nginx: per-address rate limits count the client, not the proxy, and
        # requests that reached nginx over https are known as such (HSTS, external URLs).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    register_observability(app)
    register_security(app)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def _engine_options(app: Flask) -> dict:
    config = app.config
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite"):
        return {}
    options = {
        # A connection the server dropped (a restart, a failover) is replaced before a
        # request uses it, so the app serves again as soon as the database is back.
        "pool_pre_ping": True,
        "pool_size": config["DATABASE_POOL_SIZE"],
        "max_overflow": config["DATABASE_MAX_OVERFLOW"],
        "pool_timeout": config["DATABASE_POOL_TIMEOUT"],
    }
    if url.startswith("postgresql"):
        options["connect_args"] = {
            "connect_timeout": config["DATABASE_CONNECT_TIMEOUT"],
            # A server cut off without a word (a network partition, not a restart):
            # give up on what it does not acknowledge within 10 s, so the request is
            # answered 503 well before gunicorn's 30 s timeout kills the worker.
            "tcp_user_timeout": 10_000,
            "keepalives": 1,
            # And a request waiting for a result from a silent server: probed after
            # 5 s of quiet, given up on after 3 unanswered probes 2 s apart.
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
        }
    return options


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    # Registered after Flask-SQLAlchemy's teardown, so it runs first: if the database
    # went away after the response was made, no error handler can answer any more,
    # and the response must stand.
    app.teardown_appcontext(lambda _exc: end_transaction())
    migrate.init_app(app, db, directory=os.path.join(app.root_path, os.pardir, "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # Several gunicorn workers share one file: WAL lets readers run beside a writer,
    # and busy_timeout makes a writer wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    from .api import register_api
    from .auth.views import bp as auth_bp
    from .notes.views import bp as notes_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(notes_bp)
    register_api(app)

    @app.get("/")
    def home():
        return redirect(url_for("notes.index"))
