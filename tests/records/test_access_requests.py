"""Access requests on the demo data: `export-person` writes one zip with everything held about the person
(documents decrypted, answers, comments, referrals, audit events, a readable index); a manager's request is
recorded with its dates, built by a job with progress, stored encrypted, and its link expires."""
import hashlib
import io
import json
import zipfile
from datetime import timedelta

import pytest
from cryptography.fernet import Fernet
from rq import SimpleWorker
from sqlalchemy import update
from sqlmodel import select

from portal import audit, queue
from portal.db import session_scope
from portal.demo import DEMO_PASSWORD
from portal.documents import keyring, storage
from portal.models import (
    AccessRequest,
    ArchiveStatus,
    AuditEvent,
    Client,
    Document,
    Packet,
    Partner,
    ReferralOut,
    ReviewComment,
    Role,
    User,
    utcnow,
)
from portal.records import rotation
from tests.records.conftest import seeded_app
from tests.support.app import Auth, make_app


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("access")
    app = seeded_app(folder, f"sqlite:///{folder / 'demo.db'}")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def person(demo):
    """The demo client with uploaded documents, a review comment and a referral out, and a view of their file."""
    with demo.app_context(), session_scope(demo) as session:
        packet = session.get(Packet, session.exec(select(Document.packet_id)).first())
        client = session.get(Client, packet.client_id)
        if not session.exec(select(ReviewComment).where(ReviewComment.packet_id == packet.id)).first():
            session.add(ReviewComment(agency_id=packet.agency_id, packet_id=packet.id, target="family_name",
                                      body="Please check the spelling of the second name."))
        if not session.exec(select(ReferralOut).where(ReferralOut.client_id == client.id)).first():
            partner = session.exec(select(Partner).where(Partner.agency_id == client.agency_id)).first()
            session.add(ReferralOut(agency_id=client.agency_id, client_id=client.id, partner_id=partner.id,
                                    reason="Legal advice", referred_on=utcnow().date()))
        manager = session.exec(select(User).where(User.role == Role.manager,
                                                  User.agency_id == client.agency_id)).first()
        audit.record(session, action="client.viewed", user=manager, record_type="client", record_id=client.id)
        documents = {row.filename: storage.load(row.storage_key, demo)
                     for row in session.exec(select(Document).where(Document.packet_id == packet.id))}
    return {"client": client, "packet": packet, "documents": documents, "manager": manager}


def _open(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def _assert_everything_is_there(archive: zipfile.ZipFile, person):
    names = archive.namelist()
    client = person["client"]
    index = archive.read("index.html").decode()
    assert client.given_names in index and "The records we hold about you" in index
    for filename, data in person["documents"].items():
        inside = [name for name in names if name.startswith("documents/") and name.endswith(filename[-20:])]
        assert inside and archive.read(inside[0]) == data, filename  # decrypted, byte for byte
    packets = json.loads(archive.read("data/packet.json"))
    assert str(person["packet"].id) in {row["id"] for row in packets}
    assert all("answers" in row for row in packets)
    assert "data/reviewcomment.json" in names and "data/referralout.json" in names
    assert json.loads(archive.read("data/client.json"))["id"] == str(client.id)
    assert "client.viewed" in archive.read("audit-events.csv").decode()
    assert "password_hash" not in archive.read("data/user.json").decode() if "data/user.json" in names else True


def test_export_person_writes_everything_and_records_the_request(demo, person, tmp_path):
    out = tmp_path / "person.zip"
    client = person["client"]
    result = demo.test_cli_runner().invoke(args=["export-person", str(client.id), "--out", str(out), "--yes",
                                                 "--received", "2026-11-20"])
    assert result.exit_code == 0, result.output
    _assert_everything_is_there(zipfile.ZipFile(out), person)
    with demo.app_context(), session_scope(demo) as session:
        request = session.exec(select(AccessRequest).where(AccessRequest.client_id == client.id)).one()
        assert (str(request.received_on), str(request.due_on), request.answered_on) == \
            ("2026-11-20", "2026-12-20", utcnow().date())
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "access_request.exported")).one()


def test_export_person_refuses_unknown_ids_and_asks_first(demo, person, tmp_path):
    runner = demo.test_cli_runner()
    assert "must be a client file's id" in runner.invoke(args=["export-person", "zzz", "--out", "x.zip"]).output
    result = runner.invoke(args=["export-person", str(person["client"].id), "--out", str(tmp_path / "a.zip")],
                           input="n\n")
    assert result.exit_code == 1 and not (tmp_path / "a.zip").exists()


def _work(app):
    with app.app_context():
        SimpleWorker([queue.get_queue(app)], connection=queue.connection(app)).work(burst=True)


def test_a_managers_request_is_built_by_a_job_stored_encrypted_and_expires(demo, person):
    client, manager = person["client"], person["manager"]
    browser = demo.test_client()
    auth = Auth(browser)
    auth.login(manager, DEMO_PASSWORD)
    assert "Access requests and legal hold" in browser.get(f"/clients/{client.id}").get_data(as_text=True)
    bad = auth.post(f"/clients/{client.id}/access-requests", {"received_on": "2099-01-01"})
    assert bad.status_code == 422 and "future" in bad.get_data(as_text=True)
    response = auth.post(f"/clients/{client.id}/access-requests", {"received_on": "2026-12-01"})
    assert response.status_code == 303
    with demo.app_context(), session_scope(demo) as session:
        row = session.exec(select(AccessRequest).where(AccessRequest.client_id == client.id,
                                                       AccessRequest.received_on == utcnow().date().replace(
                                                           year=2026, month=12, day=1))).one()
    page = browser.get(f"/access-requests/{row.id}/status", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'hx-trigger="every 1s"' in page  # polls while the job has not run
    _work(demo)
    with demo.app_context(), session_scope(demo) as session:
        row = session.get(AccessRequest, row.id)
        assert row.status == ArchiveStatus.ready and row.progress == 100 and str(row.due_on) == "2026-12-31"
        sealed = storage.path_of(row.storage_key, demo).read_bytes()
    # Encrypted at rest: not a zip, and no file name readable. (Looking for b"PK" in the
    # sealed text failed one run in twenty: the base64 token can spell it by chance.)
    assert not zipfile.is_zipfile(io.BytesIO(sealed)) and b"index.html" not in sealed
    page = browser.get(f"/access-requests/{row.id}/status", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "every 1s" not in page and "Download the archive" in page
    download = browser.get(f"/access-requests/{row.id}/download")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert hashlib.sha256(download.data).hexdigest() == row.sha256
    _assert_everything_is_there(_open(download.data), person)

    answered = auth.post(f"/access-requests/{row.id}/answered", {"answered_on": "2026-11-01"})
    assert answered.status_code == 422  # before it was received
    assert auth.post(f"/access-requests/{row.id}/answered",
                     {"answered_on": utcnow().date().isoformat()}).status_code == 303

    with demo.app_context(), session_scope(demo) as session:
        session.execute(update(AccessRequest).where(AccessRequest.id == row.id)
                        .values(expires_at=utcnow() - timedelta(minutes=1)))
    assert browser.get(f"/access-requests/{row.id}/download").status_code == 410
    result = demo.test_cli_runner().invoke(args=["purge", "--yes"])
    assert "expired access-request archives: 1" in result.output
    assert not storage.exists(row.storage_key, demo)
    assert "link has expired" in browser.get(f"/access-requests/{row.id}/status").get_data(as_text=True)


def test_only_managers_of_the_agency_reach_the_records(demo, person, make):
    client = person["client"]
    with demo.app_context(), session_scope(demo) as session:
        caseworker = session.exec(select(User).where(User.role == Role.caseworker,
                                                     User.agency_id == client.agency_id)).first()
        stranger = session.exec(select(User).where(User.role == Role.manager,
                                                   User.agency_id != client.agency_id)).first()
    for user, expected in ((caseworker, 404), (stranger, 404)):
        browser = demo.test_client()
        Auth(browser).login(user, DEMO_PASSWORD)
        assert browser.get(f"/clients/{client.id}/records").status_code == expected


def test_a_manager_sets_and_clears_a_legal_hold_with_a_reason(demo, person):
    client = person["client"]
    browser = demo.test_client()
    auth = Auth(browser)
    auth.login(person["manager"], DEMO_PASSWORD)
    missing = auth.post(f"/clients/{client.id}/legal-hold", {"action": "set", "reason": " "})
    assert missing.status_code == 422 and "Say why" in missing.get_data(as_text=True)
    assert auth.post(f"/clients/{client.id}/legal-hold", {"action": "set", "reason": "Court order"}).status_code == 303
    page = browser.get(f"/clients/{client.id}/records").get_data(as_text=True)
    assert "On hold" in page and "Court order" in page
    assert auth.post(f"/clients/{client.id}/legal-hold",
                     {"action": "clear", "reason": "Order lifted"}).status_code == 303
    assert "Order lifted" in browser.get(f"/clients/{client.id}/records").get_data(as_text=True)


def test_rotate_key_on_the_demo_then_the_old_key_is_retired(demo, person, tmp_path):
    """Runs last in this module: the demo's files move to a new key, and the archive still opens under it alone."""
    new_key = Fernet.generate_key().decode()
    common = {"SECRET_KEY": demo.config["SECRET_KEY"], "DATA_DIR": demo.config["DATA_DIR"]}
    rotated = make_app(tmp_path, demo.config["DATABASE_URL"], ENCRYPTION_KEY=new_key,
                       ENCRYPTION_OLD_KEYS=[demo.config["ENCRYPTION_KEY"]], **common)
    result = rotated.test_cli_runner().invoke(args=["rotate-key", "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Files re-encrypted: {len(list(rotation.stored_files(demo)))}" in result.output
    old_id = keyring.key_id(demo.config["ENCRYPTION_KEY"])
    assert rotated.test_cli_runner().invoke(args=["key-status", "--retire", old_id]).exit_code == 0
    only_new = make_app(tmp_path, demo.config["DATABASE_URL"], ENCRYPTION_KEY=new_key, **common)
    with only_new.app_context(), session_scope(only_new) as session:
        for row in session.exec(select(Document).where(Document.packet_id == person["packet"].id)):
            assert storage.load(row.storage_key, only_new) == person["documents"][row.filename]
    out = tmp_path / "after.zip"
    assert only_new.test_cli_runner().invoke(
        args=["export-person", str(person["client"].id), "--out", str(out), "--yes"]).exit_code == 0
    _assert_everything_is_there(zipfile.ZipFile(out), person)
    for app in (rotated, only_new):
        app.extensions["db_engine"].dispose()
