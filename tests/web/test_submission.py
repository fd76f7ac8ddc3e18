"""The channel on the packet page and the checklist, the copy sheet, and who may see them (#17)."""
import pytest

from portal.db import session_scope
from portal.models import Packet
from tests.support.app import Auth


@pytest.fixture
def online_world(app, make):
    agency = make.agency()
    worker = make.user(agency)
    person = make.client(agency, family_name="Haddad", given_names="Amira")
    packet = make.packet(person, packet_type="cit_0403", answers={
        "family_name": "Haddad", "given_names": "Amira <b>Noor</b>", "dob": "2012-05-17", "language_of_service": "en",
    })
    paper = make.packet(make.client(agency), packet_type="state_care_pr")
    return {"worker": worker, "packet": packet, "paper": paper, "outsider": make.user(make.agency(), role="manager")}


def test_packet_page_says_which_channel_applies_and_why(client, auth, online_world):
    auth.login(online_world["worker"])
    html = client.get(f"/packets/{online_world['packet'].id}").get_data(as_text=True)
    assert "How to send it to IRCC" in html and "This packet goes online." in html
    assert "a parent or legal guardian" in html and "(VERIFY)" in html
    assert "Build the online kit" in html and "/copy-sheet" in html
    paper = client.get(f"/packets/{online_world['paper'].id}").get_data(as_text=True)
    assert "on paper only" in paper and "2027-01-21" in paper and "Burrard" in paper and "barcode page" in paper
    assert "Build the online kit" not in paper


def test_choosing_paper_changes_the_checklist_and_bad_input_is_refused(app, client, auth, online_world):
    packet = online_world["packet"]
    auth.login(online_world["worker"])
    evidence = client.get(f"/packets/{packet.id}/evidence").get_data(as_text=True)
    assert "Not needed online" in evidence and "No photos or envelope" in evidence
    assert auth.post(f"/packets/{packet.id}/channel", {"submit_channel": "fax"}).status_code == 303
    with session_scope(app) as session:
        assert session.get(Packet, packet.id).submit_channel == ""
    assert auth.post(f"/packets/{packet.id}/channel", {"submit_channel": "paper"}).status_code == 303
    with session_scope(app) as session:
        assert session.get(Packet, packet.id).submit_channel == "paper"
    evidence = client.get(f"/packets/{packet.id}/evidence").get_data(as_text=True)
    assert "Not needed online" not in evidence and "Mail everything in one envelope" in evidence
    assert client.post(f"/packets/{packet.id}/channel", data={"submit_channel": "online"}).status_code == 400, \
        "CSRF on the form"


def test_copy_sheet_values_are_exact_copyable_and_marked(client, auth, online_world):
    packet = online_world["packet"]
    auth.login(online_world["worker"])
    html = client.get(f"/packets/{packet.id}/copy-sheet").get_data(as_text=True)
    assert "Order not verified." in html and "Asked online only" in html
    assert 'value="2012-05-17" readonly' in html, "dates as the online form wants them, in a read-only field"
    assert "Amira &lt;b&gt;Noor&lt;/b&gt;" in html and "<b>Noor" not in html
    assert 'class="button button--small copy-button"' in html and " hidden>" in html, "buttons appear with JS"
    assert html.count('type="checkbox" name="done-') >= 2, "a tick box per section"
    assert "Online page 1:" in html
    printable = client.get(f"/packets/{packet.id}/copy-sheet?print=1").get_data(as_text=True)
    assert "2012-05-17" in printable and "copy-button" not in printable and "Order not verified." in printable


def test_outsiders_and_youth_cannot_see_the_copy_sheet_or_build_a_kit(app, online_world):
    packet = online_world["packet"]
    outsider = app.test_client()
    Auth(outsider).login(online_world["outsider"])
    assert outsider.get(f"/packets/{packet.id}/copy-sheet").status_code == 404
    assert Auth(outsider).post(f"/packets/{packet.id}/kit").status_code == 404
    anonymous = app.test_client()
    assert anonymous.get(f"/packets/{packet.id}/copy-sheet").status_code in (302, 303)


def test_a_paper_only_packet_cannot_build_a_kit(client, auth, online_world):
    auth.login(online_world["worker"])
    assert auth.post(f"/packets/{online_world['paper'].id}/kit").status_code == 409
