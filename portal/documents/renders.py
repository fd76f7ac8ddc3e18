"""Render requests: the contract other areas use to get a packet PDF.

request_render() snapshots the packet, records a queued Render row, commits, and only then enqueues
one RQ job carrying the render's id. The row mirrors the job, so the page never depends on Redis alone,
and a render whose job has vanished or died is marked failed with a reason the caseworker can act on.
"""
from __future__ import annotations

import uuid
from datetime import UTC, timedelta

from flask import current_app
from rq import Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from sqlmodel import Session, select

from portal import audit, queue
from portal.documents import snapshot as snapshots
from portal.documents import storage
from portal.models import Packet, Render, RenderStatus, User, utcnow

JOB_TIMEOUT = 300  # seconds; a 200-page packet with evidence takes well under a minute
RESULT_TTL = 3600
FAILURE_TTL = 7 * 24 * 3600
RETRY_MAX = 1  # one more try: a worker killed mid-render gets its job redone
RETRY_INTERVAL = 10  # seconds, with a real worker; the embedded queue has no scheduler, so it retries at once
RUNNING = (RenderStatus.queued, RenderStatus.rendering, RenderStatus.adding_evidence)
STALE_AFTER = timedelta(seconds=JOB_TIMEOUT * 3)
LOST_REASON = "The worker stopped before the PDF was finished. Nothing was saved. Please try again."


def pending_render(session: Session, *, packet: Packet, final: bool | None = None) -> Render | None:
    statement = select(Render).where(Render.packet_id == packet.id, Render.status.in_([str(s) for s in RUNNING]))
    if final is not None:
        statement = statement.where(Render.final == final)
    return session.exec(statement.order_by(Render.created_at.desc())).first()


def request_render(session: Session, *, packet: Packet, user: User | None, final: bool = False) -> Render:
    """Queue a render of the packet, or return the one already waiting; commits."""
    existing = pending_render(session, packet=packet, final=final)
    if existing is not None and not _reconcile(session, existing):
        return existing
    render = Render(
        agency_id=packet.agency_id,
        packet_id=packet.id,
        final=final,
        revision=packet.revision,
        snapshot=snapshots.build(session, packet=packet, user=user),
        requested_by_id=user.id if user else None,
    )
    render.job_id = f"render-{render.id}"
    session.add(render)
    session.flush()
    audit.record(session, action="render.request", user=user, agency_id=packet.agency_id, record_type="render",
                 record_id=render.id, detail=f"packet={packet.id} final={int(final)}")
    session.commit()
    enqueue(render)
    return render


def enqueue(render: Render) -> None:
    # By name: the web process never imports the job (and WeasyPrint with it); the worker does.
    queue.get_queue().enqueue(
        "portal.documents.jobs.render_packet",
        str(render.id),
        job_id=render.job_id,
        job_timeout=job_timeout_seconds(),
        result_ttl=RESULT_TTL,
        failure_ttl=FAILURE_TTL,
        retry=Retry(max=RETRY_MAX, interval=0 if queue.is_embedded() else RETRY_INTERVAL),
        description="render packet",
    )


def latest_render(session: Session, *, packet: Packet, final: bool | None = None) -> Render | None:
    statement = select(Render).where(Render.packet_id == packet.id)
    if final is not None:
        statement = statement.where(Render.final == final)
    render = session.exec(statement.order_by(Render.created_at.desc())).first()
    if render is not None and render.status in RUNNING and _reconcile(session, render):
        session.commit()
    return render


def renders_of(session: Session, *, packet: Packet) -> list[Render]:
    return list(session.exec(select(Render).where(Render.packet_id == packet.id).order_by(Render.created_at.desc())))


def _reconcile(session: Session, render: Render) -> bool:
    """Mark a running render failed when its job is gone or failed for good; True when it changed."""
    try:
        job = Job.fetch(render.job_id, connection=queue.connection())
        status = job.get_status()
    except NoSuchJobError:
        job, status = None, None
    age = utcnow() - _aware(render.created_at)
    lost = job is None and age > timedelta(seconds=5)
    failed_for_good = status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED)
    too_old = age > STALE_AFTER and status not in (JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED)
    if not (lost or failed_for_good or too_old):
        return False
    session.refresh(render)
    if render.status not in RUNNING:
        return False
    render.status = RenderStatus.failed
    render.error = render.error or LOST_REASON
    render.finished_at = utcnow()
    session.add(render)
    session.flush()
    return True


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def read_pdf(render: Render) -> bytes:
    """The decrypted PDF of a finished render; a render that is not done has no file to read."""
    if render.status != RenderStatus.done or not render.storage_key:
        raise storage.StorageError("This render is not finished.")
    return storage.load(render.storage_key)


def get_render(session: Session, *, render_id, packet: Packet) -> Render | None:
    try:
        render_uuid = uuid.UUID(str(render_id))
    except ValueError:
        return None
    render = session.get(Render, render_uuid)
    if render is None or render.packet_id != packet.id:
        return None
    return render


def job_timeout_seconds() -> int:
    return int(current_app.config.get("RENDER_JOB_TIMEOUT", JOB_TIMEOUT))
