"""Flask-Login over Passage's own server-side sessions: the cookie holds a token, the database the session."""
from flask import Flask, g, request, session

from portal import db
from portal.accounts.sessions import session_user
from portal.extensions import login_manager
from portal.i18n import lazy_gettext as _l

BACKGROUND_HEADER = "X-Passage-Background"


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.sign_in"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # our own server-side sessions do this job

    @login_manager.user_loader
    def load_user(user_id: str):
        token = session.get("sid")
        if not token:
            return None
        # A background poll (the PDF status) is not activity; "Stay signed in" is, at once.
        background = request.headers.get(BACKGROUND_HEADER) == "1"
        user = session_user(db.get_session(), token=token, user_id=user_id, idle=app.config["IDLE_TIMEOUT"],
                            touch=not background, force=request.endpoint == "auth.keep_alive")
        if user is None:
            g.session_expired = True
            session.clear()
        return user
