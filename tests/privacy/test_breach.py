"""Breach support: who opened or downloaded a client's records in a period (and its CSV), privacy incidents,
who was told when, and the notification letters. Managers only, their own agency only."""
import csv
import io
from datetime import date, timedelta

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import AuditEvent, IncidentNotice, PrivacyIncident, Role
from tests.support.records import sign_in

TODAY = date.today().isoformat()


@pytest.fixture
def world(make):
    agency = make.agency(name="Peel CAS", address="6860 Century Ave")
    manager = make.user(agency, role=Role.manager, name="Grace Manager")
    worker = make.user(agency, role=Role.caseworker, name="=HYPERLINK(\"x\")")
    person = make.client(agency, family_name="Haddad", given_names="Amira", address="1 Main St\nBrampton ON")
    packet = make.packet(person, owner_id=worker.id)
    bystander = make.client(agency, family_name="Mensah", given_names="Kwame")
    other = make.agency()
    foreign = make.client(other, family_name="Outside", given_names="Olu")
    outsider = make.user(other, role=Role.manager)
    return {"agency": agency, "manager": manager, "worker": worker, "client": person, "packet": packet,
            "bystander": bystander, "foreign": foreign, "outsider": outsider}


def test_the_report_lists_who_opened_the_clients_records_and_nobody_elses(app, world):
    viewer = app.test_client()
    sign_in(viewer, world["worker"])
    assert viewer.get(f"/clients/{world['client'].id}").status_code == 200
    assert viewer.get(f"/packets/{world['packet'].id}").status_code == 200
    assert viewer.get(f"/clients/{world['bystander'].id}").status_code == 200  # someone else's file
    manager = app.test_client()
    sign_in(manager, world["manager"])
    form = manager.get(f"/privacy/clients/{world['client'].id}/access").get_data(as_text=True)
    assert 'type="date"' in form and "access-rows" not in form
    page = manager.get(f"/privacy/clients/{world['client'].id}/access?start={TODAY}&end={TODAY}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    rows = body.split('id="access-rows"')[1].split("</table>")[0]
    assert rows.count("<tr>") == 3, "the header, the file and the packet; not the other client's file"
    assert "Opened the client file" in rows and "Opened a packet" in rows
    assert "=HYPERLINK(&#34;x&#34;)" in rows or "=HYPERLINK(&quot;x&quot;)" in rows
    with app.app_context(), session_scope(app) as db:
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "privacy.access_report")).first()


def test_the_csv_has_every_row_and_no_formulas(app, world):
    viewer = app.test_client()
    sign_in(viewer, world["worker"])
    viewer.get(f"/clients/{world['client'].id}")
    manager = app.test_client()
    sign_in(manager, world["manager"])
    response = manager.get(f"/privacy/clients/{world['client'].id}/access?start={TODAY}&end={TODAY}&format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["when_utc", "name", "email", "role", "action", "record_type", "record_id", "ip"]
    worker_rows = [row for row in rows[1:] if row[3] == "caseworker"]
    assert len(worker_rows) == 1 and worker_rows[0][1] == "'=HYPERLINK(\"x\")"
    assert worker_rows[0][4] == "client.viewed" and worker_rows[0][6] == str(world["client"].id)


def test_a_period_in_the_past_is_empty_and_bad_periods_are_explained(app, client, world):
    sign_in(client, world["manager"])
    base = f"/privacy/clients/{world['client'].id}/access"
    earlier = (date.today() - timedelta(days=400)).isoformat()
    empty = client.get(f"{base}?start={earlier}&end={earlier}").get_data(as_text=True)
    assert "0 times in this period" in empty
    backwards = client.get(f"{base}?start={TODAY}&end={earlier}")
    assert backwards.status_code == 422 and "cannot be before its start" in backwards.get_data(as_text=True)
    nonsense = client.get(f"{base}?start=yesterday&end=")
    assert nonsense.status_code == 422 and 'value="yesterday"' in nonsense.get_data(as_text=True)


@pytest.mark.parametrize("who", ["worker", "outsider"])
def test_only_the_agencys_managers_see_the_report(app, client, world, who):
    sign_in(client, world[who])
    response = client.get(f"/privacy/clients/{world['client'].id}/access?start={TODAY}&end={TODAY}&format=csv")
    assert response.status_code == 404


def _record_incident(auth, *clients, **form):
    data = {"summary": "A list with two names was emailed to the wrong foster parent.", "found_on": TODAY,
            "containment": "The email was recalled and deleted.", **form}
    data["client_ids"] = [str(client.id) for client in clients]
    return auth.post("/privacy/incidents/new", data=data)


def _incident(app) -> PrivacyIncident:
    with app.app_context(), session_scope(app) as db:
        row = db.exec(select(PrivacyIncident)).one()
        db.expunge(row)
        return row


def test_a_manager_records_an_incident_and_who_was_told(app, client, world):
    auth = sign_in(client, world["manager"])
    page = client.get(f"/privacy/incidents/new?client={world['client'].id}").get_data(as_text=True)
    assert f'<option value="{world["client"].id}" selected>' in page and "Outside" not in page
    foreign = _record_incident(auth, world["foreign"])
    assert foreign.status_code == 422 and "choose people from the list" in foreign.get_data(as_text=True)
    missing = _record_incident(auth, summary="", found_on="2999-01-01")
    body = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "say what happened" in body and "cannot be in the future" in body
    assert _record_incident(auth, world["client"], world["bystander"]).status_code == 303
    incident = _incident(app)
    assert sorted(incident.client_ids) == sorted([str(world["client"].id), str(world["bystander"].id)])
    shown = client.get(f"/privacy/incidents/{incident.id}").get_data(as_text=True)
    assert "Amira Haddad" in shown and "Kwame Mensah" in shown and "Nobody is recorded as told yet" in shown
    bad = auth.post(f"/privacy/incidents/{incident.id}/notices", data={"client_id": str(world["foreign"].id),
                                                                      "notified_on": TODAY})
    assert bad.status_code == 422 and "one of the people in this incident" in bad.get_data(as_text=True)
    nobody = auth.post(f"/privacy/incidents/{incident.id}/notices", data={"notified_on": TODAY})
    assert nobody.status_code == 422 and "say who was told" in nobody.get_data(as_text=True)
    assert auth.post(f"/privacy/incidents/{incident.id}/notices", data={
        "client_id": str(world["client"].id), "method": "letter", "notified_on": TODAY}).status_code == 303
    assert auth.post(f"/privacy/incidents/{incident.id}/notices", data={
        "recipient": "Information and Privacy Commissioner of Ontario", "method": "online form",
        "notified_on": TODAY}).status_code == 303
    table = client.get(f"/privacy/incidents/{incident.id}").get_data(as_text=True).split('id="notices"')[1]
    assert "Amira Haddad" in table and "Information and Privacy Commissioner of Ontario" in table
    with app.app_context(), session_scope(app) as db:
        assert len(db.exec(select(IncidentNotice)).all()) == 2
    assert "A list with two names" in client.get("/privacy/").get_data(as_text=True)


def test_the_letters_are_one_per_person_ready_to_print(app, client, world):
    auth = sign_in(client, world["manager"])
    _record_incident(auth, world["client"], world["bystander"])
    incident = _incident(app)
    letters = client.get(f"/privacy/incidents/{incident.id}/letters").get_data(as_text=True)
    assert letters.count('<article class="letter">') == 2
    assert "Dear Amira Haddad" in letters and "Dear Kwame Mensah" in letters and "1 Main St" in letters
    assert "The email was recalled and deleted." in letters and "Information and Privacy Commissioner" in letters
    one = client.get(f"/privacy/incidents/{incident.id}/letters?client={world['client'].id}").get_data(as_text=True)
    assert one.count('<article class="letter">') == 1 and "Kwame" not in one
    assert client.get(f"/privacy/incidents/{incident.id}/letters?client={world['foreign'].id}").status_code == 404


@pytest.mark.parametrize("who", ["worker", "outsider"])
def test_incidents_are_for_the_agencys_managers_only(app, world, who):
    manager = app.test_client()
    _record_incident(sign_in(manager, world["manager"]), world["client"])
    incident = _incident(app)
    client = app.test_client()
    auth = sign_in(client, world[who])
    paths = [f"/privacy/incidents/{incident.id}", f"/privacy/incidents/{incident.id}/letters"]
    if who == "worker":  # the other agency's manager has their own privacy pages
        paths += ["/privacy/incidents/new", "/privacy/"]
    for path in paths:
        assert client.get(path).status_code == 404, path
    assert auth.post(f"/privacy/incidents/{incident.id}/notices",
                     data={"recipient": "x", "notified_on": TODAY}).status_code == 404


def test_a_malformed_incident_id_is_not_found(app, client, world):
    sign_in(client, world["manager"])
    assert client.get("/privacy/incidents/not-a-uuid").status_code == 404


def test_the_period_is_whole_days_on_both_databases(any_app, request_context):
    from datetime import UTC, datetime

    from sqlalchemy import update

    from portal import audit
    from portal.privacy import breach
    from tests.support.app import Factory

    make = Factory(any_app)
    agency = make.agency()
    manager, worker = make.user(agency, role=Role.manager), make.user(agency, role=Role.caseworker)
    person = make.client(agency)
    day = date(2026, 3, 10)
    moments = {"before": datetime(2026, 3, 9, 23, 59, 59, tzinfo=UTC), "first": datetime(2026, 3, 10, tzinfo=UTC),
               "last": datetime(2026, 3, 11, 23, 59, 59, tzinfo=UTC), "after": datetime(2026, 3, 12, tzinfo=UTC)}
    with any_app.app_context(), session_scope(any_app) as db:
        for name, moment in moments.items():
            event = audit.record(db, action="client.viewed", user=worker, record_type="client", record_id=person.id,
                                 detail=name)
            db.execute(update(AuditEvent).where(AuditEvent.detail == name).values(created_at=moment))
            assert event.action == "client.viewed"
        audit.record(db, action="client.updated", user=worker, record_type="client", record_id=person.id)
    with any_app.app_context(), session_scope(any_app) as db:
        rows = breach.access_report(db, user=manager, client=person, start=day, end=day + timedelta(days=1))
    assert [row.when.day for row in rows] == [10, 11] and {row.email for row in rows} == {worker.email}


def test_the_letters_come_as_a_pdf_too(app, client, world):
    from pypdf import PdfReader

    auth = sign_in(client, world["manager"])
    _record_incident(auth, world["client"], world["bystander"])
    incident = _incident(app)
    response = client.get(f"/privacy/incidents/{incident.id}/letters.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert len(pages) == 2
    assert "Dear Amira Haddad" in pages[0].extract_text() and "Dear Kwame Mensah" in pages[1].extract_text()
