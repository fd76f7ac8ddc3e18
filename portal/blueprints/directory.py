"""The partner directory (managers maintain it, caseworkers read it) and referrals out from a client file."""
from datetime import date

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from portal import access, validation
from portal.db import get_session
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Client, Role
from portal.referrals import directory
from portal.web.guards import allow
from portal.web.rendering import render

bp = Blueprint("directory", __name__, url_prefix="/partners")


@bp.route("/")
@allow(*CASE_ROLES)
def index():
    db = get_session()
    filters, _errors = directory.Filters.read(request.args)
    show_inactive = directory.may_manage(current_user) and request.args.get("inactive") == "1"
    rows = directory.partners(db, user=current_user, filters=filters, include_inactive=show_inactive)
    return render("directory/index.html", block="results", rows=rows, filters=filters, show_inactive=show_inactive,
                  manage=directory.may_manage(current_user), **directory.labels())


@bp.route("/<partner_id>")
@allow(*CASE_ROLES)
def show(partner_id):
    db = get_session()
    partner = directory.get_partner(db, user=current_user, partner_id=partner_id)
    return render("directory/show.html", partner=partner, manage=directory.may_manage(current_user),
                  **directory.labels())


def _partner_form_page(form, partner=None, status: int = 200):
    action = url_for("directory.edit", partner_id=partner.id) if partner else url_for("directory.new")
    return render("directory/form.html", block="form", status=status, form=form, partner=partner, action=action,
                  **directory.labels())


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.manager)
def new():
    if request.method == "GET":
        return _partner_form_page(directory.partner_form(None))
    form = directory.read_partner_form(request.form)
    if not form.ok:
        return _partner_form_page(form, status=422)
    db = get_session()
    partner = directory.save_partner(db, user=current_user, clean=form.clean)
    db.commit()
    flash(_("The partner is added to the directory."), "success")
    return redirect(url_for("directory.show", partner_id=partner.id), 303)


@bp.route("/<partner_id>/edit", methods=["GET", "POST"])
@allow(Role.manager)
def edit(partner_id):
    db = get_session()
    partner = directory.get_partner(db, user=current_user, partner_id=partner_id)
    if request.method == "GET":
        return _partner_form_page(directory.partner_form(partner), partner)
    form = directory.read_partner_form(request.form)
    if not form.ok:
        return _partner_form_page(form, partner, status=422)
    directory.save_partner(db, user=current_user, clean=form.clean, partner=partner)
    db.commit()
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("directory.show", partner_id=partner.id), 303)


@bp.route("/<partner_id>/active", methods=["POST"])
@allow(Role.manager)
def set_active(partner_id):
    db = get_session()
    partner = directory.get_partner(db, user=current_user, partner_id=partner_id)
    active = request.form.get("active") == "yes"
    directory.set_partner_active(db, user=current_user, partner=partner, active=active)
    db.commit()
    flash(_("The partner is back in the directory.") if active
          else _("The partner is hidden from the directory. Past referrals to them are kept."), "success")
    return redirect(url_for("directory.show", partner_id=partner.id), 303)


# Referrals out, from a client file -----------------------------------------------------------

def _referral_out_page(client, form, status: int = 200):
    db = get_session()
    return render("directory/referral_out.html", block="form", status=status, client=client, form=form,
                  partners=directory.partners(db, user=current_user), **directory.labels())


@bp.route("/referrals-out/new", methods=["GET", "POST"])
@allow(*CASE_ROLES)
def referral_out():
    db = get_session()
    client = access.get_or_404(db, Client, request.values.get("client_id", ""), current_user)
    if request.method == "GET":
        form = validation.FormResult(values={"referred_on": date.today().isoformat(), "outcome": "pending",
                                                 "partner_id": request.args.get("partner_id", "")})
        return _referral_out_page(client, form)
    form = directory.read_referral_out(db, user=current_user, form=request.form)
    if form.errors:
        return _referral_out_page(client, form, status=422)
    directory.record_referral_out(db, user=current_user, client=client, clean=form.clean)
    db.commit()
    flash(_("The referral out is recorded in the client's history."), "success")
    return redirect(url_for("clients.show", client_id=client.id), 303)


@bp.route("/referrals-out/<referral_id>/outcome", methods=["POST"])
@allow(*CASE_ROLES)
def referral_out_outcome(referral_id):
    db = get_session()
    referral = directory.get_referral_out(db, user=current_user, referral_id=referral_id)
    errors = directory.update_outcome(db, user=current_user, referral=referral, outcome=request.form.get("outcome", ""),
                                      note=request.form.get("outcome_note", ""))
    if errors:
        db.rollback()
        flash(" ".join(str(message) for message in errors.values()), "error")
        return redirect(url_for("clients.show", client_id=referral.client_id), 303)
    db.commit()
    flash(_("The outcome is saved."), "success")
    return redirect(url_for("clients.show", client_id=referral.client_id), 303)


