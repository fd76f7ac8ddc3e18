"""Packets: triage, the packet page, one guided-form step per page, autosave, and the review screen.

Every screen is computed from the packet type's data (portal/forms); nothing here knows a form.
htmx enhances: a step's form region swaps in place and pushes its URL; every action also works as
a plain form post with a full page.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from portal import access, audit, forms, validation
from portal.casework import triage
from portal.db import get_session
from portal.forms import crosscheck, engine, interaction
from portal.i18n import gettext as _
from portal.library import guides as library_guides
from portal.models import CASE_ROLES, Client, Packet
from portal.packets import language as packet_language
from portal.packets import lifecycle, notifications
from portal.packets.answers import (
    PacketError,
    StaleSaveError,
    open_packets_by_type,
    save_answers,
    set_planned_signing_date,
    start_or_open,
    user_names,
)
from portal.packets.comments import open_comments
from portal.packets.readable import readable
from portal.web import guards
from portal.web.panels import PACKET_PANELS, packet_completeness, render_panels
from portal.web.redirects import base_url
from portal.web.rendering import push_url, render, wants_fragment
from portal.youth import participation

bp = Blueprint("packets", __name__)
STAFF = tuple(str(role) for role in CASE_ROLES)


# ---- loading ------------------------------------------------------------------------------------

def _load(packet_id):
    db = get_session()
    # Held here: scope() reads it again, and the session keeps it only weakly.
    agency = access.agency_of(db, current_user)
    packet = readable(access.get_or_404(db, Packet, packet_id, current_user))
    client = db.get(Client, packet.client_id)
    try:
        packet_type = forms.get_packet_type(packet.packet_type)
    except KeyError:
        abort(404)
    return db, packet, client, agency, packet_type


def _role() -> str:
    return str(current_user.role)


def _context(packet, client, agency):
    return forms.build_context(packet=packet, client=client, agency=agency)


def _step_url(packet, step, **extra):
    return url_for("packets.step", packet_id=packet.id, step_key=step.key, **extra)


# ---- client panel and triage --------------------------------------------------------------------


@bp.route("/clients/<client_id>/start", methods=["GET", "POST"])
@guards.allow(*STAFF)
def triage_page(client_id):
    db = get_session()
    client = access.get_or_404(db, Client, client_id, current_user)
    values, errors, recommendation = triage.defaults_for(client, today=date.today()), {}, None
    if request.method == "POST":
        values, errors, answers = triage.read_form(request.form, client=client)
        if answers is not None:
            recommendation = triage.recommend(answers)
    audit.record(db, action="client.view", user=current_user, record_type="client", record_id=client.id,
                 detail="triage")
    db.commit()
    return render(
        "packets/triage.html", block="triage_result" if request.method == "POST" else None,
        status=422 if errors else 200, client=client, values=values, errors=errors, recommendation=recommendation,
        statuses=triage.STATUSES, packet_types=forms.PACKET_TYPES, open_packets=open_packets_by_type(db, client=client),
        bill_c3_date=triage.bill_c3_date().isoformat(),
    )


@bp.route("/clients/<client_id>/packets", methods=["POST"])
@guards.allow(*STAFF)
def start(client_id):
    db = get_session()
    client = access.get_or_404(db, Client, client_id, current_user)
    key = request.form.get("packet_type", "")
    signing, error = validation.signing_date(request.form.get("planned_signing_date", ""), started_on=date.today())
    if key not in forms.PACKET_TYPES or error:
        flash(_("Planned signing date: %(error)s", error=error) if error and key in forms.PACKET_TYPES
              else _("Choose a packet and a planned signing date (year-month-day) to start."), "error")
        return redirect(url_for("packets.triage_page", client_id=client.id), code=303)
    try:
        packet, created = start_or_open(db, client=client, packet_type_key=key, user=current_user,
                                        planned_signing_date=signing)
    except PacketError as problem:
        db.rollback()
        flash(str(problem), "error")
        return redirect(url_for("packets.triage_page", client_id=client.id), code=303)
    db.commit()
    if created:
        flash(_("Application started."), "success")
    else:
        flash(_("This application was already started for this person. Here it is: carry on where it was left."),
              "info")
    return redirect(url_for("packets.show", packet_id=packet.id), code=303)


def _tell_of_new_questions(db, packet, role: str, new: set) -> None:
    """A youth's new "ask my caseworker" question reaches the caseworker by email too (My work shows it)."""
    if role == "youth" and new:
        notifications.notify(db, packet=packet, what=notifications.QUESTION, actor=current_user,
                             base_url=base_url())


# ---- packet page --------------------------------------------------------------------------------

@bp.route("/packets/<packet_id>")
@guards.allow(*STAFF, "youth")
def show(packet_id):
    db, packet, client, agency, packet_type = _load(packet_id)
    role = _role()
    context = _context(packet, client, agency)
    steps = forms.visible_steps(packet_type, context, role)
    done, total = forms.progress(packet_type, context, role)
    summary = forms.summarize(packet=packet, client=client, agency=agency, packet_type=packet_type)
    state = packet_completeness(db, packet, summary)
    panels = render_panels(PACKET_PANELS, session=db, user=current_user, packet=packet, client=client)
    audit.record(db, action="packet.view", user=current_user, record_type="packet", record_id=packet.id)
    db.commit()
    next_step = next((step for step in steps if not forms.step_done(step, context, role)), steps[0] if steps else None)
    return render("packets/show.html", packet=packet, client=client, packet_type=packet_type, steps=steps,
                  done=done, total=total, summary=summary, panels=panels, role=role, next_step=next_step,
                  age=forms.age_at_signing(context), context=context, completeness=state,
                  step_done={step.key: forms.step_done(step, context, role) for step in steps},
                  packet_languages=packet_language.NAMES,
                  language_labels=packet_language.LABELS, editable=lifecycle.is_editable(packet))


@bp.route("/packets/<packet_id>/signing-date", methods=["POST"])
@guards.allow(*STAFF)
def signing_date(packet_id):
    db, packet, client, agency, packet_type = _load(packet_id)
    value, error = validation.signing_date(request.form.get("planned_signing_date", ""),
                                           started_on=min(packet.created_at.date(), date.today()))
    if error:
        flash(_("The planned signing date was not changed: %(error)s", error=error), "error")
    else:
        try:
            set_planned_signing_date(db, packet=packet, signing_date=value, user=current_user)
            db.commit()
            flash(_("Planned signing date changed: the age and presence rules were checked again."), "success")
        except PacketError as problem:
            db.rollback()
            flash(str(problem), "error")
    return redirect(url_for("packets.show", packet_id=packet.id), code=303)


@bp.route("/packets/<packet_id>/language", methods=["POST"])
@guards.allow(*STAFF)
def language(packet_id):
    db, packet, client, agency, packet_type = _load(packet_id)
    try:
        packet_language.choose(db, packet=packet, user=current_user, language=request.form.get("language", ""))
    except validation.FormInvalid as invalid:
        db.rollback()
        flash(str(invalid.errors["language"]), "error")
        return redirect(url_for("packets.show", packet_id=packet.id) + "#language-heading", code=303)
    db.commit()
    flash(_("Saved: the PDF will be written %(language)s.", language=packet_language.LABELS[packet.language]),
          "success")
    return redirect(url_for("packets.show", packet_id=packet.id) + "#language-heading", code=303)


# ---- steps --------------------------------------------------------------------------------------

def _find_step(packet_type, context, role, step_key):
    step = packet_type.step(step_key)
    if step is None:
        abort(404)
    steps = forms.visible_steps(packet_type, context, role)
    if step not in steps:
        return None, steps
    return step, steps


def _step_page(db, packet, client, agency, packet_type, step, *, typed=None, errors=None, conflicts=None,
               status=200, block="step_region", next_target=None, version=None, comments=None):
    role = _role()
    typed = typed or {}
    context = _context(packet, client, agency)
    shown_context = forms.with_answers(context, {name: value for name, value in typed.items()
                                                 if not isinstance(value, list)})
    steps = forms.visible_steps(packet_type, context, role)
    done, total = forms.progress(packet_type, context, role)
    fields = forms.visible_fields(step, shown_context, role)
    values = {item.name: interaction.shown_value(item, packet.answers or {}, typed) for item in fields}
    for item in fields:
        if item.kind == "group" and not values[item.name]:
            values[item.name] = [{}]
    differences = {} if role == "youth" else crosscheck.client_file_differences(values, context.client)
    position = next((index for index, candidate in enumerate(steps) if candidate.key == step.key), 0)
    meta = packet.answer_meta or {}
    if comments is None:
        comments = open_comments(db, packet=packet) if role != "youth" else {}
    asked = {name for name, info in meta.items() if (info or {}).get("ask_caseworker")}
    # One url_for, then substitution: a step page links every step twice and every field once.
    step_base = url_for("packets.step", packet_id=packet.id, step_key="__step__")
    step_urls = {candidate.key: step_base.replace("__step__", candidate.key) for candidate in steps}
    guides = library_guides.for_step(db, user=current_user, packet_type=packet.packet_type,
                                     language=str(get_locale() or "en")[:2])
    return render(
        "packets/step.html", block=block, status=status, step_urls=step_urls, packet=packet, client=client,
        guides=guides,
        packet_type=packet_type, step=step, steps=steps, fields=fields, values=values, errors=errors or {},
        conflicts=conflicts or {}, differences=differences,
        done=done, total=total, position=position, role=role, youth=role == "youth", asked=asked, meta=meta,
        previous=steps[position - 1] if position > 0 else None,
        step_done={candidate.key: forms.step_done(candidate, context, role) for candidate in steps},
        next_target=next_target or request.values.get("next", ""), comments=comments,
        editable=lifecycle.is_editable(packet), version=version or packet.version,
        has_youth_fields=any(item.answered_by in engine.YOUTH_ROLES for item in fields),
    )


@bp.route("/packets/<packet_id>/steps/<step_key>", methods=["GET", "POST"])
@guards.allow(*STAFF, "youth")
def step(packet_id, step_key):
    db, packet, client, agency, packet_type = _load(packet_id)
    role = _role()
    context = _context(packet, client, agency)
    current, _steps = _find_step(packet_type, context, role, step_key)
    if current is None:
        flash(_("That part of the form does not apply to this application."), "info")
        return redirect(url_for("packets.show", packet_id=packet.id), code=303)
    if request.method == "GET":
        return push_url(_step_page(db, packet, client, agency, packet_type, current), request.full_path.rstrip("?"))

    post = interaction.read_step(current, request.form, context, role, current_version=packet.version,
                                 packet_type=packet_type)
    chosen = request.form.get("use_client_file", "")
    if chosen in crosscheck.CLIENT_FILE_FIELDS and role != "youth" and chosen in post.typed:
        # "Use the client file's": the step is shown again with that value in the field, for saving.
        typed = dict(post.typed)
        typed[chosen] = crosscheck.client_file_value(chosen, context.client)
        return _step_page(db, packet, client, agency, packet_type, current, typed=typed, errors=post.errors,
                          version=post.base_version)
    if post.row_operation or post.errors:
        return _step_page(db, packet, client, agency, packet_type, current, typed=post.typed, errors=post.errors,
                          status=422 if post.errors else 200, version=post.base_version)
    # Read before saving (a save does not change comments): drawing the next step after the commit then
    # needs no second transaction.
    comments = open_comments(db, packet=packet) if role != "youth" else {}
    asked_before = set(participation.asked_fields(packet))
    try:
        save_answers(db, packet=packet, changes=post.values, base_version=post.base_version, user=current_user,
                     in_person=post.in_person, ask_caseworker=post.asked, audit_detail=f"step={current.key}")
        db.commit()
        _tell_of_new_questions(db, packet, role, set(post.asked) - asked_before)
    except StaleSaveError as stale:
        db.rollback()
        conflicts = {conflict.field: conflict for conflict in stale.conflicts}
        return _step_page(db, packet, client, agency, packet_type, current, typed=post.typed, conflicts=conflicts,
                          status=409, version=stale.current_version)
    except PacketError as problem:
        db.rollback()
        return _step_page(db, packet, client, agency, packet_type, current, typed=post.typed,
                          errors={"_form": str(problem)}, status=409)
    following = None
    if not (request.form.get("next") == "review" and role != "youth"):
        following = interaction.next_step(packet_type, _context(packet, client, agency), role, current)
    if following is None:
        target = url_for("packets.show" if role == "youth" else "packets.review_page", packet_id=packet.id)
        return ("", 204, {"HX-Redirect": target}) if wants_fragment() else redirect(target, code=303)
    target = _step_url(packet, following)
    if wants_fragment():
        return push_url(_step_page(db, packet, client, agency, packet_type, following, comments=comments), target)
    return redirect(target, code=303)


@bp.route("/packets/<packet_id>/steps/<step_key>/fields/<name>", methods=["POST"])
@guards.allow(*STAFF, "youth")
def save_field(packet_id, step_key, name):
    """Autosave and inline validation of one field (htmx); the step's submit is the no-JS path."""
    db, packet, client, agency, packet_type = _load(packet_id)
    role = _role()
    context = _context(packet, client, agency)
    current, _steps = _find_step(packet_type, context, role, step_key)
    item = next((candidate for candidate in (current.fields if current else ()) if candidate.name == name), None)
    if item is None or not engine.field_for_role(item, role):
        abort(404)
    form = request.form
    post = interaction.read_field(item, form, context, current_version=packet.version)

    def field_response(status=200, errors=None, conflict=None, typed=True, version=None):
        values = {name: post.typed if typed else interaction.shown_value(item, packet.answers or {}, {})}
        if item.kind == "group" and not values[name]:
            values[name] = [{}]
        meta = packet.answer_meta or {}
        asked = post.ask or (meta.get(name) or {}).get("ask_caseworker")
        differences = {} if role == "youth" else crosscheck.client_file_differences(values, context.client)
        return render("packets/_field_response.html", status=status, packet=packet, step=current, item=item,
                      values=values, errors=errors or {}, conflicts={name: conflict} if conflict else {},
                      difference=differences.get(name),
                      youth=role == "youth", asked={name} if asked else set(), version=version or packet.version,
                      editable=True, comments={}, meta=meta)

    if post.outcome == interaction.SHOW_STORED:
        return field_response(typed=False)
    if post.outcome == interaction.INVALID:
        return field_response(422, post.errors)
    if post.outcome == interaction.WAIT:
        return _version_only(packet.version)
    asked_before = set(participation.asked_fields(packet))
    try:
        save_answers(db, packet=packet, changes={name: post.value}, base_version=post.base_version,
                     user=current_user, in_person=post.in_person, ask_caseworker={name} if post.ask else (),
                     audit_detail=f"field step={current.key}")
        db.commit()
        _tell_of_new_questions(db, packet, role, ({name} if post.ask else set()) - asked_before)
    except StaleSaveError as stale:
        db.rollback()
        return field_response(409, conflict=stale.conflicts[0], version=stale.current_version)
    except PacketError as problem:
        db.rollback()
        return field_response(409, {name: str(problem)})
    if interaction.visibility_changed(current, context, _context(packet, client, agency), role):
        # The answer brings other questions in or out: redraw the step, keeping what the form held.
        typed = interaction.typed_after_save(current, form, role, item, post.value)
        response = _step_page(db, packet, client, agency, packet_type, current, typed=typed)
        response.headers.update({"HX-Retarget": "#step-region", "HX-Reswap": "outerHTML"})
        return response
    if item.kind == "group":
        return _version_only(packet.version)  # redrawing the rows could drop what is being typed in the next cell
    post.typed = engine.form_string(item, post.value)
    return field_response()


def _version_only(version: int):
    """Leave the form as the user sees it and only update the packet version (out of band)."""
    body = render_template("packets/_version.html", version=version)
    return body, 200, {"HX-Reswap": "none"}


# ---- review -------------------------------------------------------------------------------------

@bp.route("/packets/<packet_id>/review")
@guards.allow(*STAFF)
def review_page(packet_id):
    db, packet, client, agency, packet_type = _load(packet_id)
    summary = forms.summarize(packet=packet, client=client, agency=agency, packet_type=packet_type)
    meta = packet.answer_meta or {}
    names = user_names(db, agency_id=packet.agency_id, ids=[(info or {}).get("by") for info in meta.values()])
    comments = open_comments(db, packet=packet)
    audit.record(db, action="packet.view", user=current_user, record_type="packet", record_id=packet.id,
                 detail="review")
    db.commit()
    return render("packets/review.html", packet=packet, client=client, packet_type=packet_type, summary=summary,
                  names=names, comments=comments, fee_total=sum(fee.amount for fee in summary.fees),
                  age=forms.age_at_signing(summary.context))

