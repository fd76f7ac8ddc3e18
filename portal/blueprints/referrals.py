"""Referrals: the public referral form for other agencies' workers, and the centre's triage queue."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask_login import current_user
from sqlmodel import select

from portal import access, validation
from portal.casework import clients
from portal.db import get_session
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Agency, Client, Consultation, ReferralStatus
from portal.referrals import consultations, intake
from portal.web.guards import allow, public
from portal.web.rendering import render

# No prefix: the public form lives at /refer, the staff queue under /referrals.
bp = Blueprint("referrals", __name__)


def _choices() -> dict:
    return {
        "regions": intake.REGIONS, "concerns": intake.CONCERNS, "urgencies": intake.URGENCIES,
        "consents": intake.CONSENTS, "channels": [c for c in intake.CHANNELS if c[0] != "online"],
        "statuses": intake.STATUSES, "channel_labels": dict(intake.CHANNELS),
    }


def _form_page(form, *, staff: bool, status: int = 200, centre=None):
    return render("referrals/form.html", block="form", status=status, form=form, staff=staff, centre=centre,
                  action=url_for("referrals.new") if staff else url_for("referrals.public_form"), **_choices())


@bp.route("/refer", methods=["GET", "POST"])
@public
def public_form():
    db = get_session()
    centre = intake.centre_agency(db)
    if centre is None:
        abort(404)
    if request.method == "GET":
        return _form_page(validation.FormResult(values={"urgency": "none"}), staff=False, centre=centre)
    ip = request.remote_addr or ""
    form = intake.read_form(request.form, staff=False)
    if (wait := intake.rate_limit_wait(db, ip=ip)):
        return _too_many(form, wait, centre)
    if request.form.get(intake.HONEYPOT):
        # A robot filled the hidden field: it gets the same answer as a person, and nothing is kept.
        session["referral_reference"] = intake.new_reference()
        return redirect(url_for("referrals.sent"), 303)
    if not form.ok:
        return _form_page(form, staff=False, status=422, centre=centre)
    if (wait := intake.take_public_slot(db, ip=ip)):
        return _too_many(form, wait, centre)
    referral = intake.create_referral(db, agency=centre, clean=form.clean)
    db.commit()
    session["referral_reference"] = referral.reference
    return redirect(url_for("referrals.sent"), 303)


def _too_many(form, wait: int, centre):
    minutes = max(1, (wait + 59) // 60)
    form.errors = {"rate": _("Several referrals were sent from this connection in the last hour. To protect the "
                             "service, please wait %(n)s minutes and send it again, or phone us at %(phone)s.",
                             n=minutes, phone=centre.phone)}
    return _form_page(form, staff=False, status=429, centre=centre)


@bp.route("/refer/sent")
@public
def sent():
    reference = session.pop("referral_reference", None)
    centre = intake.centre_agency(get_session())
    return render("referrals/sent.html", reference=reference, centre=centre)


@bp.route("/referrals/")
@allow(*CASE_ROLES)
def queue():
    db = get_session()
    shown = request.args.get("status", "open")
    if shown not in ("open", "all", *intake.STATUSES):
        shown = "open"
    receives = intake.receives_referrals(db, user=current_user)
    rows = intake.queue(db, user=current_user, status=shown) if receives else []
    open_consultations = consultations.listing(db, user=current_user, show="open", limit=20)
    return render("referrals/queue.html", block="results", rows=rows, shown=shown, receives=receives,
                  open_consultations=open_consultations, today=date.today(),
                  counts=intake.counts(db, user=current_user) if receives else {}, **_choices())


@bp.route("/referrals/new", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def new():
    db = get_session()
    if not intake.receives_referrals(db, user=current_user):
        abort(404)
    if request.method == "GET":
        return _form_page(validation.FormResult(values={"urgency": "none", "channel": "phone"}), staff=True)
    form = intake.read_form(request.form, staff=True)
    if not form.ok:
        return _form_page(form, staff=True, status=422)
    centre = db.get(Agency, current_user.agency_id)
    referral = intake.create_referral(db, agency=centre, clean=form.clean, entered_by=current_user)
    db.commit()
    flash(_("Referral %(ref)s is saved in the queue.", ref=referral.reference), "success")
    return redirect(url_for("referrals.show", referral_id=referral.id), 303)


def _show_page(referral, *, status: int = 200, error: str | None = None, error_field: str = "", typed: str = ""):
    db = get_session()
    consultation = db.exec(select(Consultation).where(Consultation.referral_id == referral.id)).first()
    return render("referrals/show.html", block="actions", status=status, referral=referral, consultation=consultation,
                  history=intake.history(db, referral=referral), error=error, error_field=error_field, typed=typed,
                  labels={"region": dict(intake.REGIONS), "concern": dict(intake.CONCERNS),
                          "urgency": dict(intake.URGENCIES), "consent": dict(intake.CONSENTS),
                          "channel": dict(intake.CHANNELS)}, **_choices())


@bp.route("/referrals/<referral_id>")
@allow(*CASE_ROLES)
def show(referral_id):
    db = get_session()
    referral = intake.open_referral(db, user=current_user, referral_id=referral_id)
    db.commit()
    return _show_page(referral)


def _act(referral_id, action, field: str, success: str):
    db = get_session()
    referral = intake.open_referral(db, user=current_user, referral_id=referral_id)
    text = request.form.get(field, "")
    try:
        action(db, referral=referral, user=current_user, **{"note" if field == "note" else "reason": text})
    except intake.ReferralError as error:
        db.rollback()
        return _show_page(referral, status=422, error=str(error), error_field=field, typed=text)
    db.commit()
    flash(success, "success")
    return redirect(url_for("referrals.show", referral_id=referral.id), 303)


@bp.route("/referrals/<referral_id>/request-info", methods=["POST"])
@allow(*CASE_ROLES)
def request_info(referral_id):
    return _act(referral_id, intake.request_information, "note",
                _("Marked as waiting for information. "
                  "The referrer was emailed the reference number, if they gave an email."))


@bp.route("/referrals/<referral_id>/note", methods=["POST"])
@allow(*CASE_ROLES)
def note(referral_id):
    return _act(referral_id, intake.add_note, "note", _("The note is saved."))


@bp.route("/referrals/<referral_id>/decline", methods=["POST"])
@allow(*CASE_ROLES)
def decline(referral_id):
    return _act(referral_id, intake.decline, "reason",
                _("The referral is declined. The referrer was told by email, if they gave one."))


@bp.route("/referrals/<referral_id>/accept", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def accept(referral_id):
    db = get_session()
    referral = intake.open_referral(db, user=current_user, referral_id=referral_id)
    staff = clients.assignable_staff(db, agency_id=current_user.agency_id)
    staff_options = [(str(user.id), user.name) for user in staff]
    if referral.status not in (*intake.OPEN_STATUSES, ReferralStatus.consulted):
        db.commit()
        flash(_("This referral was already dealt with."), "info")
        return redirect(url_for("referrals.show", referral_id=referral.id), 303)
    if request.method == "GET":
        db.commit()
        form = validation.FormResult(values=intake.accept_form_defaults(referral, user=current_user))
        return render("referrals/accept.html", referral=referral, form=form, staff_options=staff_options)
    try:
        client = intake.accept(db, referral=referral, user=current_user, form=request.form,
                                  staff_ids={value for value, _label in staff_options})
    except validation.FormInvalid as error:
        db.rollback()
        form = validation.FormResult(values=error.values, errors=error.errors)
        return render("referrals/accept.html", block="form", status=422, referral=referral, form=form,
                      staff_options=staff_options)
    db.commit()
    if db.exec(access.scope(select(Client.id).where(Client.id == client.id), Client, current_user, db)).first() is None:
        # Caseworkers who see only their own clients cannot open a file assigned to someone else.
        flash(_("The referral is accepted and the client file is open, assigned to another caseworker."), "success")
        return redirect(url_for("referrals.show", referral_id=referral.id), 303)
    flash(_("The referral is accepted and the client file is open. Start triage to choose the application."), "success")
    return redirect(url_for("packets.triage_page", client_id=client.id), 303)


