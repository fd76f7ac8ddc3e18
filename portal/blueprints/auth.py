"""Sign in (a password, then a code from an authenticator app for staff who have one) and sign out."""
import time

from flask import Blueprint, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from portal import access
from portal.accounts import mfa, password_links, sessions
from portal.db import get_session
from portal.demo import DEMO_LOGINS, DEMO_PASSWORD, demo_totp_secret
from portal.i18n import gettext as _
from portal.models import Role, User
from portal.validation import FormInvalid, clean_text
from portal.web import reauth
from portal.web.guards import allow, public
from portal.web.redirects import safe_next
from portal.web.rendering import render

bp = Blueprint("auth", __name__)
PENDING_SECONDS = 300  # between the right password and the code


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
            return _finish(db, result.user, safe_next(request.args.get("next")))
        db.commit()
        if result.pending is not None:
            session["mfa_user"], session["mfa_at"] = str(result.pending.id), int(time.time())
            session["mfa_next"] = safe_next(request.args.get("next"))
            return redirect(url_for("auth.code" if result.second_step == "code" else "auth.enrol"), 303)
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
                  demo_password=DEMO_PASSWORD, demo_secret=demo_totp_secret)


def _finish(db, user, next_url: str | None):
    """Open the session: a new one at sign-in, so nothing from before (a half-done sign-in) carries over."""
    session.clear()
    session["sid"] = sessions.open_session(db, user=user, ip=request.remote_addr or "")
    session.permanent = True
    reauth.mark_recent()
    db.commit()
    login_user(user)
    return redirect(next_url or _home_for(user), 303)


@bp.route("/sign-in/recovery-codes")
@allow(Role.admin, Role.manager, Role.caseworker)
def new_codes():
    codes, next_url = session.pop("new_codes", None), session.pop("codes_next", None)
    if not codes:
        return redirect(url_for("account.index"), 303)
    return render("auth/recovery_codes.html", codes=codes, next_url=safe_next(next_url) or _home_for(current_user))


def _pending_user(db) -> User | None:
    """Whoever gave the right password in this browser within PENDING_SECONDS and has a second step to do."""
    if not session.get("mfa_user") or time.time() - session.get("mfa_at", 0) > PENDING_SECONDS:
        return None
    user = db.get(User, access.parse_id(session["mfa_user"]))
    return user if user is not None and user.active else None


def _start_again():
    if session.pop("mfa_user", None):
        flash(_("Please sign in again: the time to enter a code ran out."), "info")
    session.pop("mfa_at", None)
    session.pop("mfa_next", None)
    return redirect(url_for("auth.sign_in"), 303)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@public
def code():
    db = get_session()
    user = _pending_user(db)
    if user is None:
        return _start_again()
    error, status = None, 200
    if request.method == "POST":
        check = mfa.check_code(db, user=user, code=request.form.get("code", "")[:40])
        if check.ok:
            sessions.signed_in(db, user=user, how="recovery_code" if check.used_recovery_code else "authenticator")
            left = mfa.recovery_codes_left(db, user)
            response = _finish(db, user, session.get("mfa_next"))
            if check.used_recovery_code:  # after _finish, which starts a new session
                flash(_("You used a recovery code; %(n)s are left. You can make new ones on your account page.",
                        n=left), "info")
            return response
        db.commit()
        status = 429 if check.wait_seconds else 422
        error = (_("Too many attempts. Please try again in %(n)s seconds.", n=check.wait_seconds)
                 if check.wait_seconds else
                 _("That code did not work. Enter the 6-digit code your app shows now, or one of your recovery codes."))
    return render("auth/code.html", error=error, status=status)


@bp.route("/sign-in/set-up", methods=["GET", "POST"])
@public
def enrol():
    """Staff who must use a second step and have none yet set one up before they are signed in."""
    db = get_session()
    user = _pending_user(db)
    if user is None or mfa.enrolment(db, user) is not None:
        return _start_again()
    errors = {}
    if request.method == "POST":
        try:
            codes = mfa.confirm_enrolment(db, user=user, code=request.form.get("code", "")[:40])
        except FormInvalid as invalid:
            db.commit()  # the guess counts
            errors = invalid.errors
        else:
            sessions.signed_in(db, user=user, how="enrolled")
            next_url = session.get("mfa_next") or _home_for(user)
            _finish(db, user, None)
            return reauth.show_codes_once(codes, next_url)
    secret = mfa.start_enrolment(db, user=user)
    db.commit()
    uri = mfa.provisioning_uri(secret=secret, email=user.email)
    return render("auth/enrol.html", secret=secret, qr=mfa.qr_svg(uri), errors=errors, action=url_for("auth.enrol"),
                  status=422 if errors else 200)


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
