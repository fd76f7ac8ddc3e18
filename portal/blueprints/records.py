"""A client file's records, for managers: the legal hold, and access requests with their archives."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, request, url_for
from flask_login import current_user

from portal import access, audit
from portal.db import get_session
from portal.documents import storage
from portal.i18n import gettext as _
from portal.models import AccessRequest, ArchiveStatus, Client, Role
from portal.records import access_requests, retention
from portal.validation import a_date, clean_text
from portal.web.guards import allow
from portal.web.rendering import render

bp = Blueprint("records", __name__)


def _client(client_id) -> Client:
    return access.get_or_404(get_session(), Client, client_id, current_user)


def _request(request_id) -> AccessRequest:
    return access.get_or_404(get_session(), AccessRequest, request_id, current_user)


def _page(client: Client, *, status: int = 200, errors: dict | None = None, kept: dict | None = None):
    return render("records/client.html", status=status, client=client, errors=errors or {}, kept=kept or {},
                  requests=access_requests.of_client(get_session(), client=client),
                  downloadable=access_requests.downloadable, ArchiveStatus=ArchiveStatus)


@bp.get("/clients/<client_id>/records")
@allow(Role.manager)
def client_records(client_id):
    return _page(_client(client_id))


@bp.post("/clients/<client_id>/legal-hold")
@allow(Role.manager)
def legal_hold(client_id):
    session = get_session()
    client = _client(client_id)
    reason = clean_text(request.form.get("reason", ""), multiline=True)
    try:
        if request.form.get("action") == "clear":
            retention.clear_legal_hold(session, client=client, by=current_user, reason=reason)
        else:
            retention.set_legal_hold(session, client=client, by=current_user, reason=reason)
    except retention.HoldError as error:
        session.rollback()
        return _page(client, status=422, errors={"reason": _(str(error))}, kept={"reason": reason})
    session.commit()
    flash(_("The legal hold is set: nothing in this file will be disposed of.") if client.legal_hold_at
          else _("The legal hold is cleared."), "success")
    return redirect(url_for("records.client_records", client_id=client.id), 303)


@bp.post("/clients/<client_id>/access-requests")
@allow(Role.manager)
def record_request(client_id):
    session = get_session()
    client = _client(client_id)
    raw = clean_text(request.form.get("received_on", ""))
    received_on, error = a_date(raw, required=True)
    if not error:
        try:
            access_requests.record(session, client=client, by=current_user, received_on=received_on)
        except access_requests.AccessRequestError as refused:
            error = _(str(refused))
    if error:
        session.rollback()
        return _page(client, status=422, errors={"received_on": error}, kept={"received_on": raw})
    flash(_("The access request is recorded. Its archive is being made."), "success")
    return redirect(url_for("records.client_records", client_id=client.id), 303)


@bp.get("/access-requests/<request_id>/status")
@allow(Role.manager)
def archive_status(request_id):
    row = _request(request_id)
    return render("records/status_page.html", block="status", row=row, client=get_session().get(Client, row.client_id),
                  downloadable=access_requests.downloadable, ArchiveStatus=ArchiveStatus)


@bp.post("/access-requests/<request_id>/rebuild")
@allow(Role.manager)
def rebuild(request_id):
    row = _request(request_id)
    access_requests.rebuild(get_session(), request=row, by=current_user)
    return redirect(url_for("records.client_records", client_id=row.client_id), 303)


@bp.post("/access-requests/<request_id>/answered")
@allow(Role.manager)
def answered(request_id):
    session = get_session()
    row = _request(request_id)
    raw = clean_text(request.form.get("answered_on", ""))
    answered_on, error = a_date(raw, required=True)
    if not error:
        try:
            access_requests.mark_answered(session, request=row, by=current_user, answered_on=answered_on)
        except access_requests.AccessRequestError as refused:
            error = _(str(refused))
    client = session.get(Client, row.client_id)
    if error:
        session.rollback()
        return _page(client, status=422, errors={f"answered_on-{row.id}": error}, kept={f"answered_on-{row.id}": raw})
    session.commit()
    flash(_("The request is recorded as answered."), "success")
    return redirect(url_for("records.client_records", client_id=client.id), 303)


@bp.get("/access-requests/<request_id>/download")
@allow(Role.manager)
def download(request_id):
    session = get_session()
    row = _request(request_id)
    if not access_requests.downloadable(row):
        abort(410 if row.status in (ArchiveStatus.ready, ArchiveStatus.expired) else 404)
    data = storage.load(row.storage_key)
    audit.record(session, action="access_request.downloaded", user=current_user, record_type="access_request",
                 record_id=row.id)
    session.commit()
    name = f"records-{row.received_on.isoformat()}-{str(row.id)[:8]}.zip"
    return Response(data, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
