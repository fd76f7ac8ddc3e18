"""Users and agency settings, for admins and managers of one agency."""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from portal.access import parse_id
from portal.accounts import agencies
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
                  manageable={user.id for user in people if agencies.may_manage(current_user, user)})


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.admin, Role.manager)
def new_user():
    role_options = [(str(role), ROLE_LABELS[role]) for role in agencies.roles_creatable_by(current_user)]
    if request.method == "GET":
        form = FormResult(values={"email": "", "name": "", "role": ""})
        return render("admin/new_user.html", form=form, role_options=role_options)
    form = agencies.read_new_user(request.form, by=current_user)
    db = get_session()
    if form.ok:
        try:
            user = agencies.add_staff(db, by=current_user, values=form.clean)
        except ValueError:
            db.rollback()
            form.errors["email"] = _("Someone already has an account with this email address.")
    if not form.ok:
        return render("admin/new_user.html", status=422, form=form, role_options=role_options)
    db.commit()
    flash(_("The account is ready. Give the temporary password to %(name)s in person or by phone, never by email.",
            name=user.name), "success")
    return redirect(url_for("admin.users"), 303)


@bp.route("/users/<user_id>/deactivate", methods=["POST"])
@allow(Role.admin, Role.manager)
def deactivate(user_id):
    return _set_active(user_id, False)


@bp.route("/users/<user_id>/reactivate", methods=["POST"])
@allow(Role.admin, Role.manager)
def reactivate(user_id):
    return _set_active(user_id, True)


def _set_active(user_id, active: bool):
    db = get_session()
    target = db.get(User, parse_id(user_id))
    if target is None or target.agency_id != current_user.agency_id:
        abort(404)
    if not agencies.may_manage(current_user, target):
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
            "stuck_after_days": agency.stuck_after_days,
            "retention_days": agency.retention_days,
        })
        return render("admin/settings.html", agency=agency, form=form)
    form = agencies.read_settings(request.form)
    if not form.ok:
        return render("admin/settings.html", agency=agency, form=form, status=422)
    changed = agencies.update_settings(db, agency=agency, values=form.clean, by=current_user)
    db.commit()
    flash(_("The settings are saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("admin.settings"), 303)
