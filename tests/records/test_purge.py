"""Retention and disposal on the demo data: `purge --dry-run` lists what is due and changes nothing; `purge`
deletes rows, stored files, PDFs and the part cache, keeps a file under a legal hold, and leaves an audit log
that names each disposed record and still verifies."""
from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from portal import audit
from portal.db import session_scope
from portal.documents import maintenance, part_cache, storage
from portal.models import (
    AuditEvent,
    Client,
    Document,
    Packet,
    PacketStatus,
    Referral,
    ReferralStatus,
    Render,
    RenderStatus,
    Role,
    User,
    utcnow,
)
from portal.records import retention
from tests.records.conftest import seeded_app
from tests.support.app import Factory

YEAR = timedelta(days=365)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("purge")
    app = seeded_app(folder, f"sqlite:///{folder / 'demo.db'}")
    yield app
    app.extensions["db_engine"].dispose()


def _render(session, app, packet, *, age: timedelta) -> Render:
    render = Render(agency_id=packet.agency_id, packet_id=packet.id, status=RenderStatus.done,
                    storage_key=storage.save(b"%PDF-1.7 demo", app), created_at=utcnow() - age)
    session.add(render)
    session.flush()
    return render


def _age(session, model, ids, **columns) -> None:
    session.execute(update(model).where(model.id.in_(ids)).values(**columns))


@pytest.fixture(scope="module")
def aged(demo):
    """Records made old enough to be due, one of each kind, and an old archived file under a legal hold."""
    now = utcnow()
    with demo.app_context(), session_scope(demo) as session:
        with_documents = session.get(Packet, session.exec(select(Document.packet_id)).first())
        closed = session.get(Client, with_documents.client_id)
        others = [c for c in session.exec(select(Client).where(Client.id != closed.id)
                                          .order_by(Client.created_at)).all()]
        held = next(c for c in others if session.exec(select(Packet).where(Packet.client_id == c.id)).first())
        for client in (closed, held):
            _age(session, Client, [client.id], archived=True, updated_at=now - 8 * YEAR)
            session.execute(update(Packet).where(Packet.client_id == client.id).values(updated_at=now - 8 * YEAR))
        manager = session.exec(select(User).where(User.role == Role.manager, User.agency_id == held.agency_id)).first()
        session.commit()
        retention.set_legal_hold(session, client=session.get(Client, held.id), by=manager,
                                 reason="Court order 2026-114")
        spare = [c.id for c in others if c.id != held.id]
        decided = session.exec(select(Packet).where(Packet.status == PacketStatus.decided,
                                                    Packet.client_id.in_(spare))).first()
        _age(session, Packet, [decided.id], status_changed_at=now - 6 * YEAR)
        draft = session.exec(select(Packet).where(Packet.status == PacketStatus.draft, Packet.client_id.in_(spare),
                                                  Packet.client_id != decided.client_id)).first()
        _age(session, Packet, [draft.id], updated_at=now - 3 * YEAR)
        live = session.exec(select(Packet).where(Packet.status == PacketStatus.submitted,
                                                 Packet.client_id.in_(spare))).first()
        old_pdf = _render(session, demo, live, age=YEAR)
        new_pdf = _render(session, demo, live, age=timedelta(days=100))
        closed_pdf = _render(session, demo, with_documents, age=2 * YEAR)
        part_cache.for_packet(demo, with_documents.id).put("part", b"cached")
        referral = session.exec(select(Referral).where(Referral.status == ReferralStatus.declined)).first()
        _age(session, Referral, [referral.id], updated_at=now - 2 * YEAR)
        document_keys = list(session.exec(select(Document.storage_key).join(Packet, Packet.id == Document.packet_id)
                                          .where(Packet.client_id == closed.id)))
    return {"closed": closed.id, "held": held.id, "decided": decided.id, "draft": draft.id, "old_pdf": old_pdf,
            "new_pdf": new_pdf, "closed_pdf": closed_pdf, "referral": referral.id, "packet": with_documents.id,
            "document_keys": document_keys}


def _count(app, model, *where) -> int:
    with app.app_context(), session_scope(app) as session:
        return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_dry_run_lists_what_is_due_and_deletes_nothing(demo, aged):
    before = _count(demo, Packet)
    result = demo.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0, result.output
    for name in ("closed", "decided", "draft", "referral"):
        assert str(aged[name]) in result.output, name
    assert str(aged["old_pdf"].id) in result.output and str(aged["new_pdf"].id) not in result.output
    assert str(aged["held"]) not in result.output
    assert "Nothing was deleted" in result.output and _count(demo, Packet) == before


def test_purge_asks_before_deleting(demo, aged):
    result = demo.test_cli_runner().invoke(args=["purge"], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert _count(demo, Client, Client.id == aged["closed"]) == 1


def test_purge_deletes_what_is_due_and_keeps_what_is_held(demo, aged):
    result = demo.test_cli_runner().invoke(args=["purge", "--yes"])
    assert result.exit_code == 0, result.output
    assert _count(demo, Client, Client.id == aged["closed"]) == 0
    assert _count(demo, Packet, Packet.client_id == aged["closed"]) == 0
    assert _count(demo, Document, Document.packet_id == aged["packet"]) == 0
    assert _count(demo, Packet, Packet.id.in_([aged["decided"], aged["draft"]])) == 0
    assert _count(demo, Referral, Referral.id == aged["referral"]) == 0
    assert _count(demo, Render, Render.id.in_([aged["old_pdf"].id, aged["closed_pdf"].id])) == 0
    assert _count(demo, Render, Render.id == aged["new_pdf"].id) == 1
    gone = [aged["old_pdf"].storage_key, aged["closed_pdf"].storage_key, *aged["document_keys"]]
    assert len(gone) > 3 and not any(storage.exists(key, demo) for key in gone)
    assert storage.exists(aged["new_pdf"].storage_key, demo)
    assert not part_cache.folder_for(demo, aged["packet"]).exists()
    assert _count(demo, Client, Client.id == aged["held"]) == 1  # the legal hold kept it
    assert _count(demo, Packet, Packet.client_id == aged["held"]) > 0

    with demo.app_context(), session_scope(demo) as session:
        disposed = session.exec(select(AuditEvent).where(AuditEvent.action == "retention.disposed")).all()
        named = {event.record_id for event in disposed}
        assert {str(aged[name]) for name in ("closed", "decided", "draft", "referral")} <= named
        assert str(aged["old_pdf"].id) in named and str(aged["held"]) not in named
        closed = next(event for event in disposed if event.record_id == str(aged["closed"]))
        assert f"document:{len(aged['document_keys'])}," in closed.detail and "Demo" not in closed.detail
    assert demo.test_cli_runner().invoke(args=["verify-audit"]).exit_code == 0
    again = demo.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert "Nothing is due" in again.output


def test_audit_events_go_after_the_longest_period_but_not_those_about_a_held_file(app, make):
    agency = make.agency(retain_audit_days=365)
    make.agency(retain_audit_days=3650)
    manager = make.user(agency, role=Role.manager)
    held, other = make.client(agency), make.client(agency)
    with app.app_context(), session_scope(app) as session:
        audit.record(session, action="client.viewed", user=manager, record_type="client", record_id=other.id)
        audit.record(session, action="client.viewed", user=manager, record_type="client", record_id=held.id)
        audit.record(session, action="client.viewed", user=manager, record_type="client", record_id=other.id)
    with app.app_context(), session_scope(app) as session:
        assert retention.due(session, now=utcnow() + 5 * YEAR).audit_events == 0  # the longest period is 10 years
        retention.set_legal_hold(session, client=session.get(Client, held.id), by=manager, reason="Litigation")
    with app.app_context(), session_scope(app) as session:
        report = retention.purge(app, session, now=utcnow() + 11 * YEAR)
        left = [event.record_id for event in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert report.audit_events >= 1 and str(held.id) in left and left[0] != str(other.id)
    assert app.test_cli_runner().invoke(args=["verify-audit"]).exit_code == 0


def test_a_legal_hold_needs_a_reason_to_be_set_and_to_be_cleared(app, make):
    agency = make.agency()
    manager = make.user(agency, role=Role.manager)
    client = make.client(agency)
    with app.app_context(), session_scope(app) as session:
        record = session.get(Client, client.id)
        with pytest.raises(retention.HoldError):
            retention.set_legal_hold(session, client=record, by=manager, reason="  ")
        retention.set_legal_hold(session, client=record, by=manager, reason="Court order")
        with pytest.raises(retention.HoldError):
            retention.clear_legal_hold(session, client=record, by=manager, reason="")
        retention.clear_legal_hold(session, client=record, by=manager, reason="Order lifted")
        assert record.legal_hold_at is None and record.legal_hold_history[0]["clear_reason"] == "Order lifted"
        actions = session.exec(select(AuditEvent.action).where(AuditEvent.record_id == str(client.id))).all()
    assert actions == ["client.legal_hold_set", "client.legal_hold_cleared"]


def test_nothing_due_on_a_new_instance(app, make):
    make.client(make.agency())
    result = app.test_cli_runner().invoke(args=["purge", "--dry-run"])
    assert result.exit_code == 0 and "Nothing is due" in result.output




def test_the_workers_purge_once_a_day_and_the_embedded_mode_leaves_it_to_cron(app, make, redis_url):
    make.client(make.agency())
    assert "retention" not in maintenance.tick(app)  # no Redis, no scheduler: the cron line runs purge
    app.config["REDIS_URL"] = redis_url
    assert maintenance.tick(app)["retention"].startswith("purged 0 rows")
    assert maintenance.tick(app)["retention"] == "already run today"  # any worker, any tick: once
    assert _count(app, AuditEvent, AuditEvent.action == "retention.purged") == 1


def test_each_kind_is_found_and_disposed_of_on_sqlite_and_postgresql(any_app):
    make = Factory(any_app)
    agency = make.agency()
    manager = make.user(agency, role=Role.manager)
    now = utcnow()
    closed, held, open_file = make.client(agency), make.client(agency), make.client(agency)
    old_packets = {name: make.packet(client) for name, client in
                   (("closed", closed), ("held", held), ("decided", open_file))}
    draft = make.packet(open_file, packet_type="cit_0002")
    with any_app.app_context(), session_scope(any_app) as session:
        _age(session, Client, [closed.id, held.id], archived=True, updated_at=now - 8 * YEAR)
        _age(session, Packet, [old_packets["closed"].id, old_packets["held"].id], updated_at=now - 8 * YEAR)
        _age(session, Packet, [old_packets["decided"].id], status=PacketStatus.decided,
             status_changed_at=now - 6 * YEAR)
        _age(session, Packet, [draft.id], updated_at=now - 3 * YEAR)
        retention.set_legal_hold(session, client=session.get(Client, held.id), by=manager, reason="Court order")
    with any_app.app_context(), session_scope(any_app) as session:
        plan = retention.due(session)
        ids = next(due for due in plan.agencies if due.agency_id == agency.id).ids
        assert ids["closed_files"] == [closed.id]
        assert (ids["finished_packets"], ids["abandoned_drafts"]) == ([old_packets["decided"].id], [draft.id])
    with any_app.app_context(), session_scope(any_app) as session:
        report = retention.purge(any_app, session)
        left = set(session.exec(select(Packet.id)))
    assert report.rows["client"] == 1 and report.rows["packet"] == 3
    assert left == {old_packets["held"].id}
