"""Sign in and sign out."""
from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal.accounts import password_links, sessions
from portal.db import get_session
from portal.demo import DEMO_LOGINS, DEMO_PASSWORD
from portal.i18n import gettext as _
from portal.models import Role
from portal.validation import FormInvalid, clean_text
from portal.web.guards import allow, public
from portal.web.redirects import safe_next
from portal.web.rendering import render

bp = Blueprint("auth", __name__)


def _home_for(user) -> str:
    return url_for("youth.home") if user.role == Role.youth else url_for("home.index")


@bp.route("/sign-in", methods=["GET", "POST"])
@public
def sign_in():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    email = clean_text(request.form.get("email", ""))[:254]
    error = None
    status = 200
    if request.method == "POST":
        db = get_session()
        result = sessions.sign_in(db, email=email, password=request.form.get("password", ""),
                                  ip=request.remote_addr or "")
        if result.user is not None:
            next_url = safe_next(request.args.get("next"))
            session.clear()  # a new session at sign-in: nothing from before carries over
            session["sid"] = sessions.open_session(db, user=result.user, ip=request.remote_addr or "")
            session.permanent = True
            db.commit()
            login_user(result.user)
            return redirect(next_url or _home_for(result.user), 303)
        db.commit()
        status = 429 if result.wait_seconds else 422
        if result.needs_code:
            error = _("Your agency signs youth in with a code sent by email, not a password. "
                      "Please use \"sign in with a code\" below.")
        elif result.wait_seconds:
            error = _("Too many attempts. Please try again in %(n)s seconds.", n=result.wait_seconds)
        else:
            error = _("That email and password do not match an active account. Please check them and try again.")
    elif getattr(g, "session_expired", False) or request.args.get("expired"):
        flash(_("You were signed out because the page was idle. Please sign in again."), "info")
    demo_logins = DEMO_LOGINS if current_app.config.get("SHOW_DEMO_LOGINS") else []
    return render("auth/sign_in.html", email=email, error=error, status=status, demo_logins=demo_logins,
                  demo_password=DEMO_PASSWORD)


@bp.route("/set-password/<token>", methods=["GET", "POST"])
@public
def set_password(token):
    db = get_session()
    _link, problem = password_links.find(db, token=token)
    if problem:
        return render("auth/set_password.html", problem=password_links.PROBLEMS[problem],
                      status=404 if problem == "unknown" else 410)
    errors = {}
    if request.method == "POST":
        try:
            user = password_links.use(db, token=token, password=request.form.get("password", ""),
                                      confirm=request.form.get("confirm", ""))
        except FormInvalid as error:
            db.rollback()
            errors = error.errors
            if "token" in errors:
                return render("auth/set_password.html", problem=errors["token"], status=410)
        else:
            db.commit()
            flash(_("Your password is set. A manager of your agency must confirm your account before you can "
                    "sign in.") if user.awaiting_confirmation else _("Your password is set. Please sign in."),
                  "success")
            return redirect(url_for("auth.sign_in"), 303)
    return render("auth/set_password.html", problem=None, errors=errors, token=token,
                  status=422 if errors else 200)


@bp.route("/session/keep-alive", methods=["POST"])
@allow(*(str(role) for role in Role))
def keep_alive():
    """ "Stay signed in": the session's idle clock starts again (the login loader counts this request)."""
    return "", 204


@bp.route("/sign-out", methods=["POST"])
@allow(*Role)
def sign_out():
    token = session.get("sid")
    if token:
        db = get_session()
        sessions.end_session(db, token=token)
        db.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.sign_in"), 303)
