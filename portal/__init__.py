"""Passage: the caseworker portal. create_app() builds the Flask application."""
import os
from pathlib import Path

from flask import Flask, has_request_context
from werkzeug.middleware.proxy_fix import ProxyFix

from portal import audit, db, i18n
from portal import config as config_module
from portal.extensions import babel, csrf, htmx

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=os.environ.get("PASSAGE_INSTANCE_DIR") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(config_module.from_environment(app.instance_path))
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="passage_session",
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session; idle expiry ends both
        MAX_CONTENT_LENGTH=None,
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"),
    )
    if test_config:
        app.config.update(test_config)
    app.config["MAX_CONTENT_LENGTH"] = app.config["UPLOAD_MAX_BYTES"] + 1024 * 1024
    config_module.check_production_safety(app.config)
    os.makedirs(app.instance_path, exist_ok=True)
    os.makedirs(app.config["DATA_DIR"], exist_ok=True)

    if app.config["PROXY_HOPS"]:
        # Behind the TLS proxy: the visitor's address and scheme are the ones the proxy saw, trusting exactly
        # as many X-Forwarded-* entries as there are proxies (a visitor can add entries, never remove them).
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    db.init_app(app)
    audit.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    i18n.init_app(app)

    # The web layer, the views and the commands are imported here, not at the top: importing portal.models
    # or portal.forms (a job, a test of the rules) must not load every view.
    from portal import cli, web
    from portal.blueprints import BLUEPRINTS

    web.init_app(app)
    cli.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app


def _select_locale() -> str | None:
    if not has_request_context():
        return None  # jobs and commands: the default locale, or the one they force (a packet's language)
    from portal.web.language import chosen_language  # here: jobs and commands import portal without the web layer

    return chosen_language()


__all__ = ["create_app"]
