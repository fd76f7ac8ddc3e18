"""Placeholder blueprint: replaced by the issue that builds it."""
from flask import Blueprint

from portal.access import allow
from portal.models import CASE_ROLES, Role
from portal.web import render

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.route("/")
@allow(*(Role.manager,))
def index():
    return render("placeholder.html", title="Dashboard")
