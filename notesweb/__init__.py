"""notesweb: notes in the browser and over JSON."""

from __future__ import annotations

import os

from flask import Flask, redirect, url_for
from werkzeug.middleware.proxy_fix import ProxyFix

from .auth.identity import register_identity
from .cli import register_cli
from .config import load_settings
from .database import register_database
from .errors import register_error_handlers
from .extensions import csrf, db, limiter, migrate
from .notes.transfer.uploads import allow_imports_their_size
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
    register_database(app)
    register_observability(app)
    if proxies := app.config["TRUSTED_PROXIES"]:
        # Behind nginx: per-address rate limits count the client, not the proxy, and
        # requests that reached nginx over https are known as such (HSTS, external URLs).
        # Outermost, so that traces and /metrics' allow list see the client too.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
    register_security(app)
    register_extensions(app)
    register_blueprints(app)
    # After the API: flask-smorest registers an HTTPException handler of its own,
    # and the last one registered for a type is the one Flask calls.
    register_error_handlers(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    migrate.init_app(app, db, directory=os.path.join(app.root_path, os.pardir, "migrations"))
    # Who is signed in is settled before the CSRF check and the rate limits run.
    register_identity(app)
    app.before_request(allow_imports_their_size)
    csrf.init_app(app)
    limiter.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .api import register_api
    from .auth.views import bp as auth_bp
    from .notes.draft_views import bp as drafts_bp
    from .notes.history_views import bp as history_bp
    from .notes.transfer_views import bp as transfer_bp
    from .notes.trash_views import bp as trash_bp
    from .notes.views import bp as notes_bp
    from .theme import bp as theme_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(notes_bp)
    app.register_blueprint(trash_bp)
    app.register_blueprint(history_bp)
    app.register_blueprint(drafts_bp)
    app.register_blueprint(transfer_bp)
    app.register_blueprint(theme_bp)
    register_api(app)

    @app.get("/")
    def home():
        return redirect(url_for("notes.index"))

    @app.get("/favicon.ico")
    def favicon():
        """For what asks the conventional address: pages name the SVG themselves."""
        return redirect(url_for("static", filename="favicon.svg"), 302)
