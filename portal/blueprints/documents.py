"""Evidence uploads and packet PDFs: the evidence page and panel, downloads, and the render status."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user

from portal import access, audit
from portal.db import get_session
from portal.documents import evidence, renders, storage, uploads
from portal.i18n import gettext as _
from portal.models import CASE_ROLES, Document, Packet, RenderStatus
from portal.packets import lifecycle
from portal.packets.readable import readable
from portal.validation import a_date, clean_text
from portal.web import downloads, guards
from portal.web.rendering import render, wants_fragment

bp = Blueprint("documents", __name__, url_prefix="/packets")
STAFF = tuple(str(role) for role in CASE_ROLES)


def _packet(packet_id) -> Packet:
    return readable(access.get_or_404(get_session(), Packet, packet_id, current_user))


def _document(packet: Packet, document_id) -> Document:
    document = access.get_or_404(get_session(), Document, document_id, current_user)
    if document.packet_id != packet.id:
        abort(404)
    return document


def _page(packet: Packet, *, status: int = 200, errors: dict | None = None, kept: dict | None = None):
    session = get_session()
    return render("documents/page.html", block="checklist", status=status, packet=packet,
                  ev=evidence.state(session, packet=packet), errors=errors or {}, kept=kept or {})


def _back(packet: Packet, message: str | None = None):
    """htmx: the updated list in place; a plain form post: back to the page, with a message."""
    if request.htmx:
        return _page(packet)
    if message:
        flash(message, "ok")
    return redirect(url_for("documents.evidence_page", packet_id=packet.id), code=303)


def _editable_or_409(packet: Packet):
    if not lifecycle.is_editable(packet):
        return _page(packet, status=409, errors={"_page": _("This packet is with a reviewer or already sent, "
                                                            "so its files cannot change now.")})
    return None


def _item_or_404(packet: Packet, key: str) -> str:
    if key not in evidence.item_keys(get_session(), packet=packet):
        abort(404)
    return key


def _expiry(field: str = "expires_on"):
    raw = request.form.get(field, "")
    value, error = a_date(raw)
    return value, error, raw


@bp.get("/<packet_id>/evidence")
@guards.allow(*STAFF)
def evidence_page(packet_id):
    packet = _packet(packet_id)
    audit.record(get_session(), action="evidence.view", user=current_user, record_type="packet", record_id=packet.id)
    get_session().commit()
    return _page(packet)


@bp.post("/<packet_id>/evidence/<item_key>/files")
@guards.allow(*STAFF)
def upload(packet_id, item_key):
    session = get_session()
    packet = _packet(packet_id)
    key = _item_or_404(packet, item_key)
    if (blocked := _editable_or_409(packet)) is not None:
        return blocked
    expires_on, expiry_error, raw_expiry = _expiry()
    files = [(f.filename or "", f.read()) for f in request.files.getlist("files") if f is not None]
    files = [(name, data) for name, data in files if name or data]
    errors = {}
    if expiry_error:
        errors[f"{key}-expires"] = str(expiry_error)
    if not files:
        errors[f"{key}-files"] = _("Please choose a file to upload.")
    if errors:
        return _page(packet, status=422, errors=errors, kept={f"{key}-expires": raw_expiry})
    attached, refused = evidence.upload_files(session, packet=packet, user=current_user, checklist_item=key,
                                              files=files, expires_on=expires_on)
    session.commit()
    if refused:
        return _page(packet, status=422, errors={f"{key}-files": " ".join(refused)},
                     kept={f"{key}-expires": raw_expiry})
    return _back(packet, _("%(n)s file(s) added.", n=len(attached)))


@bp.post("/<packet_id>/documents/<document_id>/replace")
@guards.allow(*STAFF)
def replace(packet_id, document_id):
    session = get_session()
    packet = _packet(packet_id)
    document = _document(packet, document_id)
    if (blocked := _editable_or_409(packet)) is not None:
        return blocked
    upload_file = request.files.get("file")
    data = upload_file.read() if upload_file else b""
    field = f"replace-{document.id}"
    if not upload_file or not (upload_file.filename or data):
        return _page(packet, status=422, errors={field: _("Please choose a file to upload.")})
    try:
        checked = uploads.check_file(data, upload_file.filename or "", max_bytes=_max_bytes())
    except uploads.UploadRefused as error:
        return _page(packet, status=422, errors={field: str(error)})
    uploads.replace_document(session, document=document, user=current_user, checked=checked)
    session.commit()
    return _back(packet, _("The file was replaced."))


def _max_bytes() -> int:
    return current_app.config["UPLOAD_MAX_BYTES"]


@bp.post("/<packet_id>/documents/<document_id>/remove")
@guards.allow(*STAFF)
def remove(packet_id, document_id):
    session = get_session()
    packet = _packet(packet_id)
    document = _document(packet, document_id)
    if (blocked := _editable_or_409(packet)) is not None:
        return blocked
    uploads.remove_document(session, document=document, user=current_user)
    session.commit()
    return _back(packet, _("The file was removed."))


@bp.post("/<packet_id>/documents/<document_id>/move")
@guards.allow(*STAFF)
def move(packet_id, document_id):
    session = get_session()
    packet = _packet(packet_id)
    document = _document(packet, document_id)
    if (blocked := _editable_or_409(packet)) is not None:
        return blocked
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    uploads.move_document(session, document=document, user=current_user, direction=direction)
    session.commit()
    return _back(packet)


@bp.post("/<packet_id>/documents/<document_id>/expiry")
@guards.allow(*STAFF)
def expiry(packet_id, document_id):
    session = get_session()
    packet = _packet(packet_id)
    document = _document(packet, document_id)
    if (blocked := _editable_or_409(packet)) is not None:
        return blocked
    value, error, raw = _expiry()
    if error:
        field = f"expiry-{document.id}"
        return _page(packet, status=422, errors={field: str(error)}, kept={field: raw})
    uploads.set_expiry(session, document=document, expires_on=value)
    session.commit()
    return _back(packet)


@bp.post("/<packet_id>/evidence/<item_key>/not-applicable")
@guards.allow(*STAFF)
def waive(packet_id, item_key):
    session = get_session()
    packet = _packet(packet_id)
    key = _item_or_404(packet, item_key)
    if (blocked := _editable_or_409(packet)) is not None:
        return blocked
    if request.form.get("undo"):
        uploads.unwaive_item(session, packet=packet, user=current_user, checklist_item=key)
        session.commit()
        return _back(packet)
    reason = clean_text(request.form.get("reason", ""), multiline=True)
    field = f"{key}-reason"
    if not reason:
        return _page(packet, status=422, errors={field: _("Please say why this document does not apply.")})
    if len(reason) > 1000:
        return _page(packet, status=422, errors={field: _("Please keep the reason to 1,000 characters or fewer.")},
                     kept={field: reason})
    uploads.waive_item(session, packet=packet, user=current_user, checklist_item=key, reason=reason)
    session.commit()
    return _back(packet)


@bp.get("/<packet_id>/documents/<document_id>/file")
@guards.allow(*STAFF)
def download(packet_id, document_id):
    session = get_session()
    packet = _packet(packet_id)
    document = _document(packet, document_id)
    try:
        data = storage.load(document.storage_key)
    except storage.StorageError:
        abort(404)
    audit.record(session, action="document.download", user=current_user, record_type="document",
                 record_id=document.id, detail=f"packet={packet.id}")
    session.commit()
    return downloads.file_response(data, document.content_type, document.filename,
                                   inline=request.args.get("inline") == "1")


@bp.post("/<packet_id>/renders")
@guards.allow(*STAFF)
def generate(packet_id):
    session = get_session()
    packet = _packet(packet_id)
    render_row = renders.request_render(session, packet=packet, user=current_user, final=False)
    if request.htmx:
        return _status(packet, render_row)
    return redirect(url_for("documents.render_status", packet_id=packet.id), code=303)


def _status(packet: Packet, render_row):
    versions = [] if wants_fragment() else renders.renders_of(get_session(), packet=packet)
    return render("documents/status_page.html", block="status", packet=packet, render_row=render_row,
                  versions=[v for v in versions if v.status == RenderStatus.done])


@bp.get("/<packet_id>/renders/status")
@guards.allow(*STAFF)
def render_status(packet_id):
    packet = _packet(packet_id)
    return _status(packet, renders.latest_render(get_session(), packet=packet))


@bp.get("/<packet_id>/renders/<render_id>/pdf")
@guards.allow(*STAFF)
def render_pdf(packet_id, render_id):
    session = get_session()
    packet = _packet(packet_id)
    render_row = renders.get_render(session, render_id=render_id, packet=packet)
    if render_row is None or render_row.kind != "pdf" or render_row.status != RenderStatus.done:
        abort(404)
    try:
        data = renders.read_pdf(render_row)
    except storage.StorageError:
        abort(404)
    audit.record(session, action="render.download", user=current_user, record_type="render", record_id=render_row.id,
                 detail=f"packet={packet.id}")
    session.commit()
    name = f"packet-{packet.packet_type}-v{render_row.revision}{'' if render_row.final else '-draft'}.pdf"
    return downloads.file_response(data, "application/pdf", name, inline=request.args.get("download") != "1")
