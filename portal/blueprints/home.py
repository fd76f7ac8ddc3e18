"""Landing after sign-in, and each staff member's list of work."""
from datetime import date

from flask import Blueprint, redirect, url_for
from flask_login import current_user

from portal.casework.work import work_items
from portal.db import get_session
from portal.models import CASE_ROLES, Role
from portal.web.guards import allow, public
from portal.web.rendering import render

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
    today = date.today()
    items = work_items(get_session(), user=current_user, today=today)
    groups = [
        (0, [item for item in items if item.urgency == 0]),
        (1, [item for item in items if item.urgency == 1]),
        (2, [item for item in items if item.urgency == 2]),
        (3, [item for item in items if item.urgency >= 3]),
    ]
    return render("home/my_work.html", groups=[group for group in groups if group[1]], total=len(items), today=today)


@bp.route("/health")
@public
def health():
    return {"status": "ok"}
