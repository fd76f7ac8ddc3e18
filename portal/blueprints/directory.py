"""Placeholder blueprint: replaced by the issue that builds it."""
from flask import Blueprint

from portal.access import allow
from portal.models import CASE_ROLES, Role
from portal.web import render

bp = Blueprint("directory", __name__, url_prefix="/partners")


@bp.route("/")
@allow(*CASE_ROLES)
def index():
    return render("placeholder.html", title="Partners")
