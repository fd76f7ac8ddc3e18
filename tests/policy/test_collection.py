"""A field the policy says intake does not collect never appears anywhere: not on the intake form (and a
crafted post is ignored), not on the client file or list, not in exports or the packet's PDF, until an
application needs it; then it is asked with its purpose, which is recorded and shown."""
import re

import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.documents import pdf, snapshot
from portal.models import Client, FieldCollection, Packet
from portal.policy import settings
from tests.policy.test_policy import policy_form
from tests.support.records import sign_in

VALUES = {"status_in_canada": "no_status", "country_of_birth": "Eritrea", "citizenships": "Eritrea",
          "uci": "1122334455", "other_names": "Quokkaname Zzyx", "address": "77 Zzyxwy Crescent",
          "phone": "905-555-0177", "email": "zzyx@example.org", "preferred_language": "Tigrinya"}
SHOWN = {"status_in_canada": "No status", "uci": "1122334455", "phone": "905-555-0177"}


def new_client_form(**values) -> dict:
    form = {"family_name": "Tesfaye", "given_names": "Meron", "date_of_birth": "2010-02-03",
            "care_status": "in_care", "status_in_canada": "unknown", "assigned_caseworker_id": ""}
    form.update(values)
    return form


@pytest.mark.parametrize("field", settings.OPTIONAL_KEYS)
def test_a_field_not_collected_appears_nowhere(app, youth_world, client, field):
    manager = sign_in(client, youth_world.manager)
    manager.post("/policy/", policy_form(**{f"collect_{field}": "when_needed"}))
    intake = client.get("/clients/new").get_data(as_text=True)
    assert f'name="{field}"' not in intake
    # A crafted post with the field is saved without it.
    saved = manager.post("/clients/new", new_client_form(**{field: VALUES[field]}))
    assert saved.status_code == 303, saved.get_data(as_text=True)[:2000]
    with app.app_context(), session_scope(app) as db:
        stored = db.exec(select(Client).where(Client.family_name == "Tesfaye")).one()
        assert getattr(stored, field) in ("", None, "unknown")
        client_id = stored.id
    value = SHOWN.get(field, VALUES[field])
    page = client.get(f"/clients/{client_id}").get_data(as_text=True)
    assert value not in page and "Not asked: the agency" in page
    assert value not in client.get("/clients/").get_data(as_text=True)
    exported = client.get("/dashboard/packets.csv?recipient=court&basis=court_order&citation=Order+1")
    assert value not in exported.get_data(as_text=True)
    assert value not in client.get("/dashboard/research.csv").get_data(as_text=True)
    # The packet's PDF takes nothing from the client file that was not collected.
    with app.app_context(), session_scope(app) as db:
        person = db.get(Client, client_id)
        packet = Packet(agency_id=person.agency_id, client_id=person.id, packet_type="cit_0403", answers={})
        db.add(packet)
        db.flush()
        html = pdf.build_html(snapshot.build(db, packet=packet, user=None), final=False, app=app)
    assert value not in html


def test_when_an_application_needs_it_it_is_asked_with_its_purpose(app, youth_world, client):
    manager = sign_in(client, youth_world.manager)
    manager.post("/policy/", policy_form(collect_status_in_canada="when_needed"))
    refused = manager.post(f"/clients/{youth_world.client.id}/collect",
                           {"field": "status_in_canada", "value": "no_status", "purpose": ""})
    assert refused.status_code == 303
    assert "Purpose: say which application needs it." in client.get(f"/clients/{youth_world.client.id}").get_data(
        as_text=True)
    manager.post(f"/clients/{youth_world.client.id}/collect",
                 {"field": "status_in_canada", "value": "no_status", "purpose": "State-care PR pathway application"})
    page = client.get(f"/clients/{youth_world.client.id}").get_data(as_text=True)
    assert "No status" in page and "asked for: State-care PR pathway application" in page
    with app.app_context(), session_scope(app) as db:
        row = db.exec(select(FieldCollection)).one()
        assert (row.field, row.purpose) == ("status_in_canada", "State-care PR pathway application")
    assert re.search(r'name="status_in_canada"', client.get(f"/clients/{youth_world.client.id}/edit")
                     .get_data(as_text=True))


def test_collected_fields_stay_on_the_form_and_page(app, youth_world, client):
    sign_in(client, youth_world.manager)
    # The default policy collects everything.
    assert 'name="status_in_canada"' in client.get("/clients/new").get_data(as_text=True)
