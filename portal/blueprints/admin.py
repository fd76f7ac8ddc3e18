"""Placeholder blueprint: replaced by the issue that builds it."""
from flask import Blueprint

from portal.access import allow
from portal.models import CASE_ROLES, Role
from portal.web import render

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/users")
@allow(*(Role.admin, Role.manager))
def users():
    return render("placeholder.html", title="Users")
