"""The agency's privacy policy: settings (managers), the privacy notice (screen and print, English and
French) with the youth's acknowledgement, and the board's policy report."""
from datetime import date, timedelta

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import access, validation
from portal.db import get_session
from portal.documents.leaflets import render_leaflet
from portal.i18n import canadian_locale
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Agency, Client, Role
from portal.policy import notice, report, settings
from portal.web.guards import allow
from portal.web.rendering import render

bp = Blueprint("policy", __name__, url_prefix="/policy")


def _options() -> dict:
    return {"fields": settings.OPTIONAL_FIELDS, "modes": settings.MODES, "bases": settings.BASES,
            "recipients": settings.RECIPIENTS}


@bp.route("/", methods=["GET", "POST"])
@allow(Role.manager)
def edit():
    db = get_session()
    if request.method == "GET":
        policy = settings.get(db, agency_id=current_user.agency_id)
        return render("policy/settings.html", form=validation.FormResult(values=settings.form_values(policy)),
                      **_options())
    form = settings.read_form(request.form)
    if not form.ok:
        return render("policy/settings.html", status=422, form=form, **_options())
    changed = settings.save(db, user=current_user, clean=form.clean)
    db.commit()
    flash(_("The privacy policy settings are saved.") if changed else _("Nothing was changed."), "success")
    return redirect(url_for("policy.edit"), 303)


def _language() -> str:
    """The notice's language: the one asked for (a caseworker shows a youth theirs), else the page's own."""
    served = canadian_locale().language
    language = request.args.get("lang", served)
    return language if language in notice.LANGUAGES else served if served in notice.LANGUAGES else "en"


@bp.route("/notice")
@allow(*CASE_ROLES, Role.youth)
def notice_page():
    db = get_session()
    shown = notice.build(db, agency=db.get(Agency, current_user.agency_id), language=_language())
    return render("policy/notice.html", notice=shown)


@bp.route("/notice.pdf")
@allow(*CASE_ROLES, Role.youth)
def notice_pdf():
    db = get_session()
    shown = notice.build(db, agency=db.get(Agency, current_user.agency_id), language=_language())
    data = render_leaflet(render_template("policy/notice_print.html", notice=shown),
                          app=current_app._get_current_object())
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="privacy-notice-{shown.language}.pdf"',
        "Cache-Control": "private, no-store"})


@bp.route("/clients/<client_id>/acknowledged", methods=["POST"])
@allow(*CASE_ROLES)
def acknowledged(client_id):
    db = get_session()
    client = access.get_or_404(db, Client, client_id, current_user)
    language = request.form.get("language", "")
    how = request.form.get("how", "")
    on, error = validation.a_date(request.form.get("on"), required=True, past=True, earliest=date(2000, 1, 1))
    if language not in notice.LANGUAGES or how not in dict(notice.HOW) or error:
        flash(_("Privacy notice: choose the language and how it was given, and a date that is not in the future."),
              "error")
        return redirect(url_for("clients.show", client_id=client.id) + "#privacy-notice", 303)
    notice.acknowledge(db, user=current_user, client=client, language=language, how=how, on=on)
    db.commit()
    flash(_("The youth's acknowledgement of the privacy notice is recorded."), "success")
    return redirect(url_for("clients.show", client_id=client.id) + "#privacy-notice", 303)


@bp.route("/report")
@allow(Role.manager)
def board_report():
    db = get_session()
    today = date.today()
    start, start_error = validation.a_date(request.args.get("from") or (today - timedelta(days=365)).isoformat(),
                                           past=True, earliest=date(2000, 1, 1))
    end, end_error = validation.a_date(request.args.get("to") or today.isoformat(), earliest=date(2000, 1, 1))
    errors = {key: message for key, message in (("from", start_error), ("to", end_error)) if message}
    if not errors and start > end:
        errors["to"] = _("To: the end of the period is before its start.")
    if errors:
        start, end = today - timedelta(days=365), today
    built = report.build(db, agency=db.get(Agency, current_user.agency_id), start=start, end=end)
    return render("policy/report.html", status=422 if errors else 200, report=built, errors=errors,
                  values={"from": request.args.get("from", start.isoformat()),
                          "to": request.args.get("to", end.isoformat())},
                  **_options())
