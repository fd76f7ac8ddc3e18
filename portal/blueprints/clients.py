"""Client files. (Being built: see the foundation issue.)"""
from flask import Blueprint

from portal.access import allow
from portal.models import CASE_ROLES
from portal.web import render

bp = Blueprint("clients", __name__, url_prefix="/clients")


@bp.route("/")
@allow(*CASE_ROLES)
def index():
    return render("placeholder.html", title="Clients")
