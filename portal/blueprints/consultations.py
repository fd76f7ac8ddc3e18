"""Consultations: advice given to another agency's worker, with follow-ups, and no client file."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user
from sqlmodel import select

from portal import access, validation
from portal.db import get_session
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Client, Referral, Role
from portal.referrals import consultations, intake
from portal.web.guards import allow
from portal.web.rendering import render

bp = Blueprint("consultations", __name__, url_prefix="/consultations")


def _labels() -> dict:
    return {"topics": consultations.TOPICS, "channels": consultations.CHANNELS,
            "topic_labels": dict(consultations.TOPICS), "channel_labels": dict(consultations.CHANNELS)}


@bp.route("/")
@allow(*CASE_ROLES)
def index():
    db = get_session()
    shown = request.args.get("show", "open")
    shown = shown if shown in ("open", "all") else "open"
    rows = consultations.listing(db, user=current_user, show=shown)
    summary = consultations.counts(db, user=current_user) if current_user.role == Role.manager else None
    return render("consultations/index.html", block="results", rows=rows, shown=shown, summary=summary,
                  today=date.today(), **_labels())


def _referral_from_args(db) -> Referral | None:
    referral_id = request.values.get("referral")
    if not referral_id:
        return None
    referral = access.get_or_404(db, Referral, referral_id, current_user)
    if referral.status not in intake.OPEN_STATUSES:
        abort(404)
    return referral


@bp.route("/new", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def new():
    db = get_session()
    referral = _referral_from_args(db)
    if request.method == "GET":
        form = validation.FormResult(values=consultations.defaults(referral=referral))
        return render("consultations/form.html", form=form, referral=referral, consultation=None, **_labels())
    form = consultations.read_form(request.form)
    if not form.ok:
        return render("consultations/form.html", block="form", status=422, form=form, referral=referral,
                      consultation=None, **_labels())
    try:
        consultation = consultations.record(db, user=current_user, clean=form.clean, referral=referral)
    except consultations.ConsultationError as error:
        db.rollback()
        flash(str(error), "error")
        return redirect(url_for("referrals.show", referral_id=referral.id), 303)
    db.commit()
    flash(_("The consultation %(ref)s is recorded. No client file was opened.", ref=consultation.reference), "success")
    return redirect(url_for("consultations.show", consultation_id=consultation.id), 303)


def _show_page(consultation, *, status=200, follow_up_form=None, link_error=None):
    db = get_session()
    client = db.get(Client, consultation.client_file_id) if consultation.client_file_id else None
    referral = db.get(Referral, consultation.referral_id) if consultation.referral_id else None
    clients = [] if client else db.exec(
        access.scope(select(Client.id, Client.given_names, Client.family_name), Client, current_user, db)
        .order_by(Client.family_name, Client.given_names).limit(500)).all()
    return render("consultations/show.html", block="actions", status=status, consultation=consultation,
                  follow_ups=consultations.follow_ups(db, consultation=consultation), client=client,
                  referral=referral, clients=clients, today=date.today(),
                  follow_up_form=follow_up_form or validation.FormResult(), link_error=link_error, **_labels())


@bp.route("/<consultation_id>")
@allow(*CASE_ROLES)
def show(consultation_id):
    db = get_session()
    consultation = consultations.open_consultation(db, user=current_user, consultation_id=consultation_id)
    db.commit()
    return _show_page(consultation)


@bp.route("/<consultation_id>/edit", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def edit(consultation_id):
    db = get_session()
    consultation = access.get_or_404(db, consultations.Consultation, consultation_id, current_user)
    if request.method == "GET":
        values = {name: getattr(consultation, name) for name in consultations.FIELDS
                  if not name.startswith("follow_up")}
        values["consulted_on"] = consultation.consulted_on.isoformat()
        return render("consultations/form.html", form=validation.FormResult(values=values), referral=None,
                      consultation=consultation, **_labels())
    form = consultations.read_form(request.form)
    if not form.ok:
        return render("consultations/form.html", block="form", status=422, form=form, referral=None,
                      consultation=consultation, **_labels())
    consultations.update(db, consultation=consultation, user=current_user, clean=form.clean)
    db.commit()
    flash(_("The consultation is saved."), "success")
    return redirect(url_for("consultations.show", consultation_id=consultation.id), 303)


@bp.route("/<consultation_id>/follow-ups", methods=["POST"])
@allow(*CASE_ROLES)
def add_follow_up(consultation_id):
    db = get_session()
    consultation = access.get_or_404(db, consultations.Consultation, consultation_id, current_user)
    try:
        what, due = consultations.read_follow_up(request.form)
    except validation.FormInvalid as error:
        return _show_page(consultation, status=422,
                          follow_up_form=validation.FormResult(values=error.values, errors=error.errors))
    consultations.add_follow_up(db, consultation=consultation, user=current_user, what=what, due_on=due)
    db.commit()
    flash(_("The follow-up is added. It shows in your work a week before it is due."), "success")
    return redirect(url_for("consultations.show", consultation_id=consultation.id), 303)


@bp.route("/<consultation_id>/follow-ups/<follow_up_id>/done", methods=["POST"])
@allow(*CASE_ROLES)
def follow_up_done(consultation_id, follow_up_id):
    db = get_session()
    consultation = access.get_or_404(db, consultations.Consultation, consultation_id, current_user)
    try:
        consultations.complete_follow_up(db, consultation=consultation, user=current_user, follow_up_id=follow_up_id)
    except consultations.ConsultationError as error:
        return _show_page(consultation, status=422, link_error=str(error))
    db.commit()
    flash(_("The follow-up is marked done."), "success")
    return redirect(url_for("consultations.show", consultation_id=consultation.id), 303)


@bp.route("/<consultation_id>/link", methods=["POST"])
@allow(*CASE_ROLES)
def link(consultation_id):
    db = get_session()
    consultation = access.get_or_404(db, consultations.Consultation, consultation_id, current_user)
    try:
        consultations.link_client(db, consultation=consultation, user=current_user,
                                  client_id=request.form.get("client_id", ""))
    except consultations.ConsultationError as error:
        db.rollback()
        return _show_page(consultation, status=422, link_error=str(error))
    db.commit()
    flash(_("The consultation is linked to the client file."), "success")
    return redirect(url_for("consultations.show", consultation_id=consultation.id), 303)
