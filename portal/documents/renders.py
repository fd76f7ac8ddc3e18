"""Render requests: the contract other areas use to get a packet PDF.

request_render() snapshots the packet, records a queued Render row, commits, and only then hands one RQ
job carrying the render's id to the queue. The row is the outbox: when Redis cannot be reached the row waits
(`enqueued_at` empty), the page says the PDF will be made when the service returns, and the sweeper queues
it then. A job claims its row with a conditional UPDATE, so a render queued twice is still made once. The
worker rendering a packet writes a heartbeat every few seconds; a render whose heartbeat stopped (the worker
was killed) is redone once, or marked failed with a reason, by the page that looks at it or by the sweeper
every worker runs every 30 seconds. None of this needs Redis to show a page.
"""
from __future__ import annotations

import logging
import uuid
from datetime import UTC, timedelta

from flask import current_app
from redis.exceptions import RedisError
from rq import Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job
from sqlalchemy import update
from sqlmodel import Session, select

from portal import audit, queue
from portal.documents import snapshot as snapshots
from portal.documents import storage
from portal.models import Packet, Render, RenderStatus, User, utcnow

log = logging.getLogger("passage.renders")
JOB_TIMEOUT = 300  # seconds; a 200-page packet with evidence takes well under a minute
RESULT_TTL = 3600
FAILURE_TTL = 7 * 24 * 3600
RETRY_MAX = 1  # one more try: a job that raised gets redone once
RETRY_INTERVAL = 10  # seconds, with a real worker; the embedded queue has no scheduler, so it retries at once
MAX_ATTEMPTS = 2  # a render whose worker died is started at most this many times
STALE_AFTER = timedelta(seconds=30)  # no heartbeat for this long: the worker is gone (RENDER_STALE_SECONDS)
LOST_JOB_AFTER = timedelta(minutes=2)  # queued this long ago and the job is not in Redis: queue it again
RUNNING = (RenderStatus.queued, RenderStatus.rendering, RenderStatus.adding_evidence)
STARTED = (RenderStatus.rendering, RenderStatus.adding_evidence)
LOST_REASON = "The worker stopped before the PDF was finished. Nothing was saved. Please try again."
# What a render row makes, and the job that makes it (by name: the web process never imports the jobs).
JOBS = {"pdf": "portal.documents.jobs.render_packet", "kit": "portal.documents.jobs.build_kit"}


def pending_render(session: Session, *, packet: Packet, final: bool | None = None, kind: str = "pdf") -> Render | None:
    statement = select(Render).where(Render.packet_id == packet.id, Render.kind == kind,
                                     Render.status.in_([str(s) for s in RUNNING]))
    if final is not None:
        statement = statement.where(Render.final == final)
    return session.exec(statement.order_by(Render.created_at.desc())).first()


def request_render(session: Session, *, packet: Packet, user: User | None, final: bool = False,
                   kind: str = "pdf", snapshot: dict | None = None) -> Render:
    """Queue a render of the packet, or return the one still alive; commits.

    Never fails because the queue is down: the render then waits in its row (see waiting_for_queue).
    """
    existing = pending_render(session, packet=packet, final=final, kind=kind)
    if existing is not None:
        recover(session, existing)
        session.commit()
        if waiting_for_queue(existing):
            enqueue(session, existing)  # pressed again: the queue may be back
        if existing.status in RUNNING:
            return existing
    render = Render(
        agency_id=packet.agency_id,
        packet_id=packet.id,
        kind=kind,
        final=final,
        revision=packet.revision,
        snapshot=snapshot if snapshot is not None else snapshots.build(session, packet=packet, user=user),
        requested_by_id=user.id if user else None,
    )
    session.add(render)
    session.flush()
    audit.record(session, action="render.request", user=user, agency_id=packet.agency_id, record_type="render",
                 record_id=render.id, detail=f"packet={packet.id} final={int(final)} kind={kind}")
    session.commit()
    enqueue(session, render)
    return render


def waiting_for_queue(render: Render | None) -> bool:
    """Queued but not yet handed to the queue: the job service was unreachable when it was asked for."""
    return render is not None and render.status == RenderStatus.queued and render.enqueued_at is None


def enqueue(session: Session, render: Render) -> bool:
    """Hand a waiting render to the queue, once: the row is claimed first (a conditional UPDATE), so two
    sweepers never queue it twice; if Redis cannot take the job the claim is given back. Commits."""
    now = utcnow()
    job_id = f"render-{render.id}-{uuid.uuid4().hex[:8]}"
    claimed = session.execute(
        update(Render).where(Render.id == render.id, Render.status == RenderStatus.queued,
                             Render.enqueued_at.is_(None))
        .values(enqueued_at=now, job_id=job_id).execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    if not claimed:
        session.refresh(render)
        return False
    try:
        # By name: the web process never imports the job (and WeasyPrint with it); the worker does.
        queue.get_queue().enqueue(
            JOBS[render.kind or "pdf"], str(render.id), job_id=job_id,
            job_timeout=job_timeout_seconds(), result_ttl=RESULT_TTL, failure_ttl=FAILURE_TTL,
            retry=Retry(max=RETRY_MAX, interval=0 if queue.is_embedded() else RETRY_INTERVAL),
            description=f"render packet {render.kind or 'pdf'}",
        )
    except RedisError as error:
        log.warning("render %s waits for the queue: %s", render.id, error.__class__.__name__)
        session.execute(update(Render).where(Render.id == render.id, Render.job_id == job_id)
                        .values(enqueued_at=None).execution_options(synchronize_session=False))
        session.commit()
        session.refresh(render)
        return False
    session.refresh(render)
    return True


def latest_render(session: Session, *, packet: Packet, final: bool | None = None, kind: str = "pdf") -> Render | None:
    statement = select(Render).where(Render.packet_id == packet.id, Render.kind == kind)
    if final is not None:
        statement = statement.where(Render.final == final)
    render = session.exec(statement.order_by(Render.created_at.desc())).first()
    if render is not None and recover(session, render):
        session.commit()
    return render


def renders_of(session: Session, *, packet: Packet, kind: str = "pdf") -> list[Render]:
    return list(session.exec(select(Render).where(Render.packet_id == packet.id, Render.kind == kind)
                             .order_by(Render.created_at.desc())))


def _stale(render: Render, now) -> bool:
    alive_at = render.heartbeat_at or render.started_at or render.created_at
    return render.status in STARTED and now - _aware(alive_at) > stale_after()


def recover(session: Session, render: Render) -> bool:
    """A started render whose worker stopped (no heartbeat): queued again when it has a try left, else failed
    with a reason the caseworker can act on. Conditional on the heartbeat it saw, so a sweeper and a page
    never both act on one death. True when it changed. Needs no Redis; the caller commits."""
    now = utcnow()
    if not _stale(render, now):
        return False
    retry = render.attempts < MAX_ATTEMPTS
    values = ({"status": RenderStatus.queued, "progress": 0, "enqueued_at": None, "heartbeat_at": None}
              if retry else {"status": RenderStatus.failed, "error": LOST_REASON, "finished_at": now})
    changed = session.execute(
        update(Render).where(Render.id == render.id, Render.status == render.status,
                             Render.attempts == render.attempts,
                             _same(Render.heartbeat_at, render.heartbeat_at))
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount
    session.flush()
    session.refresh(render)
    if changed:
        log.warning("render %s lost its worker; %s", render.id, "queued again" if retry else "marked failed")
    return bool(changed)


def _same(column, value):
    return column.is_(None) if value is None else column == value


def sweep(session: Session) -> dict:
    """What every worker runs at start and every 30 seconds: recover renders whose worker died, queue renders that
    wait for the queue (Redis was down), and queue again those whose job vanished from Redis. Commits."""
    now = utcnow()
    counts = {"recovered": 0, "queued": 0, "lost": 0}
    for render in session.exec(select(Render).where(Render.status.in_([str(s) for s in STARTED]))).all():
        counts["recovered"] += recover(session, render)
    session.commit()
    for render in session.exec(select(Render).where(Render.status == RenderStatus.queued,
                                                    Render.enqueued_at.is_not(None))).all():
        if now - _aware(render.enqueued_at) > LOST_JOB_AFTER and not _job_exists(render):
            counts["lost"] += session.execute(
                update(Render).where(Render.id == render.id, Render.job_id == render.job_id,
                                     Render.status == RenderStatus.queued)
                .values(enqueued_at=None).execution_options(synchronize_session=False)).rowcount
    session.commit()
    for render in session.exec(select(Render).where(Render.status == RenderStatus.queued,
                                                    Render.enqueued_at.is_(None))).all():
        counts["queued"] += enqueue(session, render)
    return counts


def _job_exists(render: Render) -> bool:
    try:
        Job.fetch(render.job_id, connection=queue.connection())
    except NoSuchJobError:
        return False
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


def stale_after() -> timedelta:
    return timedelta(seconds=int(current_app.config.get("RENDER_STALE_SECONDS", STALE_AFTER.total_seconds())))


def heartbeat_seconds() -> float:
    """Six beats per stale period: a busy machine may miss a few without the render being taken for dead."""
    return max(1.0, stale_after().total_seconds() / 6)
