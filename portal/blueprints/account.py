"""A staff member's own account: two-step sign-in, password, email, and signing out everywhere.

Every change here first needs a sign-in or a confirmation within the last few minutes (web/reauth.py).
"""
from flask import Blueprint, flash, redirect, request, session, url_for
from flask_login import current_user, logout_user

from portal import access
from portal.accounts import mfa, self_service, sessions
from portal.db import get_session
from portal.i18n import gettext as _
from portal.models import STAFF_ROLES
from portal.validation import FormInvalid
from portal.web import reauth
from portal.web.guards import allow
from portal.web.redirects import safe_next
from portal.web.rendering import render

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.route("/")
@allow(*STAFF_ROLES)
def index():
    db = get_session()
    agency = access.agency_of(db, current_user)
    return render("account/index.html", enrolled=mfa.enrolment(db, current_user) is not None,
                  required=mfa.required_for(current_user, agency),
                  codes_left=mfa.recovery_codes_left(db, current_user))


@bp.route("/confirm", methods=["GET", "POST"])
@allow(*STAFF_ROLES)
def confirm():
    db = get_session()
    next_url = safe_next(request.args.get("next")) or url_for("account.index")
    errors = {}
    if request.method == "POST":
        try:
            self_service.confirm_identity(db, user=current_user, password=request.form.get("password", ""),
                                          code=request.form.get("code", "")[:40])
        except FormInvalid as invalid:
            errors = invalid.errors
        else:
            db.commit()
            reauth.mark_recent()
            return redirect(next_url, 303)
        db.commit()  # a failed try counts
    return render("account/confirm.html", errors=errors, next_url=next_url,
                  enrolled=mfa.enrolment(db, current_user) is not None, status=422 if errors else 200)


@bp.route("/two-step", methods=["GET", "POST"])
@allow(*STAFF_ROLES)
def two_step():
    """Set up an authenticator, or move to a new phone; the old one works until the new one is proved."""
    if (again := reauth.confirm_first()) is not None:
        return again
    db = get_session()
    errors = {}
    if request.method == "POST":
        try:
            codes = mfa.confirm_enrolment(db, user=current_user, code=request.form.get("code", "")[:40])
        except FormInvalid as invalid:
            db.commit()
            errors = invalid.errors
        else:
            db.commit()
            return reauth.show_codes_once(codes, url_for("account.index"))
    secret = mfa.start_enrolment(db, user=current_user)
    db.commit()
    uri = mfa.provisioning_uri(secret=secret, email=current_user.email)
    return render("account/two_step.html", secret=secret, qr=mfa.qr_svg(uri), errors=errors,
                  action=url_for("account.two_step"), status=422 if errors else 200)


@bp.route("/recovery-codes", methods=["POST"])
@allow(*STAFF_ROLES)
def recovery_codes():
    if (again := reauth.confirm_first()) is not None:
        return again
    db = get_session()
    if mfa.enrolment(db, current_user) is None:
        return redirect(url_for("account.index"), 303)
    codes = mfa.new_recovery_codes(db, user=current_user)
    db.commit()
    return reauth.show_codes_once(codes, url_for("account.index"))


@bp.route("/two-step/off", methods=["POST"])
@allow(*STAFF_ROLES)
def two_step_off():
    if (again := reauth.confirm_first()) is not None:
        return again
    db = get_session()
    if mfa.turn_off(db, user=current_user, agency=access.agency_of(db, current_user)):
        db.commit()
        flash(_("Two-step sign-in is off."), "success")
    else:
        flash(_("Your role needs two-step sign-in, so it stays on. You can move it to a new phone instead."), "info")
    return redirect(url_for("account.index"), 303)


@bp.route("/password", methods=["GET", "POST"])
@allow(*STAFF_ROLES)
def password():
    if (again := reauth.confirm_first()) is not None:
        return again
    errors = {}
    if request.method == "POST":
        db = get_session()
        try:
            self_service.change_password(db, user=current_user, password=request.form.get("password", ""),
                                         confirm=request.form.get("confirm", ""))
        except FormInvalid as invalid:
            db.rollback()
            errors = invalid.errors
        else:
            # Every session ended with the old password; this browser carries on in a new one.
            session["sid"] = sessions.open_session(db, user=current_user, ip=request.remote_addr or "")
            db.commit()
            flash(_("Your password is changed. Any other device you were signed in on is signed out."), "success")
            return redirect(url_for("account.index"), 303)
    return render("account/password.html", errors=errors, status=422 if errors else 200)


@bp.route("/email", methods=["GET", "POST"])
@allow(*STAFF_ROLES)
def email():
    if (again := reauth.confirm_first()) is not None:
        return again
    errors, value = {}, current_user.email
    if request.method == "POST":
        db = get_session()
        value = request.form.get("email", "")[:300]
        try:
            self_service.change_email(db, user=current_user, email=value)
        except FormInvalid as invalid:
            db.rollback()
            errors = invalid.errors
        else:
            db.commit()
            flash(_("Your email is changed. Use it the next time you sign in."), "success")
            return redirect(url_for("account.index"), 303)
    return render("account/email.html", errors=errors, value=value, status=422 if errors else 200)


@bp.route("/sign-out-everywhere", methods=["POST"])
@allow(*STAFF_ROLES)
def sign_out_everywhere():
    db = get_session()
    sessions.sign_out_everywhere(db, user=current_user)
    db.commit()
    logout_user()
    session.clear()
    flash(_("You are signed out on every device, this one too."), "info")
    return redirect(url_for("auth.sign_in"), 303)
