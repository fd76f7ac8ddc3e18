"""Privacy requests and incidents: correction requests, who opened a client's records, privacy incidents
and their notification letters. Managers decide and report; caseworkers may record a correction request."""
from datetime import date, timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlmodel import select

from portal import access, audit
from portal.db import get_session
from portal.documents import letters
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Agency, Client, Role, User
from portal.privacy import breach, corrections
from portal.validation import FormInvalid, FormResult
from portal.web.guards import allow
from portal.web.rendering import render

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


@bp.route("/")
@allow(Role.manager)
def index():
    db = get_session()
    return render("privacy/index.html", requests=corrections.open_for_agency(db, agency_id=current_user.agency_id),
                  incidents=breach.for_agency(db, agency_id=current_user.agency_id),
                  field_label=corrections.field_label)


# ---------------------------------------------------------------------------------------------
# Who opened a client's records
# ---------------------------------------------------------------------------------------------

@bp.route("/clients/<client_id>/access")
@allow(Role.manager)
def access_report(client_id):
    db = get_session()
    client = access.get_or_404(db, Client, client_id, current_user)
    if "start" not in request.args and "end" not in request.args:
        today = date.today()
        period = FormResult(values={"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()})
        return render("privacy/access.html", client=client, period=period, rows=None)
    period = breach.read_period(request.args)
    if not period.ok:
        return render("privacy/access.html", client=client, period=period, rows=None, status=422)
    rows = breach.access_report(db, user=current_user, client=client, start=period.clean["start"],
                                end=period.clean["end"])
    db.commit()
    if request.args.get("format") == "csv":
        name = f"access-{client.id}-{period.clean['start']}-{period.clean['end']}.csv"
        return Response(breach.access_csv(rows), mimetype="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return render("privacy/access.html", client=client, period=period, rows=rows)


# ---------------------------------------------------------------------------------------------
# Correction requests
# ---------------------------------------------------------------------------------------------

@bp.route("/clients/<client_id>/corrections/new", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def new_correction(client_id):
    db = get_session()
    client = access.get_or_404(db, Client, client_id, current_user)
    form = FormResult(values={"field": request.args.get("field", ""), "received_on": date.today().isoformat()})
    if request.method == "POST":
        form = corrections.read_request(request.form)
        if form.ok:
            corrections.record(db, user=current_user, client=client, values=form.clean)
            db.commit()
            flash(_("The correction request is recorded. A manager will decide it."), "success")
            return redirect(url_for("clients.show", client_id=client.id), 303)
    fields = [(name, label) for name, (label, _check) in corrections.FIELDS.items()]
    return render("privacy/correction_new.html", client=client, form=form, fields=fields,
                  status=422 if form.errors else 200)


@bp.route("/corrections/<request_id>", methods=["GET", "POST"])
@allow(Role.manager)
def correction(request_id):
    db = get_session()
    item, client = corrections.get(db, user=current_user, request_id=request_id)
    errors, values = {}, {"corrected_value": item.requested_value}
    if request.method == "POST":
        values = request.form.to_dict()
        try:
            corrections.decide(db, user=current_user, request=item, client=client,
                               decision=request.form.get("decision", ""),
                               corrected_value=request.form.get("corrected_value", "")[:2000],
                               statement=request.form.get("statement", "")[:4000],
                               note=request.form.get("note", "")[:2000])
        except FormInvalid as invalid:
            db.rollback()
            errors = invalid.errors
            item, client = corrections.get(db, user=current_user, request_id=request_id)
        else:
            db.commit()
            flash(_("The decision is saved. The person can read it in their portal.") if item.told_by == "portal"
                  else _("The decision is saved. Please print the letter and send it to the person."), "success")
            return redirect(url_for("privacy.correction", request_id=item.id), 303)
    names = _names(db, [item.recorded_by_id, item.decided_by_id])
    return render("privacy/correction.html", item=item, client=client, errors=errors, values=values, names=names,
                  label=corrections.field_label(item.field), status=422 if errors else 200)


@bp.route("/corrections/<request_id>/letter")
@allow(Role.manager)
def correction_letter(request_id):
    db = get_session()
    item, client = corrections.get(db, user=current_user, request_id=request_id)
    if item.decided_at is None:
        abort(404)
    return render("privacy/correction_letter.html", item=item, client=client, agency=db.get(Agency, client.agency_id),
                  label=corrections.field_label(item.field))


@bp.route("/corrections/<request_id>/letter.pdf")
@allow(Role.manager)
def correction_letter_pdf(request_id):
    db = get_session()
    item, client = corrections.get(db, user=current_user, request_id=request_id)
    if item.decided_at is None:
        abort(404)
    html = render_template("privacy/correction_letter_pdf.html", item=item, client=client,
                           agency=db.get(Agency, client.agency_id), label=corrections.field_label(item.field))
    audit.record(db, action="correction.letter", user=current_user, record_type="client", record_id=client.id,
                 detail=f"request={item.id}")
    db.commit()
    return Response(letters.letters_pdf(current_app, html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="correction-{item.id}.pdf"'})


def _names(db, ids) -> dict:
    ids = [value for value in ids if value]
    if not ids:
        return {}
    return {row.id: row.name for row in db.exec(select(User).where(User.id.in_(ids),
                                                                    User.agency_id == current_user.agency_id))}


# ---------------------------------------------------------------------------------------------
# Privacy incidents
# ---------------------------------------------------------------------------------------------

def _agency_clients(db) -> list[Client]:
    return list(db.exec(access.scope(select(Client), Client, current_user, db)
                        .order_by(Client.family_name, Client.given_names)))


def _incident(db, incident_id):
    try:
        return breach.get_incident(db, user=current_user, incident_id=incident_id)
    except LookupError:
        abort(404)


@bp.route("/incidents/new", methods=["GET", "POST"])
@allow(Role.manager)
def new_incident():
    db = get_session()
    people = _agency_clients(db)
    form = FormResult(values={"found_on": date.today().isoformat(), "client_ids": request.args.getlist("client")})
    if request.method == "POST":
        form = breach.read_incident(request.form, visible_client_ids={str(client.id) for client in people})
        if form.ok:
            incident = breach.record_incident(db, user=current_user, values=form.clean)
            db.commit()
            flash(_("The incident is recorded."), "success")
            return redirect(url_for("privacy.incident", incident_id=incident.id), 303)
    return render("privacy/incident_new.html", form=form, people=people, status=422 if form.errors else 200)


@bp.route("/incidents/<incident_id>")
@allow(Role.manager)
def incident(incident_id):
    db = get_session()
    return _incident_page(db, _incident(db, incident_id), errors={},
                          values={"notified_on": date.today().isoformat()})


def _incident_page(db, item, *, errors: dict, values: dict, status: int = 200):
    people = breach.affected_clients(db, incident=item)
    return render("privacy/incident.html", item=item, people=people, notices=breach.notices(db, incident=item),
                  person_options=[(str(client.id), client.display_name) for client in people],
                  names=_names(db, [item.recorded_by_id]), errors=errors, values=values, status=status)


@bp.route("/incidents/<incident_id>/notices", methods=["POST"])
@allow(Role.manager)
def add_notice(incident_id):
    db = get_session()
    item = _incident(db, incident_id)
    try:
        breach.add_notice(db, user=current_user, incident=item, form=request.form)
    except FormInvalid as invalid:
        db.rollback()
        return _incident_page(db, _incident(db, incident_id), errors=invalid.errors, values=invalid.values,
                              status=422)
    db.commit()
    flash(_("Saved: who was told, and when."), "success")
    return redirect(url_for("privacy.incident", incident_id=item.id), 303)


@bp.route("/incidents/<incident_id>/letters")
@allow(Role.manager)
def incident_letters(incident_id):
    db = get_session()
    item = _incident(db, incident_id)
    return render("privacy/incident_letters.html", item=item, people=_addressees(db, item),
                  agency=db.get(Agency, item.agency_id), today=date.today())


@bp.route("/incidents/<incident_id>/letters.pdf")
@allow(Role.manager)
def incident_letters_pdf(incident_id):
    db = get_session()
    item = _incident(db, incident_id)
    html = render_template("privacy/incident_letters_pdf.html", item=item, people=_addressees(db, item),
                           agency=db.get(Agency, item.agency_id), today=date.today())
    audit.record(db, action="privacy.incident_letters", user=current_user, record_type="incident",
                 record_id=item.id)
    db.commit()
    return Response(letters.letters_pdf(current_app, html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="incident-letters-{item.found_on}.pdf"'})


def _addressees(db, item) -> list[Client]:
    """Everyone the incident touched, or the one person asked for (?client=)."""
    people = breach.affected_clients(db, incident=item)
    only = request.args.get("client")
    if only:
        people = [client for client in people if str(client.id) == only]
        if not people:
            abort(404)
    return people
