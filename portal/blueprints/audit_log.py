"""The audit log, for managers and admins: their agency's events, newest first."""
from flask import Blueprint, request
from flask_login import current_user

from portal.audit import browse
from portal.db import get_session
from portal.i18n import gettext as _
from portal.models import Role
from portal.web.guards import allow
from portal.web.rendering import render

bp = Blueprint("audit_log", __name__, url_prefix="/audit")


@bp.route("/")
@allow(Role.admin, Role.manager)
def index():
    db = get_session()
    people = browse.people(db, agency_id=current_user.agency_id)
    filters, errors = browse.Filters.read(request.args, user_ids={str(user.id) for user in people})
    page = None if errors else browse.browse(db, agency_id=current_user.agency_id, filters=filters)
    return render(
        "audit_log/index.html",
        block="results",
        status=422 if errors else 200,
        filters=filters,
        errors=errors,
        page=page,
        user_options=[(str(user.id), user.name + ("" if user.active else " " + _("(inactive)"))) for user in people],
        names={user.id: user.name for user in people},
        # Admins manage users, not case content: no links into client files for them.
        link_clients=current_user.role == Role.manager,
    )
