"""Recording an online submission: confirmation number and IRCC's acknowledgement on the submitted milestone,
and the dashboard counting online and paper submissions apart (#17)."""
import io
from datetime import date

import pikepdf
from sqlmodel import select

from portal.db import session_scope
from portal.models import Milestone, Packet
from tests.support.app import Auth
from tests.support.documents import pdf_bytes


def _content(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        return document.pages[0].Contents.read_bytes()


def _world(make):
    agency = make.agency()
    worker = make.user(agency)
    manager = make.user(agency, role="manager")
    online = make.packet(make.client(agency), packet_type="cit_0403", status="approved", owner_id=worker.id)
    paper = make.packet(make.client(agency), packet_type="state_care_pr", status="approved", owner_id=worker.id)
    return worker, manager, online, paper


def _submit(auth, packet, **fields):
    # A manager, going ahead with a written reason: these packets are not complete (the gates are tested in
    # test_completeness.py); recording is what is tested here.
    data = {"sent_on": date.today().isoformat(), "method": "online", "reference": "", "note": "",
            "override_reason": "Test: recording only", **fields}
    data = {"basis": "court_order", "citation": "Guardianship order 2024-0001", **data}  # the disclosure's basis
    return auth.post(f"/packets/{packet.id}/submission", data=data, content_type="multipart/form-data")


def test_online_submission_needs_the_confirmation_number_and_keeps_the_acknowledgement(app, client, auth, make):
    _worker, manager, online, paper = _world(make)
    auth.login(manager)
    form = client.get(f"/packets/{online.id}/submission").get_data(as_text=True)
    assert 'value="online" checked' in form or 'value="online"  checked' in form, "online is offered first"
    refused = _submit(auth, online)
    assert refused.status_code == 422 and "confirmation number" in refused.get_data(as_text=True)
    done = _submit(auth, online, reference="N000123456",
                   acknowledgement=(io.BytesIO(pdf_bytes(1, text="Acknowledgement")), "AOR.pdf"))
    assert done.status_code == 303
    with session_scope(app) as session:
        sent = session.exec(select(Milestone).where(Milestone.packet_id == online.id)).one()
        assert (sent.kind, sent.method, sent.reference) == ("submitted", "online", "N000123456")
        assert sent.attachment_key and sent.attachment_name == "AOR.pdf"
        assert session.get(Packet, online.id).status == "submitted"
    page = client.get(f"/packets/{online.id}").get_data(as_text=True)
    assert "N000123456" in page and "IRCC's acknowledgement</a>" in page
    aor = client.get(f"/packets/{online.id}/acknowledgement")
    assert aor.status_code == 200 and b"Acknowledgement 1" in _content(aor.data)
    # A replacement AOR, uploaded later from the packet page.
    later = auth.post(f"/packets/{online.id}/acknowledgement", content_type="multipart/form-data",
                      data={"acknowledgement": (io.BytesIO(pdf_bytes(1, text="Second")), "aor2.pdf")})
    assert later.status_code == 303
    assert b"Second 1" in _content(client.get(f"/packets/{online.id}/acknowledgement").data)
    assert _submit(auth, paper, method="mail", reference="TRACK-1").status_code == 303

    board = client.get("/dashboard/").get_data(as_text=True)
    assert '<p class="stat card" id="sent-online"><span class="stat__number">1</span>' in board
    assert '<p class="stat card" id="sent-paper"><span class="stat__number">1</span>' in board


def test_a_refused_acknowledgement_file_keeps_the_answers(app, client, auth, make):
    worker, _manager, online, _paper = _world(make)
    auth.login(worker)
    response = _submit(auth, online, reference="N1", acknowledgement=(io.BytesIO(b"<html>x</html>"), "aor.html"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="N1"' in html
    with session_scope(app) as session:
        assert session.get(Packet, online.id).status == "approved"
    outsider = app.test_client()
    Auth(outsider).login(make.user(make.agency(), role="manager"))
    assert outsider.get(f"/packets/{online.id}/acknowledgement").status_code == 404


def test_photos_are_not_missing_from_an_online_packet_but_are_from_a_paper_one(app, make, request_context):
    from portal.packets import completeness

    _worker, _manager, online, _paper = _world(make)
    with session_scope(app) as session:
        packet = session.get(Packet, online.id)
        assert "photos" not in completeness.of(session, packet=packet).missing_checklist_keys()
        packet.submit_channel = "paper"
        assert "photos" in completeness.of(session, packet=packet).missing_checklist_keys()
