"""The access-request archive job: takes the request's id, opens its own session, reports progress in job.meta
and on the row, stores the zip encrypted, and lets an exception reach RQ's failed registry after saying so."""
from __future__ import annotations

import hashlib
import tempfile
import uuid

from flask import current_app, has_app_context
from rq import get_current_job
from sqlalchemy import update

from portal.db import session_scope
from portal.documents import storage
from portal.i18n import N_
from portal.models import AccessRequest, ArchiveStatus, utcnow
from portal.records import person_export
from portal.records.access_requests import LINK_LIFETIME


def _set(app, request_id, **values) -> int:
    with session_scope(app) as session:
        return session.execute(update(AccessRequest).where(AccessRequest.id == request_id).values(**values)).rowcount


def build_access_archive(request_id: str) -> None:
    if not has_app_context():
        raise RuntimeError("build_access_archive runs in a worker that pushed the app's context (worker.py).")
    app = current_app._get_current_object()
    request_id = uuid.UUID(request_id)
    with session_scope(app) as session:  # claimed once: a second copy of the job finds it taken
        claimed = session.execute(update(AccessRequest).where(AccessRequest.id == request_id,
                                                              AccessRequest.status == ArchiveStatus.queued)
                                  .values(status=ArchiveStatus.building, progress=0)).rowcount
    if not claimed:
        return
    job = get_current_job()

    def progress(percent: int) -> None:
        if job is not None:
            job.meta["progress"] = percent
            job.save_meta()
        _set(app, request_id, progress=percent)

    try:
        with session_scope(app) as session, tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as out:
            request = session.get(AccessRequest, request_id)
            client_id, earlier = request.client_id, request.storage_key
            person_export.write_archive(app, session, client_id=client_id, out=out, progress=progress)
            out.seek(0)
            data = out.read()
        key = storage.save(data, app)
        now = utcnow()
        _set(app, request_id, status=ArchiveStatus.ready, progress=100, storage_key=key, size=len(data),
             sha256=hashlib.sha256(data).hexdigest(), finished_at=now, expires_at=now + LINK_LIFETIME, error="")
        if earlier:
            storage.delete(earlier, app)  # the archive this one replaces
    except Exception:
        _set(app, request_id, status=ArchiveStatus.failed,
             error=N_("The archive could not be made. Try again; if it fails again, tell your administrator."))
        raise
