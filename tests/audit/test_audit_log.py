"""The audit log: what is recorded, the tamper-evident chain, and the managers' browser."""
import re
import time

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from portal import audit
from portal.db import session_scope
from portal.models import AuditEvent, Role
from tests.support.app import HTMX


def _actions(app) -> list[str]:
    with app.app_context(), session_scope(app) as db:
        return [event.action for event in db.exec(select(AuditEvent).order_by(AuditEvent.id))]


def test_sign_in_failure_and_success_are_recorded(auth, make, app):
    user = make.user()
    auth.login(user, password="wrong password")
    auth.login(user)
    assert _actions(app)[-2:] == ["sign_in.failed", "sign_in"]


def test_events_record_who_what_when_and_where(auth, make, app, client):
    agency = make.agency()
    worker = make.user(agency)
    record = make.client(agency)
    auth.login(worker)
    client.get(f"/clients/{record.id}", environ_base={"REMOTE_ADDR": "203.0.113.9"})
    with app.app_context(), session_scope(app) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "client.viewed")).one()
    assert event.user_id == worker.id and event.agency_id == agency.id
    assert event.record_type == "client" and event.record_id == str(record.id)
    assert event.ip == "203.0.113.9" and event.created_at is not None


def test_no_personal_data_in_audit_text(auth, make, app):
    agency = make.agency()
    worker = make.user(agency)
    auth.login(worker)
    data = {"family_name": "Distinctivename", "given_names": "Uniquegiven", "date_of_birth": "2010-02-03",
            "status_in_canada": "no_status", "care_status": "in_care", "phone": "416-555-0123",
            "assigned_caseworker_id": ""}
    response = auth.post("/clients/new", data)
    client_id = response.headers["Location"].rsplit("/", 1)[1]
    auth.post(f"/clients/{client_id}/edit", {**data, "given_names": "Othergiven", "email": "x@example.org"})
    with app.app_context(), session_scope(app) as db:
        dump = " ".join(f"{e.action} {e.record_type} {e.record_id} {e.detail}" for e in db.exec(select(AuditEvent)))
    for personal in ("Distinctivename", "Uniquegiven", "Othergiven", "2010-02-03", "416-555", "x@example.org"):
        assert personal not in dump
    assert "fields=" in dump and "given_names" in dump


def test_verify_chain_detects_an_edited_row(any_app):
    app = any_app
    with app.app_context(), session_scope(app) as db:
        for n in range(4):
            audit.record(db, action="client.viewed", record_type="client", record_id=f"id-{n}")
    with app.app_context(), session_scope(app) as db:
        assert audit.verify_chain(db) is None
        target = db.exec(select(AuditEvent).order_by(AuditEvent.id).offset(2)).first().id
        # Someone with database access edits a row behind the application's back.
        db.exec(text("UPDATE auditevent SET record_id = 'someone-else' WHERE id = :id").bindparams(id=target))
    with app.app_context(), session_scope(app) as db:
        assert audit.verify_chain(db) == target


def test_verify_chain_detects_a_deleted_row(app):
    with app.app_context(), session_scope(app) as db:
        for n in range(3):
            audit.record(db, action="sign_in", record_type="user", record_id=f"u{n}")
    with app.app_context(), session_scope(app) as db:
        rows = db.exec(select(AuditEvent).order_by(AuditEvent.id)).all()
        db.exec(text("DELETE FROM auditevent WHERE id = :id").bindparams(id=rows[1].id))
    with app.app_context(), session_scope(app) as db:
        assert audit.verify_chain(db) == rows[2].id



def _two_writers_at_once(app, action: str, first_id: str, second_id: str):
    """Two open transactions each record an event; the first takes the seal. Both then commit.

    Returns the second's event and how long its record() took.
    """
    engine = app.extensions["db_engine"]
    first, second = Session(engine), Session(engine)
    try:
        audit.record(first, action=action, record_type="client", record_id=first_id)
        started = time.perf_counter()
        waiting = audit.record(second, action=action, record_type="client", record_id=second_id)
        took = time.perf_counter() - started
        second.commit()
        first.commit()
    finally:
        first.close()
        second.close()
    return waiting, took


def test_concurrent_writers_do_not_wait_for_each_other_and_every_row_is_chained(pg_app):
    """A writer that finds another transaction sealing leaves its row for the next writer."""
    app = pg_app
    with app.app_context():
        waiting, took = _two_writers_at_once(app, "client.viewed", "a", "b")
        assert took < 2  # did not queue behind the first transaction
        assert waiting.seq is None
        with session_scope(app) as db:
            later = audit.record(db, action="client.viewed", record_type="client", record_id="c")
        with session_scope(app) as db:
            rows = db.exec(select(AuditEvent).order_by(AuditEvent.seq)).all()
            assert [row.record_id for row in rows] == ["a", "b", "c"]
            assert [row.seq for row in rows] == [1, 2, 3] and later.seq == 3
            assert audit.verify_chain(db) is None


def test_verify_chain_seals_rows_still_waiting(pg_app):
    app = pg_app
    with app.app_context():
        _two_writers_at_once(app, "sign_in", "u1", "u2")
        with session_scope(app) as db:
            assert db.exec(select(AuditEvent).where(AuditEvent.seq.is_(None))).all()
            assert audit.verify_chain(db) is None
        with session_scope(app) as db:
            assert not db.exec(select(AuditEvent).where(AuditEvent.seq.is_(None))).all()


# --- the browser ------------------------------------------------------------------------------


@pytest.fixture
def manager_with_history(make, auth, client):
    agency = make.agency()
    manager = make.user(agency, role=Role.manager, name="Grace Manager")
    worker = make.user(agency, role=Role.caseworker, name="Sam Worker")
    first, second = make.client(agency), make.client(agency)
    auth.login(worker)
    client.get(f"/clients/{first.id}")
    client.get(f"/clients/{second.id}")
    auth.post("/sign-out")
    auth.login(manager)
    return manager, worker, first, second


def _rows(html: str) -> list[str]:
    body = html.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in html else ""
    return re.findall(r"<tr>.*?</tr>", body, re.S)


def test_manager_browses_newest_first(manager_with_history, client):
    manager, worker, first, second = manager_with_history
    html = client.get("/audit/").get_data(as_text=True)
    rows = _rows(html)
    assert "sign_in" in rows[0] and "Grace Manager" in rows[0]  # the manager's own sign-in is newest
    viewed = [row for row in rows if "client.viewed" in row]
    assert str(second.id) in viewed[0] and str(first.id) in viewed[1]
    assert "Sam Worker" in viewed[0] and "127.0.0.1" in viewed[0]


def test_filter_by_user_and_by_record(manager_with_history, client):
    manager, worker, first, second = manager_with_history
    rows = _rows(client.get("/audit/", query_string={"user": str(worker.id)}).get_data(as_text=True))
    assert rows and all("Sam Worker" in row for row in rows)
    rows = _rows(client.get("/audit/", query_string={"record": str(first.id).upper()}).get_data(as_text=True))
    assert len(rows) == 1 and str(first.id) in rows[0]


def test_htmx_filter_returns_the_results_only(manager_with_history, client):
    _manager, worker, _first, _second = manager_with_history
    response = client.get("/audit/", query_string={"user": str(worker.id)}, headers=HTMX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith('<section id="audit-results"')


def test_bad_filters_get_a_message(manager_with_history, client):
    response = client.get("/audit/", query_string={"record": "x" * 65, "user": "not-a-user"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="record-error"' in html and 'id="user-error"' in html
    assert 'value="' + "x" * 65 + '"' in html


def test_pagination(make, auth, client, app):
    agency = make.agency()
    manager = make.user(agency, role=Role.manager)
    with app.app_context(), session_scope(app) as db:
        for n in range(60):
            audit.record(db, action="client.viewed", agency_id=agency.id, record_type="client", record_id=f"r{n:02d}")
    auth.login(manager)
    first = client.get("/audit/").get_data(as_text=True)
    assert "Page 1 of 2" in first and "r59" in first and "r05" not in first
    second = client.get("/audit/?page=2").get_data(as_text=True)
    assert "r05" in second and "r59" not in second


def test_admin_sees_the_log_without_links_into_client_files(manager_with_history, make, auth, client):
    manager, _worker, first, _second = manager_with_history
    assert f'href="/clients/{first.id}"' in client.get("/audit/").get_data(as_text=True)
    admin = make.user(type("A", (), {"id": manager.agency_id})(), role=Role.admin)
    auth.post("/sign-out")
    auth.login(admin)
    html = client.get("/audit/").get_data(as_text=True)
    assert str(first.id) in html and f'href="/clients/{first.id}"' not in html
