"""Users and agency settings, for admins and managers of one agency."""
from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_login import current_user

from portal import mail
from portal.access import parse_id
from portal.accounts import agencies, mfa, password_links
from portal.db import get_session
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.models import Agency, Role, User
from portal.validation import FormResult
from portal.web.guards import allow
from portal.web.rendering import render

bp = Blueprint("admin", __name__, url_prefix="/admin")

ROLE_LABELS = {
    Role.admin: _l("Administrator"),
    Role.manager: _l("Manager"),
    Role.caseworker: _l("Caseworker"),
    Role.youth: _l("Youth or client"),
}


@bp.route("/users")
@allow(Role.admin, Role.manager)
def users():
    db = get_session()
    people = agencies.agency_users(db, agency_id=current_user.agency_id)
    return render("admin/users.html", people=people, role_labels=ROLE_LABELS,
                  manageable={user.id for user in people if agencies.may_manage(current_user, user)},
                  confirmable={user.id for user in people if agencies.may_confirm(current_user, user)},
                  two_step=mfa.enrolled_ids(db, agency_id=current_user.agency_id))


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.admin, Role.manager)
def new_user():
    role_options = [(str(role), ROLE_LABELS[role]) for role in agencies.roles_creatable_by(current_user)]
    if request.method == "GET":
        form = FormResult(values={"email": "", "name": "", "role": "", "delivery": ""})
        return render("admin/new_user.html", form=form, role_options=role_options)
    form = agencies.read_new_user(request.form, by=current_user)
    db = get_session()
    if form.ok:
        try:
            user, token = agencies.add_staff(db, by=current_user, values=form.clean)
        except ValueError:
            db.rollback()
            form.errors["email"] = _("Someone already has an account with this email address.")
    if form.ok and form.clean["delivery"] == "email":
        try:
            password_links.send(user=user, link=url_for("auth.set_password", token=token, _external=True),
                                agency_name=db.get(Agency, current_user.agency_id).name)
        except mail.MailError:
            db.rollback()
            form.errors["delivery"] = _("The email could not be sent just now. Try again in a few minutes, or "
                                        "choose to show the link and hand it over in person.")
    if not form.ok:
        return render("admin/new_user.html", status=422, form=form, role_options=role_options)
    db.commit()
    if form.clean["delivery"] == "shown":
        # The token is never stored: kept in this browser's session just long enough to show it once.
        session[f"password-link:{user.id}"] = token
        return redirect(url_for("admin.account_link", user_id=user.id), 303)
    flash(_("The account is made. %(name)s gets an email with a link to choose their password.", name=user.name)
          + " " + _waiting_note(user), "success")
    return redirect(url_for("admin.users"), 303)


def _waiting_note(user: User) -> str:
    if user.awaiting_confirmation:
        return _("A manager of your agency must confirm the account before it can sign in.")
    return ""


def _same_agency_user(user_id) -> User:
    target = get_session().get(User, parse_id(user_id))
    if target is None or target.agency_id != current_user.agency_id:
        abort(404)
    return target


@bp.route("/users/<user_id>/link")
@allow(Role.admin, Role.manager)
def account_link(user_id):
    target = _same_agency_user(user_id)
    token = session.pop(f"password-link:{target.id}", None)
    link = url_for("auth.set_password", token=token, _external=True) if token else None
    return render("admin/account_link.html", person=target, link=link, role_labels=ROLE_LABELS)


@bp.route("/users/<user_id>/confirm", methods=["POST"])
@allow(Role.manager)
def confirm(user_id):
    db = get_session()
    target = _same_agency_user(user_id)
    if agencies.confirm_access(db, user=target, by=current_user):
        db.commit()
        flash(_("%(name)s's access is confirmed: they can sign in.", name=target.name), "success")
    else:
        flash(_("This account is not waiting for a confirmation (any more)."), "info")
    return redirect(url_for("admin.users"), 303)


@bp.route("/users/<user_id>/deactivate", methods=["POST"])
@allow(Role.admin, Role.manager)
def deactivate(user_id):
    return _set_active(user_id, False)


@bp.route("/users/<user_id>/reactivate", methods=["POST"])
@allow(Role.admin, Role.manager)
def reactivate(user_id):
    return _set_active(user_id, True)


@bp.route("/users/<user_id>/reset-two-step", methods=["POST"])
@allow(Role.admin, Role.manager)
def reset_two_step(user_id):
    db = get_session()
    target = _same_agency_user(user_id)
    if agencies.reset_two_step(db, user=target, by=current_user):
        db.commit()
        flash(_("%(name)s's two-step sign-in is removed and they are signed out. They set it up again when they "
                "next sign in.", name=target.name), "success")
    else:
        flash(_("You cannot change this account. Ask an administrator."), "error")
    return redirect(url_for("admin.users"), 303)


def _set_active(user_id, active: bool):
    db = get_session()
    target = _same_agency_user(user_id)
    if not agencies.may_manage(current_user, target) or (active and target.awaiting_confirmation):
        flash(_("You cannot change this account. Ask an administrator."), "error")
        return redirect(url_for("admin.users"), 303)
    agencies.set_active(db, user=target, active=active, by=current_user)
    db.commit()
    flash(_("%(name)s can sign in again.", name=target.name) if active
          else _("%(name)s can no longer sign in, and any open sessions are ended.", name=target.name), "success")
    return redirect(url_for("admin.users"), 303)


@bp.route("/settings", methods=["GET", "POST"])
@allow(Role.admin, Role.manager)
def settings():
    db = get_session()
    agency = db.get(Agency, current_user.agency_id)
    if request.method == "GET":
        form = FormResult(values={
            "caseworkers_see_all_clients": "all" if agency.caseworkers_see_all_clients else "assigned",
            "caseworkers_may_approve": "yes" if agency.caseworkers_may_approve else "",
            "self_approval_allowed": "yes" if agency.self_approval_allowed else "",
            "youth_login_mode": agency.youth_login_mode,
            "caseworkers_need_mfa": "yes" if agency.caseworkers_need_mfa else "",
            "stuck_after_days": agency.stuck_after_days,
            **{name: getattr(agency, name) for name in agencies.RETENTION_FIELDS},
        })
        return render("admin/settings.html", agency=agency, form=form, retention_settings=agencies.retention_settings())
    form = agencies.read_settings(request.form)
    if not form.ok:
        return render("admin/settings.html", agency=agency, form=form, retention_settings=agencies.retention_settings(),
                      status=422)
    changed = agencies.update_settings(db, agency=agency, values=form.clean, by=current_user)
    db.commit()
    flash(_("The settings are saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("admin.settings"), 303)
