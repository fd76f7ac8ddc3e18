"""Passage: the caseworker portal. create_app() builds the Flask application."""
import os
from pathlib import Path

from flask import Flask, g, has_request_context, request, session
from flask_login import current_user

from portal import config as config_module
from portal import db, i18n
from portal.extensions import babel, csrf, htmx, login_manager
from portal.i18n import lazy_gettext as _l

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

    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    i18n.init_app(app)
    _init_login(app)

    from portal import cli, web

    web.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    return app


def _select_locale() -> str | None:
    if not has_request_context():
        return None  # jobs and commands: the default locale
    return request.accept_languages.best_match(["en", "fr"]) or "en"


def _init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # our own server-side sessions do this job

    @login_manager.user_loader
    def load_user(user_id: str):
        from portal.accounts.sessions import session_user

        token = session.get("sid")
        if not token:
            return None
        user = session_user(db.get_session(), token=token, user_id=user_id, idle=app.config["IDLE_TIMEOUT"])
        if user is None:
            g.session_expired = True
            session.clear()
        return user


def _register_blueprints(app: Flask) -> None:
    from portal.blueprints import admin, audit_log, auth, clients, dashboard, directory, documents, home, packets, referrals, review, youth

    for module in (auth, home, clients, audit_log, admin, packets, documents, review, dashboard, youth, referrals, directory):
        app.register_blueprint(module.bp)


__all__ = ["create_app", "current_user"]
