"""Packets: triage, the packet page, one guided-form step per page, autosave, and the review screen.

Every screen is computed from the packet type's data (portal/forms); nothing here knows a form.
htmx enhances: a step's form region swaps in place and pushes its URL; every action also works as
a plain form post with a full page.
"""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import access, audit, forms, validation
from portal.web import guards
from portal.packets.answers import PacketError, StaleSaveError, packets_of_client, save_answers, set_planned_signing_date, start_packet, user_names
from portal.packets import lifecycle
from portal.packets.comments import open_comments
from portal.casework import triage
from portal.db import get_session
from portal.forms import engine
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Client, Packet, Role
from portal.web.panels import PACKET_PANELS, render_panels
from portal.web.rendering import push_url, render, wants_fragment

bp = Blueprint("packets", __name__)
STAFF = tuple(str(role) for role in CASE_ROLES)
OPS = ("add_row", "remove_row", "up_row", "down_row")


# ---- loading ------------------------------------------------------------------------------------

def _load(packet_id):
    db = get_session()
    agency = access.agency_of(db, current_user)  # held here: scope() reads it again, and the session keeps it only weakly
    packet = access.get_or_404(db, Packet, packet_id, current_user)
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
        statuses=triage.STATUSES, packet_types=forms.PACKET_TYPES,
    )


@bp.route("/clients/<client_id>/packets", methods=["POST"])
@guards.allow(*STAFF)
def start(client_id):
    db = get_session()
    client = access.get_or_404(db, Client, client_id, current_user)
    key = request.form.get("packet_type", "")
    signing, error = validation.a_date(request.form.get("planned_signing_date", ""), required=True)
    if key not in forms.PACKET_TYPES or error:
        flash(_("Choose a packet and a planned signing date (year-month-day) to start."), "error")
        return redirect(url_for("packets.triage_page", client_id=client.id), code=303)
    try:
        packet = start_packet(db, client=client, packet_type_key=key, user=current_user,
                                      planned_signing_date=signing)
    except PacketError as problem:
        db.rollback()
        flash(str(problem), "error")
        return redirect(url_for("packets.triage_page", client_id=client.id), code=303)
    db.commit()
    flash(_("Application started."), "success")
    return redirect(url_for("packets.show", packet_id=packet.id), code=303)


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
    panels = render_panels(PACKET_PANELS, session=db, user=current_user, packet=packet, client=client)
    audit.record(db, action="packet.view", user=current_user, record_type="packet", record_id=packet.id)
    db.commit()
    next_step = next((step for step in steps if not forms.step_done(step, context, role)), steps[0] if steps else None)
    return render("packets/show.html", packet=packet, client=client, packet_type=packet_type, steps=steps,
                  done=done, total=total, summary=summary, panels=panels, role=role, next_step=next_step,
                  age=forms.age_at_signing(context), context=context,
                  step_done={step.key: forms.step_done(step, context, role) for step in steps})


@bp.route("/packets/<packet_id>/signing-date", methods=["POST"])
@guards.allow(*STAFF)
def signing_date(packet_id):
    db, packet, client, agency, packet_type = _load(packet_id)
    value, error = validation.a_date(request.form.get("planned_signing_date", ""), required=True)
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


# ---- steps --------------------------------------------------------------------------------------

def _find_step(packet_type, context, role, step_key):
    step = packet_type.step(step_key)
    if step is None:
        abort(404)
    steps = forms.visible_steps(packet_type, context, role)
    if step not in steps:
        return None, steps
    return step, steps


def _shown_value(item, packet, typed):
    if item.name in typed:
        return typed[item.name]
    stored = (packet.answers or {}).get(item.name)
    if item.kind == "group":
        return engine.rows_from_value(item, stored)
    return engine.form_string(item, stored)


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
    values = {item.name: _shown_value(item, packet, typed) for item in fields}
    for item in fields:
        if item.kind == "group" and not values[item.name]:
            values[item.name] = [{}]
    position = next((index for index, candidate in enumerate(steps) if candidate.key == step.key), 0)
    meta = packet.answer_meta or {}
    if comments is None:
        comments = open_comments(db, packet=packet) if role != "youth" else {}
    asked = {name for name, info in meta.items() if (info or {}).get("ask_caseworker")}
    # One url_for, then substitution: a step page links every step twice and every field once.
    step_base = url_for("packets.step", packet_id=packet.id, step_key="__step__")
    step_urls = {candidate.key: step_base.replace("__step__", candidate.key) for candidate in steps}
    return render(
        "packets/step.html", block=block, status=status, step_urls=step_urls, packet=packet, client=client,
        packet_type=packet_type, step=step, steps=steps, fields=fields, values=values, errors=errors or {}, conflicts=conflicts or {},
        done=done, total=total, position=position, role=role, youth=role == "youth", asked=asked, meta=meta,
        previous=steps[position - 1] if position > 0 else None,
        step_done={candidate.key: forms.step_done(candidate, context, role) for candidate in steps},
        next_target=next_target or request.values.get("next", ""), comments=comments,
        editable=lifecycle.is_editable(packet), version=version or packet.version,
        has_youth_fields=any(item.answered_by in engine.YOUTH_ROLES for item in fields),
    )


def _op(form):
    """A row button pressed without JavaScript: (op, field, index)."""
    for key in form.keys():
        parts = key.split("__")
        if parts[0] in OPS and len(parts) >= 2:
            index = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
            return parts[0], parts[1], index
    return None


def _apply_op(rows: list[dict], op: str, index: int | None) -> list[dict]:
    rows = list(rows)
    if op == "add_row":
        rows.append({})
    elif index is not None and 0 <= index < len(rows):
        if op == "remove_row":
            rows.pop(index)
        elif op == "up_row" and index > 0:
            rows[index - 1], rows[index] = rows[index], rows[index - 1]
        elif op == "down_row" and index < len(rows) - 1:
            rows[index + 1], rows[index] = rows[index], rows[index + 1]
    return rows


def _typed_from_form(step, form, role):
    typed = {}
    for item in step.fields:
        if not engine.field_for_role(item, role):
            continue
        typed[item.name] = engine.raw_rows(item, form) if item.kind == "group" else form.get(item.name, "")
    return typed


def _base_version(form, packet) -> int:
    """The version the form was opened at. A post without one (a script, not our forms) saves over
    the current version; a garbled one counts as the oldest, so it cannot overwrite anything."""
    if "version" not in form:
        return packet.version
    try:
        return int(form["version"])
    except ValueError:
        return 0


def _after_step_url(packet, packet_type, context, role, step, next_target):
    if next_target == "review" and role != "youth":
        return url_for("packets.review_page", packet_id=packet.id)
    steps = forms.visible_steps(packet_type, context, role)
    keys = [candidate.key for candidate in steps]
    position = keys.index(step.key) if step.key in keys else -1
    if 0 <= position < len(steps) - 1:
        return _step_url(packet, steps[position + 1])
    if role == "youth":
        return url_for("packets.show", packet_id=packet.id)
    return url_for("packets.review_page", packet_id=packet.id)


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

    form = request.form
    next_target = form.get("next", "")
    op = _op(form)
    if op:
        typed = _typed_from_form(current, form, role)
        item = packet_type.field(op[1])
        if item is not None and item.kind == "group" and item.name in typed:
            typed[item.name] = _apply_op(typed[item.name], op[0], op[2])
        return _step_page(db, packet, client, agency, packet_type, current, typed=typed,
                          version=_base_version(form, packet))

    asked = {name[len("ask__"):] for name in form.keys() if name.startswith("ask__")}
    values, errors, typed = forms.check_step(current, form, context, role, ask_caseworker=asked)
    if errors:
        return _step_page(db, packet, client, agency, packet_type, current, typed=typed, errors=errors, status=422,
                          version=_base_version(form, packet))
    for name in [key for key in form.keys() if key.startswith("resolve__")]:
        if form.get(name) == "theirs":
            values.pop(name[len("resolve__"):], None)
    # Read before saving (a save does not change comments): drawing the next step after the commit then
    # needs no second transaction.
    comments = open_comments(db, packet=packet) if role != "youth" else {}
    try:
        save_answers(db, packet=packet, changes=values, base_version=_base_version(form, packet),
                             user=current_user, in_person=form.get("in_person") == "yes", ask_caseworker=asked,
                             audit_detail=f"step={current.key}")
        db.commit()
    except StaleSaveError as stale:
        db.rollback()
        conflicts = {conflict.field: conflict for conflict in stale.conflicts}
        return _step_page(db, packet, client, agency, packet_type, current, typed=typed, conflicts=conflicts,
                          status=409, version=stale.current_version)
    except PacketError as problem:
        db.rollback()
        return _step_page(db, packet, client, agency, packet_type, current, typed=typed,
                          errors={"_form": str(problem)}, status=409)
    target = _after_step_url(packet, packet_type, _context(packet, client, agency), role, current, next_target)
    if wants_fragment():
        next_key = target.rstrip("/").split("/steps/")[-1] if "/steps/" in target else None
        next_step = packet_type.step(next_key) if next_key else None
        if next_step is None:
            return "", 204, {"HX-Redirect": target}
        return push_url(_step_page(db, packet, client, agency, packet_type, next_step, comments=comments), target)
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
    base = _base_version(form, packet)
    before = [f.name for f in forms.visible_fields(current, context, role)]
    typed_value = engine.raw_rows(item, form) if item.kind == "group" else form.get(name, "")
    op = _op(form)
    if op and item.kind == "group" and op[1] == name:
        typed_value = _apply_op(typed_value, op[0], op[2])
    ask = form.get(f"ask__{name}") == "yes"

    def field_response(status=200, errors=None, conflict=None, typed=True, version=None):
        values = {name: typed_value if typed else _shown_value(item, packet, {})}
        if item.kind == "group" and not values[name]:
            values[name] = [{}]
        meta = packet.answer_meta or {}
        return render("packets/_field_response.html", status=status, packet=packet, step=current, item=item,
                      values=values, errors=errors or {}, conflicts={name: conflict} if conflict else {},
                      youth=role == "youth", asked={name} if ask or (meta.get(name) or {}).get("ask_caseworker")
                      else set(), version=version or packet.version, editable=True, comments={}, meta=meta)

    resolve = form.get("resolve") or form.get(f"resolve__{name}")
    if resolve == "theirs":
        return field_response(typed=False)
    if item.kind == "group":
        value, errors = engine.clean_rows(item, typed_value, context, required_check=False)
        errors.update(engine.group_rule_errors(item, value, context))
        incomplete = any(engine.is_blank(row.get(column.name)) for row in value for column in item.columns
                         if column.required and column.kind != "checkbox")
        if errors:
            return field_response(422, errors)
        if incomplete or op and op[0] == "add_row":
            return _version_only(packet.version)  # nothing to store until every row is complete
    else:
        value, error = engine.check_value(item, typed_value, context, required_check=False)
        if error:
            return field_response(422, {name: error})
    if resolve == "mine":
        base = packet.version
    try:
        save_answers(db, packet=packet, changes={name: value}, base_version=base, user=current_user,
                             in_person=form.get("in_person") == "yes", ask_caseworker={name} if ask else (),
                             audit_detail=f"field step={current.key}")
        db.commit()
    except StaleSaveError as stale:
        db.rollback()
        return field_response(409, conflict=stale.conflicts[0], version=stale.current_version)
    except PacketError as problem:
        db.rollback()
        return field_response(409, {name: str(problem)})
    context = _context(packet, client, agency)
    after = [f.name for f in forms.visible_fields(current, context, role)]
    if after != before:
        # The answer brings other questions in or out: redraw the step, keeping what the form held.
        typed = {key: value for key, value in _typed_from_form(current, form, role).items() if key in form
                 or any(k.startswith(key + "__") for k in form.keys())}
        typed[name] = engine.rows_from_value(item, value) if item.kind == "group" else engine.form_string(item, value)
        response = _step_page(db, packet, client, agency, packet_type, current, typed=typed)
        response.headers.update({"HX-Retarget": "#step-region", "HX-Reswap": "outerHTML"})
        return response
    if item.kind == "group":
        return _version_only(packet.version)  # redrawing the rows could drop what is being typed in the next cell
    typed_value = engine.form_string(item, value)
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

