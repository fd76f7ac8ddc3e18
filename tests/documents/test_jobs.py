"""Render jobs: one per click, progress on the row, failures with a reason, retries, real Redis, killed workers."""
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from rq import SimpleWorker
from rq.job import Job
from rq.registry import FailedJobRegistry
from sqlmodel import select

from portal import queue
from portal.db import session_scope
from portal.documents import pdf, renders, storage
from portal.models import Packet, Render

ROOT = Path(__file__).resolve().parents[2]


def _work(app):
    with app.app_context():
        SimpleWorker([queue.get_queue(app)], connection=queue.connection(app)).work(burst=True)


def _render(app, render_id) -> Render:
    with session_scope(app) as session:
        render = session.get(Render, render_id)
        session.expunge(render)
        return render


@pytest.fixture
def fresh_queue(app):
    queue.connection(app).flushall()
    yield
    queue.connection(app).flushall()


def test_second_click_while_pending_does_not_queue_another(app, client, auth, documents_world, fresh_queue):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    first = auth.post(f"/packets/{packet.id}/renders")
    second = auth.post(f"/packets/{packet.id}/renders")
    assert first.status_code == second.status_code == 303
    with app.app_context():
        assert len(queue.get_queue(app)) == 1
    with session_scope(app) as session:
        rows = session.exec(select(Render).where(Render.packet_id == packet.id)).all()
        assert len(rows) == 1 and rows[0].status == "queued"
        job = Job.fetch(rows[0].job_id, connection=queue.connection(app))
        assert job.args == (str(rows[0].id),), "the job carries the render's id and nothing else"
        assert job.timeout == renders.JOB_TIMEOUT and job.retries_left == renders.RETRY_MAX
        assert job.failure_ttl == renders.FAILURE_TTL and job.result_ttl == renders.RESULT_TTL
        assert "Haddad" not in str(job.args) and "Ñandú" not in str(job.kwargs)


def test_status_component_polls_while_running_and_stops_when_done(app, client, auth, documents_world, fresh_queue):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    response = client.post(f"/packets/{packet.id}/renders", headers={"HX-Request": "true", "X-CSRFToken": auth.token()})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    # A short first wait that grows with each ask, swapping only the inside of the aria-live status box.
    assert 'id="render-status-body"' in html and "aria-live" not in html and "<progress" in html
    assert 'hx-trigger="load delay:200ms"' in html and 'hx-target="this"' in html
    assert "Refresh to see if it is ready" in html, "without JS a link refreshes the status"
    waits = []
    for poll in range(1, 32):
        again = client.get(f"/packets/{packet.id}/renders/status?poll={poll}", headers={"HX-Request": "true"})
        waits.append(int(re.search(r'load delay:(\d+)ms', again.get_data(as_text=True)).group(1)))
        assert f"poll={min(poll, 30) + 1}" in again.get_data(as_text=True)
    # Every 100 ms for about 2 s (a 12-page PDF is ready within that), then longer waits, never more than 1 s.
    assert 200 + sum(wait for wait in waits if wait == 100) >= 1900 and waits[:10] == [100] * 10
    assert waits == sorted(waits) and waits[-1] == 1000
    page = client.get(f"/packets/{packet.id}/renders/status").get_data(as_text=True)
    assert re.search(r'id="render-status" aria-live="polite">\s*<h2[^>]*>[^<]*</h2>\s*<div[^>]*id="render-status-body"',
                     page)
    _work(app)
    html = client.get(f"/packets/{packet.id}/renders/status", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "load delay" not in html and "View the PDF" in html and "Download" in html
    full = client.get(f"/packets/{packet.id}/renders/status").get_data(as_text=True)
    assert "<html" in full and "View the PDF" in full and "Earlier versions" in full
    with session_scope(app) as session:
        render = session.exec(select(Render)).one()
        assert (render.status, render.progress) == ("done", 100)
        job = Job.fetch(render.job_id, connection=queue.connection(app))
        assert job.meta["stage"] == "done" and job.meta["progress"] == 100
    pdf_response = client.get(f"/packets/{packet.id}/renders/{render.id}/pdf")
    assert pdf_response.status_code == 200 and pdf_response.data.startswith(b"%PDF")
    assert pdf_response.headers["Content-Disposition"].startswith("inline")
    assert pdf_response.headers["Cache-Control"] == "no-store"
    from portal.models import AuditEvent

    with session_scope(app) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "render.download")).all()


def test_failing_job_shows_the_reason_reaches_rq_and_try_again_works(app, client, auth, documents_world, fresh_queue,
                                                                     monkeypatch):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    original = pdf.render_packet_pdf

    def broken(*args, **kwargs):
        raise pdf.RenderError("The packet would be longer than 1500 pages. Check the evidence for very long files.")

    monkeypatch.setattr(pdf, "render_packet_pdf", broken)
    auth.post(f"/packets/{packet.id}/renders")
    _work(app)
    with session_scope(app) as session:
        render = session.exec(select(Render)).one()
    assert render.status == "failed" and "longer than 1500 pages" in render.error
    with app.app_context():
        assert render.job_id in FailedJobRegistry(queue=queue.get_queue(app)).get_job_ids(), "the failure reached RQ"
    html = client.get(f"/packets/{packet.id}/renders/status").get_data(as_text=True)
    assert "longer than 1500 pages" in html and "Try again" in html and "load delay" not in html
    with pytest.raises(storage.StorageError):
        renders.read_pdf(render)
    assert client.get(f"/packets/{packet.id}/renders/{render.id}/pdf").status_code == 404

    monkeypatch.setattr(pdf, "render_packet_pdf", original)
    assert auth.post(f"/packets/{packet.id}/renders").status_code == 303
    _work(app)
    with session_scope(app) as session:
        statuses = [r.status for r in session.exec(select(Render).order_by(Render.created_at))]
    assert statuses == ["failed", "done"]


def test_unexpected_error_is_retried_then_reported_plainly(app, auth, documents_world, fresh_queue, monkeypatch):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    calls = []

    def crash(*args, **kwargs):
        calls.append(1)
        raise ZeroDivisionError("internal detail")

    monkeypatch.setattr(pdf, "render_packet_pdf", crash)
    auth.post(f"/packets/{packet.id}/renders")
    _work(app)
    with session_scope(app) as session:
        render = session.exec(select(Render)).one()
    assert len(calls) == 1 + renders.RETRY_MAX
    assert render.status == "failed" and "internal detail" not in render.error and "try again" in render.error.lower()


def _worker_died(app, *, attempts: int):
    """The render's worker stopped half a minute ago (no heartbeat since), after `attempts` starts."""
    with session_scope(app) as session:
        render = session.exec(select(Render)).one()
        render.status, render.progress, render.attempts = "rendering", 20, attempts
        render.heartbeat_at = render.started_at = render.created_at - renders.STALE_AFTER - timedelta(seconds=1)
        session.add(render)
    queue.connection(app).flushall()  # the job vanished with its worker
    return render


def test_a_render_whose_worker_died_is_redone_once(app, client, auth, documents_world, fresh_queue):
    """Finding 6: a killed worker left "Making the pages… 20%" for 16 minutes, and nothing redid it."""
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    auth.post(f"/packets/{packet.id}/renders")
    render = _worker_died(app, attempts=1)
    html = client.get(f"/packets/{packet.id}/renders/status").get_data(as_text=True)
    assert "Waiting to start" in html or "service that makes PDFs" in html
    with app.app_context(), session_scope(app) as session:
        assert renders.sweep(session)["queued"] == 1
    _work(app)
    done = _render(app, render.id)
    assert done.status == "done" and done.attempts == 2


def test_a_render_whose_worker_died_twice_fails_with_try_again(app, client, auth, documents_world, fresh_queue):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    auth.post(f"/packets/{packet.id}/renders")
    render = _worker_died(app, attempts=renders.MAX_ATTEMPTS)
    html = client.get(f"/packets/{packet.id}/renders/status").get_data(as_text=True)
    assert "The worker stopped before the PDF was finished" in html and "Try again" in html
    assert client.get(f"/packets/{packet.id}/renders/{render.id}/pdf").status_code == 404
    assert auth.post(f"/packets/{packet.id}/renders").status_code == 303  # Generate works at once
    with session_scope(app) as session:
        assert [row.status for row in session.exec(select(Render).order_by(Render.created_at))] == ["failed",
                                                                                                    "queued"]


def test_a_job_queued_twice_renders_once(app, auth, documents_world, fresh_queue):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    auth.post(f"/packets/{packet.id}/renders")
    with session_scope(app) as session:
        render = session.exec(select(Render)).one()
    with app.app_context():
        queue.get_queue(app).enqueue("portal.documents.jobs.render_packet", str(render.id))  # a duplicate
    _work(app)
    done = _render(app, render.id)
    assert done.status == "done" and done.attempts == 1


# ---- a real Redis and a real forking worker -----------------------------------------------------

def _real_app(tmp_path, redis_url):
    from tests.support.app import make_app

    return make_app(tmp_path, f"sqlite:///{tmp_path / 'test.db'}", REDIS_URL=redis_url)


@pytest.mark.redis
def test_render_through_real_redis(tmp_path, redis_url):
    from tests.support.app import Factory

    app = _real_app(tmp_path, redis_url)
    make = Factory(app)
    agency = make.agency()
    client_row = make.client(agency)
    packet = make.packet(client_row, packet_type="doc_test", answers={"passport_number": "X1"})
    with app.app_context(), session_scope(app) as session:
        render = renders.request_render(session, packet=session.get(Packet, packet.id), user=None)
        render_id = render.id
    with app.app_context():
        assert queue.connection(app).connection_pool.connection_kwargs.get("db") == int(redis_url.rsplit("/", 1)[1])
        SimpleWorker([queue.get_queue(app)], connection=queue.connection(app)).work(burst=True)
    done = _render(app, render_id)
    assert done.status == "done" and done.pages >= 6
    app.extensions["db_engine"].dispose()


def test_generate_again_without_changes_reuses_the_finished_file(app, auth, documents_world, fresh_queue):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    auth.post(f"/packets/{packet.id}/renders")
    _work(app)
    auth.post(f"/packets/{packet.id}/renders")
    _work(app)
    with session_scope(app) as session:
        first, second = session.exec(select(Render).order_by(Render.created_at)).all()
    assert first.id != second.id and second.status == "done"
    assert (second.storage_key, second.sha256, second.pages) == (first.storage_key, first.sha256, first.pages)


def test_packet_page_shows_the_evidence_panel(app, client, auth, documents_world):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    html = client.get(f"/packets/{packet.id}").get_data(as_text=True)
    assert 'id="render-status"' in html and "Generate packet" in html
    assert 'id="evidence-summary"' in html and "Copy of passport" in html and "Add or change documents" in html


def test_a_render_that_runs_too_long_is_stopped_with_a_reason(app, auth, documents_world, fresh_queue, monkeypatch):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    app.config["RENDER_JOB_TIMEOUT"] = 1

    def slow(*args, **kwargs):
        time.sleep(5)

    monkeypatch.setattr(pdf, "render_packet_pdf", slow)
    auth.post(f"/packets/{packet.id}/renders")
    started = time.monotonic()
    _work(app)
    assert time.monotonic() - started < 8, "each try was stopped at its one-second limit, not after five"
    with session_scope(app) as session:
        render = session.exec(select(Render)).one()
    assert render.status == "failed" and "took too long" in render.error


def test_progress_is_written_when_the_stage_changes_or_a_quarter_second_later(app, monkeypatch):
    """Every write is a commit and a Redis round trip in the render's path: not one after every part."""
    from portal.documents import jobs

    written = []
    monkeypatch.setattr(jobs, "_report", lambda _app, _id, stage, percent: written.append((stage, percent)))
    progress = jobs._Progress(app, None)  # the claim has just written "rendering"
    progress("rendering", 20)
    progress("rendering", 28)
    progress("adding_evidence", 37)  # a new stage: shown at once
    progress("adding_evidence", 45)
    time.sleep(jobs.PROGRESS_EVERY + 0.05)
    progress("adding_evidence", 54)
    assert written == [("adding_evidence", 37), ("adding_evidence", 54)]
