"""A tenth packet type is one module: triage, deadlines, the screens and the PDF snapshot pick it up."""
import textwrap
from datetime import date, timedelta

import pytest
from sqlmodel import select

from portal.casework import deadlines, triage
from portal.db import session_scope
from portal.documents import snapshot
from portal.forms import PACKET_TYPES
from portal.forms import packets as packet_modules
from portal.models import Packet, Role, User
from tests.support.app import csrf_token_from

MODULE = textwrap.dedent('''
    """A test packet type: a travel document for people whose status is "unknown"."""
    from datetime import date, timedelta

    from portal.forms.types import ChecklistItem, ClosingDate, FeeLine, Field, Fit, PacketType, Signer, Step, Triage


    def fits(situation):
        if situation.status == "unknown" and situation.removal_order is False and situation.came_before_19:
            return [Fit("Status not known yet, came before 19: ask for the travel document first.", rank=5)]
        return []


    PACKET = PacketType(
        key="tst_0010",
        title="Travel document for the tests",
        form_code="TST 0010",
        description="Declared only by a test, in a module of its own.",
        steps=(
            Step("who", "Who travels", (Field("destination", "Destination"),), form_section="Section 1"),
            Step("release", "Release of information", (Field("release_to", "Release to", required=False),),
                 form_section="Section 2", role="release"),
        ),
        checklist=(ChecklistItem("photo", "Two photos"),),
        signers=(Signer("applicant", "Applicant"),),
        fees=lambda context: [FeeLine("Processing", 25.0, source="test")],
        triage=Triage("Travel document (TST 0010)", fits),
        closing=ClosingDate(lambda: date.today() + timedelta(days=30), "Travel document window closes"),
    )
''')


@pytest.fixture
def tenth_type(tmp_path, monkeypatch):
    folder = tmp_path / "more_packets"
    folder.mkdir()
    (folder / "tst_0010.py").write_text(MODULE)
    monkeypatch.setattr(packet_modules, "__path__", [*packet_modules.__path__, str(folder)])
    PACKET_TYPES.reload()
    yield PACKET_TYPES["tst_0010"]
    monkeypatch.undo()
    PACKET_TYPES.reload()


def test_one_module_is_the_whole_packet_type(tenth_type, app, make, client, auth):
    assert len([key for key in PACKET_TYPES if key != "doc_test"]) == 13  # doc_test: the documents tests
    # Triage recommends it from its own declaration.
    result = triage.recommend(triage.TriageAnswers(status="unknown", came_before_19=True,
                                                   date_of_birth=date(2010, 1, 1)))
    assert (result.key, result.title) == ("tst_0010", "Travel document (TST 0010)")

    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    person = make.client(agency, status_in_canada="unknown", assigned_caseworker_id=worker.id)
    auth.login(worker)
    page = client.get(f"/clients/{person.id}/start")
    started = client.post(f"/clients/{person.id}/packets", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "packet_type": "tst_0010",
        "planned_signing_date": (date.today() + timedelta(days=10)).isoformat()})
    assert started.status_code == 303
    packet_url = started.headers["Location"]
    assert "Travel document for the tests" in client.get(packet_url).get_data(as_text=True)
    assert "Destination" in client.get(packet_url + "/steps/who").get_data(as_text=True)

    with app.app_context(), session_scope(app) as db:
        packet = db.exec(select(Packet).where(Packet.packet_type == "tst_0010")).one()
        # Its closing date is a deadline while a packet of it is open.
        found = deadlines.deadlines_for(db, user=db.get(User, worker.id))
        assert [(item.kind, item.title) for item in found if item.packet_id == packet.id] == [
            ("pathway_closes", "Travel document window closes")]
        # The PDF snapshot reads its steps, release section (by its role), checklist, signers and fees.
        taken = snapshot.build(db, packet=packet, user=None)
        assert [section["key"] for section in taken["sections"]] == ["who", "release"]
        assert [section["key"] for section in taken["release"]] == ["release"]
        assert [item["key"] for item in taken["checklist"]] == ["photo"]
        assert [signer["key"] for signer in taken["signers"]] == ["applicant"]
        assert taken["fees"] == [{"label": "Processing", "amount": 25.0, "note": ""}]
