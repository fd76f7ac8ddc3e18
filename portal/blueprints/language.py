"""The language switch in every page's header: remembered on the account and in the browser."""
from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from portal.db import get_session
from portal.web import language
from portal.web.guards import public
from portal.web.redirects import safe_next

bp = Blueprint("language", __name__)


@bp.post("/language")
@public
def choose():
    chosen = request.form.get("language", "")
    if chosen not in language.LANGUAGES:
        abort(400)  # only the switch's own buttons post here; they cannot send anything else
    if current_user.is_authenticated and current_user.language != chosen:
        current_user.language = chosen  # loaded through this request's session, so the commit saves it
        get_session().commit()
    target = safe_next(request.form.get("next")) or url_for("home.index")
    return language.remember(redirect(target, 303), chosen)
