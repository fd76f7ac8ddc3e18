"""Submitting the way IRCC takes it: the packet's channel, the online kit (build, status, download) and the copy
sheet (screen and printable page)."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from portal import access, audit
from portal.db import get_session
from portal.documents import acknowledgements, kit, renders, storage, uploads
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Packet, RenderStatus
from portal.packets import channel as packet_channel
from portal.packets import copy_sheet as sheets
from portal.packets import milestones
from portal.validation import FormInvalid
from portal.web import downloads, guards
from portal.web.rendering import render, wants_fragment

bp = Blueprint("submission", __name__, url_prefix="/packets")
STAFF = tuple(str(role) for role in CASE_ROLES)


def _packet(packet_id) -> Packet:
    return access.get_or_404(get_session(), Packet, packet_id, current_user)


@bp.post("/<packet_id>/channel")
@guards.allow(*STAFF)
def choose_channel(packet_id):
    session = get_session()
    packet = _packet(packet_id)
    try:
        packet_channel.choose(session, packet=packet, user=current_user, choice=request.form.get("submit_channel", ""))
    except FormInvalid as invalid:
        session.rollback()
        flash(str(next(iter(invalid.errors.values()))), "error")
        return redirect(url_for("packets.show", packet_id=packet.id) + "#channel-heading", code=303)
    session.commit()
    flash(_("Saved: this packet goes online.") if packet.submit_channel == "online"
          else _("Saved: this packet goes on paper."), "ok")
    return redirect(url_for("packets.show", packet_id=packet.id) + "#channel-heading", code=303)


@bp.post("/<packet_id>/kit")
@guards.allow(*STAFF)
def build_kit(packet_id):
    session = get_session()
    packet = _packet(packet_id)
    if not packet_channel.of(packet).online and packet_channel.of(packet).channel is not None:
        abort(409)
    row = kit.request_kit(session, packet=packet, user=current_user)
    if request.htmx:
        return _status(packet, row)
    return redirect(url_for("submission.kit_status", packet_id=packet.id), code=303)


def _status(packet: Packet, row):
    versions = [] if wants_fragment() else renders.renders_of(get_session(), packet=packet, kind="kit")
    return render("submission/kit_page.html", block="status", packet=packet, kit_row=row,
                  versions=[v for v in versions if v.status == RenderStatus.done])


@bp.get("/<packet_id>/kit/status")
@guards.allow(*STAFF)
def kit_status(packet_id):
    packet = _packet(packet_id)
    return _status(packet, renders.latest_render(get_session(), packet=packet, kind="kit"))


@bp.get("/<packet_id>/kit/<render_id>/zip")
@guards.allow(*STAFF)
def kit_zip(packet_id, render_id):
    session = get_session()
    packet = _packet(packet_id)
    row = renders.get_render(session, render_id=render_id, packet=packet)
    if row is None or row.kind != "kit" or row.status != RenderStatus.done:
        abort(404)
    try:
        data = kit.read_kit(row)
    except storage.StorageError:
        abort(404)
    audit.record(session, action="kit.download", user=current_user, record_type="render", record_id=row.id,
                 detail=f"packet={packet.id}")
    session.commit()
    return downloads.file_response(data, "application/zip", kit.download_name(packet.packet_type, row), inline=False)


@bp.get("/<packet_id>/copy-sheet")
@guards.allow(*STAFF)
def copy_sheet(packet_id):
    session = get_session()
    packet = _packet(packet_id)
    sheet = sheets.build(session, packet=packet)
    audit.record(session, action="packet.copy_sheet", user=current_user, record_type="packet", record_id=packet.id)
    session.commit()
    printable = request.args.get("print") == "1"
    return render("submission/copy_sheet_print.html" if printable else "submission/copy_sheet.html",
                  packet=packet, sheet=sheet)


@bp.post("/<packet_id>/acknowledgement")
@guards.allow(*STAFF)
def add_acknowledgement(packet_id):
    """IRCC's acknowledgement (AOR), uploaded after the submission was recorded."""
    session = get_session()
    packet = _packet(packet_id)
    upload = request.files.get("acknowledgement")
    back = redirect(url_for("packets.show", packet_id=packet.id) + "#channel-heading", code=303)
    if upload is None or not upload.filename:
        flash(_("Please choose the acknowledgement file to upload."), "error")
        return back
    try:
        attachment = acknowledgements.store(upload.filename, upload.read())
    except uploads.UploadRefused as error:
        flash(str(error), "error")
        return back
    try:
        replaced = milestones.add_acknowledgement(session, packet=packet, user=current_user, attachment=attachment)
    except FormInvalid as invalid:
        session.rollback()
        acknowledgements.forget(attachment)
        flash(str(next(iter(invalid.errors.values()))), "error")
        return back
    session.commit()
    if replaced:
        storage.delete(replaced)
    flash(_("IRCC's acknowledgement is on the packet."), "ok")
    return back


@bp.get("/<packet_id>/acknowledgement")
@guards.allow(*STAFF)
def acknowledgement(packet_id):
    session = get_session()
    packet = _packet(packet_id)
    sent = milestones.submission(session, packet=packet)
    if sent is None or not sent.attachment_key:
        abort(404)
    try:
        data = acknowledgements.read(sent)
    except storage.StorageError:
        abort(404)
    audit.record(session, action="acknowledgement.download", user=current_user, record_type="packet",
                 record_id=packet.id)
    session.commit()
    return downloads.file_response(data, sent.attachment_type, sent.attachment_name, inline=True)
