"""The audit log: what is recorded, the tamper-evident chain, and the managers' browser."""
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from portal import audit
from portal.audit import chain, checkpoints, keys
from portal.db import session_scope
from portal.models import AuditEvent, Role
from tests.support.app import HTMX, Factory, make_app


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


def _write(app, count: int, *, prefix: str = "id") -> None:
    with app.app_context(), session_scope(app) as db:
        for n in range(count):
            audit.record(db, action="client.viewed", record_type="client", record_id=f"{prefix}-{n}")


def _sql(app, statement: str, **params) -> None:
    """Someone with database access (and without the audit key) changes the table behind the application."""
    with app.app_context(), session_scope(app) as db:
        db.exec(text(statement).bindparams(**params))


def _report(app) -> audit.Report:
    with app.app_context(), session_scope(app) as db:
        return audit.verify(db)


def _row(app, seq: int) -> AuditEvent:
    with app.app_context(), session_scope(app) as db:
        row = db.exec(select(AuditEvent).where(AuditEvent.seq == seq)).one()
        db.expunge(row)
        return row


def test_a_whole_log_verifies(any_app):
    _write(any_app, 5)
    report = _report(any_app)
    assert report.ok and report.rows == 5 and report.waiting == 0


def test_an_in_place_edit_is_reported_at_its_row(any_app):
    _write(any_app, 5)
    target = _row(any_app, 3)
    _sql(any_app, "UPDATE auditevent SET record_id = 'someone-else' WHERE id = :id", id=target.id)
    report = _report(any_app)
    assert report.first.row_id == target.id and report.first.seq == 3 and "changed" in report.first.reason


def test_a_deleted_middle_row_is_reported_at_the_next(app):
    _write(app, 4)
    _sql(app, "DELETE FROM auditevent WHERE seq = 2")
    assert _report(app).first.row_id == _row(app, 3).id


def test_truncation_is_found_by_the_checkpoint_outside_the_table(any_app):
    """Finding 2a: verify-audit said "whole" after the last rows were deleted."""
    any_app.config["AUDIT_CHECKPOINT_EVERY"] = 5
    _write(any_app, 12)
    assert _report(any_app).ok
    _sql(any_app, "DELETE FROM auditevent WHERE seq > 7")
    report = _report(any_app)
    assert not report.ok
    assert report.first.seq == 8 and report.first.row_id is None and "seq 10" in report.first.reason


def test_a_changed_middle_row_resealed_is_found(any_app):
    """Finding 2b: a middle row changed and it and every later row's seq and hashes reset; verify re-sealed it."""
    _write(any_app, 6)
    target = _row(any_app, 3)
    _sql(any_app, "UPDATE auditevent SET detail = 'forged', seq = NULL, prev_mac = '', chain_mac = '' "
                  "WHERE seq = 3")
    _sql(any_app, "UPDATE auditevent SET seq = NULL, prev_mac = '', chain_mac = '' WHERE seq > 3")
    with any_app.app_context(), session_scope(any_app) as db:
        audit.seal(db)  # what the next audited write does: the forged row is not sealed into the chain
    _write(any_app, 1, prefix="later")
    report = _report(any_app)
    assert not report.ok
    assert target.id in [problem.row_id for problem in report.problems]
    forged = next(problem for problem in report.problems if problem.row_id == target.id)
    assert "outside the application" in forged.reason
    with any_app.app_context(), session_scope(any_app) as db:
        assert db.get(AuditEvent, target.id).seq is None


def test_a_middle_row_removed_and_the_rest_set_aside_is_found(any_app, monkeypatch):
    """Deleting a row and clearing the seals after it, hoping the application re-seals them: rows older than the
    seal window are never sealed again, and verification names them."""
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    monkeypatch.setattr(chain, "utcnow", lambda: two_hours_ago)
    _write(any_app, 6)
    monkeypatch.undo()
    third = _row(any_app, 3)
    _sql(any_app, "DELETE FROM auditevent WHERE seq = 2")
    _sql(any_app, "UPDATE auditevent SET seq = NULL, prev_mac = '', chain_mac = '' WHERE seq > 2")
    _write(any_app, 1, prefix="now")
    report = _report(any_app)
    assert not report.ok
    set_aside = [problem.row_id for problem in report.problems if "never chained" in problem.reason]
    assert third.id in set_aside and len(set_aside) == 4
    assert [problem.seq for problem in report.problems if problem.seq is not None] == []  # the chain itself: 1, 2


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


def test_an_unsealed_row_inserted_behind_the_application_is_reported_and_never_sealed(any_app):
    """Finding 2c: a row inserted with a manager's id three days back was sealed into the chain by verify."""
    make = Factory(any_app)
    manager = make.user(make.agency(), role=Role.manager)
    _write(any_app, 3)
    three_days_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=3)
    sqlite = any_app.config["DATABASE_URL"].startswith("sqlite")
    _sql(any_app, "INSERT INTO auditevent (key_id, user_id, action, record_type, record_id, ip, detail, created_at, "
                  f"row_mac, prev_mac, chain_mac) VALUES ('', {':user' if sqlite else 'CAST(:user AS uuid)'}, "
                  "'client.viewed', 'client', 'x', '', '', :at, '', '', '')",
         user=manager.id.hex if sqlite else str(manager.id), at=three_days_ago)
    before = _report(any_app)
    _write(any_app, 2, prefix="after")  # the next writers do not seal it either
    report = _report(any_app)
    for result in (before, report):
        assert not result.ok and "outside the application" in result.first.reason
    with any_app.app_context(), session_scope(any_app) as db:
        forged = db.exec(select(AuditEvent).where(AuditEvent.record_id == "x")).one()
        assert forged.seq is None and report.first.row_id == forged.id
        assert [row.seq for row in db.exec(select(AuditEvent).where(AuditEvent.seq.is_not(None))
                                           .order_by(AuditEvent.seq))] == [1, 2, 3, 4, 5]


def test_verification_never_seals(pg_app):
    app = pg_app
    with app.app_context():
        _two_writers_at_once(app, "sign_in", "u1", "u2")
        report = _report(app)
        assert report.ok and report.waiting == 1
        with session_scope(app) as db:
            assert len(db.exec(select(AuditEvent).where(AuditEvent.seq.is_(None))).all()) == 1


def test_a_row_re_signed_with_another_key_is_reported(app):
    _write(app, 3)
    other = keys.KeyRing("attacker", {"attacker": b"not the audit key"})
    row = _row(app, 2)
    forged = dict(row.model_dump(), detail="forged", key_id="attacker")
    forged["row_mac"] = other.mac("attacker", chain.row_text(forged))
    _sql(app, "UPDATE auditevent SET detail = 'forged', key_id = 'attacker', row_mac = :mac WHERE seq = 2",
         mac=forged["row_mac"])
    assert "key this server does not have" in _report(app).first.reason


def test_key_rotation_keeps_old_rows_verifiable(tmp_path, monkeypatch):
    monkeypatch.setenv("PASSAGE_AUDIT_KEY", "first-audit-key-" + "a" * 32)
    first = make_app(tmp_path, f"sqlite:///{tmp_path / 'rotate.db'}")
    _write(first, 3)
    monkeypatch.setenv("PASSAGE_AUDIT_KEY", "second-audit-key-" + "b" * 32)
    monkeypatch.setenv("PASSAGE_AUDIT_OLD_KEYS", "first-audit-key-" + "a" * 32)
    second = make_app(tmp_path, f"sqlite:///{tmp_path / 'rotate.db'}")
    _write(second, 2, prefix="new")
    assert _report(second).ok
    assert _row(second, 1).key_id != _row(second, 5).key_id
    monkeypatch.delenv("PASSAGE_AUDIT_OLD_KEYS")
    without_old = make_app(tmp_path, f"sqlite:///{tmp_path / 'rotate.db'}")
    assert "key this server does not have" in _report(without_old).first.reason


def test_checkpoints_are_signed_in_the_file_store_and_the_log(app, caplog):
    app.config["AUDIT_CHECKPOINT_EVERY"] = 4
    with caplog.at_level("INFO", logger="passage.audit"):
        for _ in range(9):
            _write(app, 1)
    with app.app_context():
        marks = checkpoints.read_all()
    assert [(mark["kind"], mark["seq"], mark["valid"]) for mark in marks] == [("head", 4, True), ("head", 8, True)]
    assert sum("audit checkpoint" in line for line in caplog.messages) == 2
    assert marks[1]["mac"] == _row(app, 8).chain_mac
    # An edited checkpoint file is reported.
    path = checkpoints.folder(app) / marks[1]["file"]
    path.write_text(path.read_text().replace('"seq": 8', '"seq": 9'))
    assert "checkpoint file" in _report(app).problems[-1].reason


def test_a_rolled_back_write_writes_no_checkpoint(app):
    app.config["AUDIT_CHECKPOINT_EVERY"] = 1
    with app.app_context(), Session(app.extensions["db_engine"]) as db:
        audit.record(db, action="sign_in")
        db.rollback()
    with app.app_context():
        assert checkpoints.read_all() == []


def test_an_hourly_checkpoint_when_the_chain_moved(app):
    _write(app, 3)
    with app.app_context(), session_scope(app) as db:
        assert audit.checkpoint_if_due(db) is True  # none yet
        assert audit.checkpoint_if_due(db) is False  # nothing new
    _write(app, 1)
    with app.app_context(), session_scope(app) as db:
        assert audit.checkpoint_if_due(db) is False  # less than an hour since the last
        assert audit.checkpoint_if_due(db, now=datetime.now(UTC) + timedelta(hours=1, seconds=1)) is True
        assert [mark["seq"] for mark in checkpoints.read_all()] == [3, 4]


def test_pruning_is_anchored_and_verifies(any_app):
    any_app.config["AUDIT_CHECKPOINT_EVERY"] = 3
    _write(any_app, 7)
    cutoff = _row(any_app, 5).created_at
    with any_app.app_context(), session_scope(any_app) as db:
        assert audit.prune(db, before=cutoff) == 4
    report = _report(any_app)
    assert report.ok, [str(problem) for problem in report.problems]
    assert report.rows == 4  # seq 5, 6, 7 and the pruning's own event
    # Deleting the first remaining rows is still found.
    _sql(any_app, "DELETE FROM auditevent WHERE seq = 5")
    assert "missing" in _report(any_app).first.reason


def test_a_restore_from_backup_is_anchored_and_verifies(any_app):
    any_app.config["AUDIT_CHECKPOINT_EVERY"] = 2
    _write(any_app, 4)
    # The backup was taken here; four more events happen, then the database is restored from the backup.
    _write(any_app, 4, prefix="lost")
    _sql(any_app, "DELETE FROM auditevent WHERE seq > 4")
    assert "missing" in _report(any_app).first.reason
    with any_app.app_context(), session_scope(any_app) as db:
        assert audit.restored(db) == 4
    _write(any_app, 3, prefix="after")
    report = _report(any_app)
    assert report.ok, [str(problem) for problem in report.problems]


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


def test_a_pruning_stopped_before_its_rows_went_still_verifies(app):
    _write(app, 4)
    with app.app_context():
        checkpoints.write(kind="pruned", seq=2, mac=_row(app, 2).chain_mac)  # then the process died
    assert _report(app).ok
