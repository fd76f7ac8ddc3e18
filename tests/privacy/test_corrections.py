"""Correction requests: recorded against a field, decided by a manager (corrected, or a statement of
disagreement attached and shown with the field), and the person told in their portal or by letter."""
import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlmodel import select

from portal.db import session_scope
from portal.models import AuditEvent, Client, CorrectionRequest, Role
from tests.support.records import fresh, sign_in


@pytest.fixture
def world(make):
    agency = make.agency(name="Peel CAS", address="6860 Century Ave\nMississauga ON")
    manager = make.user(agency, role=Role.manager)
    worker = make.user(agency, role=Role.caseworker)
    person = make.client(agency, family_name="Haddad", given_names="Amira", address="1 Main St\nBrampton ON",
                         country_of_birth="Syria", assigned_caseworker_id=worker.id)
    other = make.agency()
    outsider = make.user(other, role=Role.manager)
    return {"agency": agency, "manager": manager, "worker": worker, "client": person, "outsider": outsider}


def _record(auth, client, **form):
    data = {"field": "country_of_birth", "requested_value": "Lebanon", "reason": "I was born in Beirut",
            "received_on": date.today().isoformat(), **form}
    return auth.post(f"/privacy/clients/{client.id}/corrections/new", data=data)


def _only_request(app) -> CorrectionRequest:
    with app.app_context(), session_scope(app) as db:
        row = db.exec(select(CorrectionRequest)).one()
        db.expunge(row)
        return row


def test_a_caseworker_records_a_request_and_nothing_changes_yet(app, client, world):
    auth = sign_in(client, world["worker"])
    page = client.get(f"/clients/{world['client'].id}").get_data(as_text=True)
    assert "Record a correction request" in page and "Who opened these records" not in page
    bad = _record(auth, world["client"], field="password_hash", requested_value="", received_on="2999-01-01")
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "cannot be in the future" in body and "what the person says" in body
    assert _record(auth, world["client"]).status_code == 303
    request = _only_request(app)
    assert (request.field, request.value_when_asked, request.status) == ("country_of_birth", "Syria", "open")
    assert fresh(app, Client, world["client"].id).country_of_birth == "Syria"
    assert "waiting for a manager" in client.get(f"/clients/{world['client'].id}").get_data(as_text=True)


def test_only_a_manager_of_the_agency_decides(app, client, world):
    _record(sign_in(app.test_client(), world["worker"]), world["client"])
    request = _only_request(app)
    worker = sign_in(client, world["worker"])
    assert client.get(f"/privacy/corrections/{request.id}").status_code == 404
    assert worker.post(f"/privacy/corrections/{request.id}", data={"decision": "correct"}).status_code == 404
    outsider_client = app.test_client()
    outsider = sign_in(outsider_client, world["outsider"])
    assert outsider_client.get(f"/privacy/corrections/{request.id}").status_code == 404
    assert outsider.post(f"/privacy/corrections/{request.id}",
                         data={"decision": "correct", "corrected_value": "X"}).status_code == 404
    assert outsider_client.get(f"/privacy/clients/{world['client'].id}/corrections/new").status_code == 404
    assert _only_request(app).status == "open"


def test_a_manager_corrects_the_field_and_a_letter_tells_the_person(app, client, world):
    _record(sign_in(app.test_client(), world["worker"]), world["client"])
    request = _only_request(app)
    auth = sign_in(client, world["manager"])
    assert "Country of birth" in client.get("/privacy/").get_data(as_text=True)
    page = client.get(f"/privacy/corrections/{request.id}").get_data(as_text=True)
    assert "Syria" in page and "Lebanon" in page
    assert auth.post(f"/privacy/corrections/{request.id}", data={"decision": "correct",
                                                                 "corrected_value": "Lebanon"}).status_code == 303
    assert fresh(app, Client, world["client"].id).country_of_birth == "Lebanon"
    decided = _only_request(app)
    assert (decided.status, decided.told_by, decided.corrected_value) == ("corrected", "letter", "Lebanon")
    letter = client.get(f"/privacy/corrections/{request.id}/letter").get_data(as_text=True)
    assert "Dear Amira Haddad" in letter and "We have corrected it. It now says: Lebanon" in letter
    assert "1 Main St" in letter and "Peel CAS" in letter
    pdf = client.get(f"/privacy/corrections/{request.id}/letter.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "It now says: Lebanon" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    again = auth.post(f"/privacy/corrections/{request.id}", data={"decision": "correct", "corrected_value": "Syria"})
    assert again.status_code == 422 and "already decided" in again.get_data(as_text=True)
    assert fresh(app, Client, world["client"].id).country_of_birth == "Lebanon"
    with app.app_context(), session_scope(app) as db:
        actions = [row.action for row in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert "correction.recorded" in actions and "correction.corrected" in actions


def test_a_corrected_value_must_fit_the_field(app, client, world):
    _record(sign_in(app.test_client(), world["worker"]), world["client"], field="date_of_birth",
            requested_value="17 May 2011")
    request = _only_request(app)
    auth = sign_in(client, world["manager"])
    bad = auth.post(f"/privacy/corrections/{request.id}", data={"decision": "correct", "corrected_value": "soon"})
    assert bad.status_code == 422 and "year-month-day" in bad.get_data(as_text=True)
    assert 'value="soon"' in bad.get_data(as_text=True)
    assert auth.post(f"/privacy/corrections/{request.id}",
                     data={"decision": "correct", "corrected_value": "2011-05-17"}).status_code == 303
    assert fresh(app, Client, world["client"].id).date_of_birth == date(2011, 5, 17)


def test_a_refusal_attaches_the_statement_shown_with_the_field_and_the_youth_reads_it(app, client, make, world):
    youth = make.user(world["agency"], role=Role.youth, client_id=world["client"].id, name="Amira")
    _record(sign_in(app.test_client(), world["worker"]), world["client"])
    request = _only_request(app)
    auth = sign_in(client, world["manager"])
    empty = auth.post(f"/privacy/corrections/{request.id}", data={"decision": "disagree", "statement": "  "})
    assert empty.status_code == 422 and "statement of disagreement" in empty.get_data(as_text=True)
    statement = "My birth certificate says Beirut <b>really</b>"
    assert auth.post(f"/privacy/corrections/{request.id}",
                     data={"decision": "disagree", "statement": statement}).status_code == 303
    assert fresh(app, Client, world["client"].id).country_of_birth == "Syria"
    assert _only_request(app).told_by == "portal"
    for viewer in (world["manager"], world["worker"]):
        page = sign_in(app.test_client(), viewer).client.get(f"/clients/{world['client'].id}").get_data(as_text=True)
        about = page.split('id="about-heading"')[1].split("</section>")[0]
        assert "Statement of disagreement" in about and "&lt;b&gt;really&lt;/b&gt;" in about
    youth_client = app.test_client()
    sign_in(youth_client, youth)
    home = youth_client.get("/me/").get_data(as_text=True)
    assert "decided not to change it" in home and "&lt;b&gt;really&lt;/b&gt;" in home


def test_another_youth_never_sees_the_decision(app, make, world):
    other_person = make.client(world["agency"], family_name="Mensah", given_names="Kwame")
    other_youth = make.user(world["agency"], role=Role.youth, client_id=other_person.id)
    _record(sign_in(app.test_client(), world["worker"]), world["client"])
    request = _only_request(app)
    sign_in(app.test_client(), world["manager"]).post(f"/privacy/corrections/{request.id}",
                                                      data={"decision": "disagree", "statement": "No"})
    viewer = app.test_client()
    sign_in(viewer, other_youth)
    assert viewer.get(f"/privacy/corrections/{request.id}/letter.pdf").status_code == 404
    assert "correction-messages" not in viewer.get("/me/").get_data(as_text=True)


def test_the_received_date_cannot_be_in_the_future(app, client, world):
    auth = sign_in(client, world["worker"])
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = _record(auth, world["client"], received_on=tomorrow)
    assert response.status_code == 422 and f'value="{tomorrow}"' in response.get_data(as_text=True)
