"""RQ job functions. They take ids, open their own session, report progress in job.meta and on the
Render row, and let every exception reach RQ's failed registry after writing a plain reason on the row.
"""
from __future__ import annotations

import dataclasses
import threading
import time
import uuid

from flask import Flask, current_app, has_app_context
from redis.exceptions import RedisError
from rq import Queue, get_current_job
from rq.timeouts import JobTimeoutException
from sqlalchemy import update
from sqlmodel import select

from portal.db import session_scope
from portal.documents import kit, part_cache, pdf, pdf_language, renders, storage, upload_ready
from portal.models import Render, RenderStatus, utcnow

PROGRESS_EVERY = 0.25  # seconds between progress writes of one stage
GENERIC_REASON = ("Something went wrong while making the PDF. "
                  "Please try again; if it fails again, tell your administrator.")


def _app() -> Flask:
    """The app the worker set up: worker.py and the embedded queue run every job inside its context."""
    if not has_app_context():
        raise RuntimeError("render_packet runs in a worker that pushed the app's context (worker.py).")
    return current_app._get_current_object()


def _update(app: Flask, render_id: uuid.UUID, **fields) -> None:
    with session_scope(app) as session:
        render = session.get(Render, render_id)
        for key, value in fields.items():
            setattr(render, key, value)
        session.add(render)


def _report(app: Flask, render_id: uuid.UUID, stage: str, percent: int) -> None:
    job = get_current_job()
    if job is not None:
        job.meta.update({"stage": stage, "progress": percent})
        job.save_meta()
    _update(app, render_id, status=stage, progress=percent, heartbeat_at=utcnow())


class _Progress:
    """The progress callback of one render: writes the stage and percent (_report) when the stage changes, else
    at most every PROGRESS_EVERY seconds. Each write is a commit and a Redis round trip in the render's own
    path (about 5 to 15 ms on a busy machine, six of them in a 12-page packet), and the page asks at most every
    100 ms; the heartbeat thread, not this, tells that the worker is alive."""

    def __init__(self, app: Flask, render_id: uuid.UUID, stage: str = RenderStatus.rendering):
        self.app, self.render_id, self.stage, self.written = app, render_id, stage, time.monotonic()

    def __call__(self, stage: str, percent: int) -> None:
        now = time.monotonic()
        if stage == self.stage and now - self.written < PROGRESS_EVERY:
            return
        _report(self.app, self.render_id, stage, percent)
        self.stage, self.written = stage, time.monotonic()


def reason_for(error: BaseException) -> str:
    if isinstance(error, pdf.RenderError):
        return str(error)
    if isinstance(error, JobTimeoutException):
        return "Making the PDF took too long and was stopped. Check for very large evidence files, then try again."
    if isinstance(error, storage.StorageError):
        return "An evidence file could not be read from storage. Replace it, then try again."
    if isinstance(error, upload_ready.TooLarge):
        return str(error)
    if isinstance(error, MemoryError):
        return "The packet is too big to make into one PDF. Check for very large evidence files, then try again."
    return GENERIC_REASON


def _same_render(session, render: Render) -> Render | None:
    """A finished render of the same packet from an identical snapshot, whose file still exists."""
    candidates = session.exec(
        select(Render).where(Render.packet_id == render.packet_id, Render.final == render.final,
                             Render.kind == render.kind,
                             Render.status == RenderStatus.done, Render.id != render.id)
        .order_by(Render.created_at.desc()).limit(5)
    )
    for candidate in candidates:
        if candidate.snapshot == render.snapshot and candidate.storage_key and storage.exists(candidate.storage_key):
            return candidate
    return None


def _claim(app: Flask, render_id: uuid.UUID) -> Render | None:
    """Take the render if it is still queued (one conditional UPDATE: a render queued twice runs once);
    None when another worker has it, or it is done or failed. Counts the attempt and starts the heartbeat."""
    now = utcnow()
    with session_scope(app) as session:
        claimed = session.execute(
            update(Render).where(Render.id == render_id, Render.status == RenderStatus.queued)
            .values(status=RenderStatus.rendering, progress=10, error="", started_at=now, heartbeat_at=now,
                    attempts=Render.attempts + 1).execution_options(synchronize_session=False)
        ).rowcount
        render = session.get(Render, render_id) if claimed else None
        if render is not None:
            session.expunge(render)
    return render


class _Heartbeat:
    """Writes the render's heartbeat every few seconds from a thread while the job runs: if the process dies,
    the heartbeat stops, and the page or the sweeper notices within half a minute."""

    def __init__(self, app: Flask, render_id: uuid.UUID):
        self.app, self.render_id, self.stopped = app, render_id, threading.Event()
        self.every = renders.heartbeat_seconds()
        self.thread = threading.Thread(target=self._beat, name="render-heartbeat", daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_exc):
        self.stopped.set()
        self.thread.join(timeout=10)

    def _beat(self) -> None:
        while not self.stopped.wait(self.every):
            try:
                with session_scope(self.app) as session:
                    session.execute(update(Render).where(Render.id == self.render_id,
                                                         Render.status.in_([str(s) for s in renders.STARTED]))
                                    .values(heartbeat_at=utcnow()).execution_options(synchronize_session=False))
            except Exception:  # noqa: BLE001 - a missed beat is retried; the render goes on
                self.app.logger.warning("render %s: heartbeat not written", self.render_id)


def _reuse_twin(app: Flask, render_uuid: uuid.UUID) -> dict | None:
    """Nothing changed since a finished render: it is the same PDF, so reuse its file."""
    with session_scope(app) as session:
        render = session.get(Render, render_uuid)
        twin = _same_render(session, render)
        if twin is None:
            return None
        for name in ("storage_key", "pages", "size", "sha256", "manifest"):
            setattr(render, name, getattr(twin, name))
        render.status, render.progress, render.error = RenderStatus.done, 100, ""
        render.finished_at = utcnow()
        session.add(render)
        return {"pages": render.pages, "sha256": render.sha256}


def render_packet(render_id: str) -> dict:
    """Render one packet PDF from its snapshot and store it encrypted; returns the figures."""
    app = _app()
    render_uuid = uuid.UUID(render_id)
    with app.app_context():
        render = _claim(app, render_uuid)
        if render is None:
            with session_scope(app) as session:
                found = session.get(Render, render_uuid)
                if found is None:
                    raise LookupError(f"render {render_id} does not exist")
                if found.status == RenderStatus.failed:
                    # RQ's retry of a render that failed for good: its failure stays in RQ's failed registry.
                    raise pdf.RenderError(found.error or GENERIC_REASON)
                # Done, or another worker has it (the job was queued twice): nothing to do.
                return {"pages": found.pages, "sha256": found.sha256, "skipped": found.status}
        reused = _reuse_twin(app, render_uuid)
        if reused is not None:
            return reused
        with _Heartbeat(app, render_uuid):
            result = _render(app, render_uuid, render.snapshot, render.final)
        return {"pages": result.pages, "sha256": result.sha256}


def _free_processes(app: Flask) -> int:
    """How many processes this render may lay out parts in: more than one only in a forked RQ work horse
    (never inside the web server) and only while no other render waits in the queue, so a busy worker's
    cores go to the next packets instead."""
    job = get_current_job()
    wanted = max(1, app.config.get("RENDER_PROCESSES") or 1)
    if wanted == 1 or job is None:
        return 1
    try:
        waiting = Queue(job.origin, connection=job.connection).count
    except RedisError:
        return 1
    return 1 if waiting else wanted


def _render(app: Flask, render_uuid: uuid.UUID, snapshot: dict, final: bool):
    try:
        # In the packet's language, whoever asked for it: the job has no reader of its own.
        with pdf_language.written_in(snapshot):
            result = pdf.render_packet_pdf(
                snapshot, final=final, load=lambda key: storage.load(key, app),
                progress=_Progress(app, render_uuid), app=app,
                cache=part_cache.for_packet(app, snapshot["packet"]["id"]), processes=_free_processes(app),
            )
        key = storage.save(result.data, app)
    except BaseException as error:
        job = get_current_job()
        retrying = job is not None and (job.retries_left or 0) > 0 and not isinstance(error, pdf.RenderError)
        _update(app, render_uuid, status=RenderStatus.queued if retrying else RenderStatus.failed,
                progress=0, error=reason_for(error), finished_at=None if retrying else utcnow())
        raise
    _update(app, render_uuid, status=RenderStatus.done, progress=100, storage_key=key, pages=result.pages,
            size=len(result.data), sha256=result.sha256, finished_at=utcnow())
    job = get_current_job()
    if job is not None:
        job.meta.update({"stage": "done", "progress": 100})
        job.save_meta()
    return result


def build_kit(render_id: str) -> dict:
    """Build one online submission kit (kit.py) from its snapshot and store the zip encrypted; returns the figures.

    The same row, claim, heartbeat, twin reuse and failure handling as render_packet."""
    app = _app()
    render_uuid = uuid.UUID(render_id)
    with app.app_context():
        render = _claim(app, render_uuid)
        if render is None:
            with session_scope(app) as session:
                found = session.get(Render, render_uuid)
                if found is None:
                    raise LookupError(f"kit {render_id} does not exist")
                if found.status == RenderStatus.failed:
                    raise pdf.RenderError(found.error or GENERIC_REASON)
                return {"files": len(found.manifest.get("files", [])), "skipped": found.status}
        reused = _reuse_twin(app, render_uuid)
        if reused is not None:
            return reused
        with _Heartbeat(app, render_uuid):
            try:
                with pdf_language.written_in(render.snapshot):
                    made = kit.build(render.snapshot, final=render.final, load=lambda key: storage.load(key, app),
                                     app=app, cache=part_cache.for_packet(app, render.snapshot["packet"]["id"]),
                                     progress=_Progress(app, render_uuid))
                key = storage.save(made.data, app)
            except BaseException as error:
                job = get_current_job()
                retrying = job is not None and (job.retries_left or 0) > 0 and not isinstance(error, pdf.RenderError)
                _update(app, render_uuid, status=RenderStatus.queued if retrying else RenderStatus.failed,
                        progress=0, error=reason_for(error), finished_at=None if retrying else utcnow())
                raise
        manifest = {"files": [dataclasses.asdict(file) for file in made.files], "problems": made.problems}
        _update(app, render_uuid, status=RenderStatus.done, progress=100, storage_key=key,
                pages=sum(file.pages for file in made.files), size=len(made.data), sha256=made.sha256,
                manifest=manifest, finished_at=utcnow())
        job = get_current_job()
        if job is not None:
            job.meta.update({"stage": "done", "progress": 100})
            job.save_meta()
        return {"files": len(made.files), "sha256": made.sha256}
