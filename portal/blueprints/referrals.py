"""Placeholder blueprint: replaced by the issue that builds it."""
from flask import Blueprint

from portal.access import allow
from portal.models import CASE_ROLES, Role
from portal.web import render

bp = Blueprint("referrals", __name__, url_prefix="/referrals")


@bp.route("/")
@allow(*CASE_ROLES)
def queue():
    return render("placeholder.html", title="Referrals")
