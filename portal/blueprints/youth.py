"""Placeholder blueprint: replaced by the issue that builds it."""
from flask import Blueprint

from portal.access import allow
from portal.models import CASE_ROLES, Role
from portal.web import render

bp = Blueprint("youth", __name__, url_prefix="/me")


@bp.route("/")
@allow(*(Role.youth,))
def home():
    return render("placeholder.html", title="My applications")
