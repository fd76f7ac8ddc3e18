"""Landing after sign-in, and each staff member's list of work."""
from flask import Blueprint, redirect, url_for
from flask_login import current_user

from portal.access import allow, public
from portal.models import CASE_ROLES, Role
from portal.web import render

bp = Blueprint("home", __name__)


@bp.route("/")
@public
def index():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.sign_in"))
    if current_user.role == Role.youth:
        return redirect(url_for("youth.home"))
    if current_user.role == Role.admin:
        return redirect(url_for("admin.users"))
    return redirect(url_for("home.my_work"))


@bp.route("/my-work")
@allow(*CASE_ROLES)
def my_work():
    return render("home/my_work.html")


@bp.route("/health")
@public
def health():
    return {"status": "ok"}
