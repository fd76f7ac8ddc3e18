"""Renders that always finish or fail honestly, against a Redis of the test's own and real worker processes:
a worker killed mid-render, and Redis stopped while a caseworker presses "Generate packet"."""
import time

import pytest
from sqlmodel import func, select

from portal.db import session_scope
from portal.documents import renders, uploads
from portal.models import Packet, Render, Role, User
from tests.support.app import PASSWORD, Factory, make_app
from tests.support.documents import pdf_bytes
from tests.support.faults import kill, start_worker, wait_for
from tests.support.live import serving, signed_in, token_of

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]
STALE = 8  # seconds without a heartbeat before a render's worker counts as gone (30 in production)


@pytest.fixture
def world(tmp_path, postgres_url, own_redis):
    app = make_app(tmp_path, postgres_url, REDIS_URL=own_redis.url, RENDER_STALE_SECONDS=STALE)
    make = Factory(app)
    agency = make.agency()
    worker_user = make.user(agency, role=Role.caseworker)
    person = make.client(agency, assigned_caseworker_id=worker_user.id)
    packet = make.packet(person, packet_type="doc_test", owner_id=worker_user.id,
                         answers={"family_name": "Haddad", "passport_number": "AB1"})
    yield app, worker_user, packet
    app.extensions["db_engine"].dispose()


def _render(app, render_id) -> Render:
    with app.app_context(), session_scope(app) as session:
        row = session.get(Render, render_id)
        session.expunge(row)
        return row


def _renders_of(app, packet) -> list[Render]:
    with app.app_context(), session_scope(app) as session:
        rows = session.exec(select(Render).where(Render.packet_id == packet.id)).all()
        for row in rows:
            session.expunge(row)
        return rows


def _worker(app, tmp_path):
    return start_worker(app, tmp_path, PASSAGE_MAINTENANCE_SECONDS=2, PASSAGE_RENDER_STALE_SECONDS=STALE)


def test_a_worker_killed_mid_render_is_noticed_and_the_render_redone_once(world, tmp_path):
    """Finding 6: after SIGKILL the render showed "Making the pages… 20%" for 16 minutes and nothing redid it."""
    app, worker_user, packet = world
    with app.app_context(), session_scope(app) as session:
        long = uploads.check_file(pdf_bytes(150), "long.pdf", max_bytes=app.config["UPLOAD_MAX_BYTES"])
        uploads.add_document(session, packet=session.get(Packet, packet.id), checklist_item="passport",
                             user=session.get(User, worker_user.id), checked=long)
    with app.app_context(), session_scope(app) as session:
        render_id = renders.request_render(session, packet=session.get(Packet, packet.id), user=None).id
    first = _worker(app, tmp_path)
    second = None
    try:
        wait_for(lambda: _render(app, render_id).status in renders.STARTED, seconds=120, every=0.05,
                 what="the worker to start rendering")
        kill(first)  # the worker and its work horse, mid-render
        killed_at = time.time()
        second = _worker(app, tmp_path)
        wait_for(lambda: _render(app, render_id).attempts == 2 or _render(app, render_id).status == "queued",
                 seconds=90, what="the dead worker to be noticed")
        noticed = time.time() - killed_at
        assert noticed < 60, f"noticed after {noticed:.0f} s"
        done = wait_for(lambda: (row := _render(app, render_id)).status in ("done", "failed") and row, seconds=180,
                        what="the render to be redone")
    finally:
        kill(first)
        if second is not None:
            kill(second)
    assert done.status == "done" and done.attempts == 2 and done.pages > 150 and done.sha256
    assert [row.id for row in _renders_of(app, packet)] == [render_id], "redone in place, not duplicated"


def test_redis_down_during_generate_queues_the_render_and_makes_it_when_redis_returns(world, tmp_path, own_redis):
    """Finding 7: with Redis stopped "Generate packet" answered 500 and the packet's pages too; when Redis came
    back the job never ran."""
    app, worker_user, packet = world
    worker = _worker(app, tmp_path)
    try:
        with serving(app) as base:
            http = signed_in(base, worker_user.email, PASSWORD)
            status_url = f"{base}/packets/{packet.id}/renders/status"
            csrf = token_of(http, status_url)
            own_redis.stop()
            response = http.post(f"{base}/packets/{packet.id}/renders", data={"csrf_token": csrf},
                                 allow_redirects=False, timeout=30)
            assert response.status_code == 303
            page = http.get(status_url, timeout=30)
            assert page.status_code == 200 and "will be made as soon as it is back" in page.text
            again = http.post(f"{base}/packets/{packet.id}/renders", data={"csrf_token": csrf},
                              headers={"HX-Request": "true"}, timeout=30)
            assert again.status_code == 200 and "will be made as soon as it is back" in again.text
            for path in (f"/packets/{packet.id}", f"/packets/{packet.id}/evidence",
                         f"/packets/{packet.id}/staff-review", "/my-work", "/clients/"):
                assert http.get(base + path, timeout=30).status_code == 200, path
            (row,) = _renders_of(app, packet)
            assert row.status == "queued" and row.enqueued_at is None
            own_redis.start()
            done = wait_for(lambda: (found := _render(app, row.id)).status in ("done", "failed") and found,
                            seconds=120, what="the render to be made once Redis is back")
            assert "View the PDF" in http.get(status_url, timeout=30).text
    finally:
        kill(worker)
    assert done.status == "done" and done.attempts == 1, "made once"
    with app.app_context(), session_scope(app) as session:
        assert session.exec(select(func.count()).select_from(Render)).one() == 1
