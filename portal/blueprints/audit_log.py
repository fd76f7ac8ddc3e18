"""Placeholder blueprint: replaced by the issue that builds it."""
from flask import Blueprint

from portal.access import allow
from portal.models import CASE_ROLES, Role
from portal.web import render

bp = Blueprint("audit_log", __name__, url_prefix="/audit")


@bp.route("/")
@allow(*(Role.admin, Role.manager))
def index():
    return render("placeholder.html", title="Audit log")
