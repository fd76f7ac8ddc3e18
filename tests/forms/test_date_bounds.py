"""Dates have sane bounds: nothing before 1900; births, orders, entries and documents not after today unless
the packet type declares the field a future date (an expiry, a planned payment); the planned signing date
within a year ahead and not before the packet was started."""
from datetime import date, timedelta

import pytest

from portal import validation
from portal.forms import get_packet_type
from portal.forms.engine import check_value
from portal.forms.types import Context
from tests.support.records import fresh

TODAY = date(2026, 12, 7)
CONTEXT = Context(answers={}, client={}, signing_date=TODAY, today=TODAY)


def _field(packet_type: str, name: str):
    item = get_packet_type(packet_type).field(name)
    if item is None:  # a column of a repeatable group
        for step in get_packet_type(packet_type).steps:
            for group in step.fields:
                item = item or next((column for column in group.columns if column.name == name), None)
    assert item is not None, name
    return item


@pytest.mark.parametrize("packet_type, name, typed, accepted", [
    ("cit_0403", "dob", "2031-05-05", False),  # a birth in the future
    ("cit_0403", "dob", "1899-12-31", False),  # before 1900
    ("cit_0403", "dob", "2012-05-17", True),
    ("cit_0403", "order_date", "2030-01-10", False),  # a court order not made yet
    ("cit_0403", "order_date", "2024-01-10", True),
    ("imm_5710", "passport_expires", "2031-05-05", True),  # an expiry is a future date
    ("imm_5710", "trp_expiry", "2030-01-01", True),
    ("imm_5710", "recent_entry_date", "2030-01-01", False),  # an entry that has not happened
    ("hc_pr", "send_on", "2027-01-15", True),  # declared as a planned date
    ("imm_5709", "study_to", "2029-06-30", True),
    ("state_care_trp", "stay_until", "2028-01-01", True),
])
def test_date_fields_have_sane_bounds(packet_type, name, typed, accepted):
    _value, error = check_value(_field(packet_type, name), typed, CONTEXT)
    assert (error is None) == accepted, error


def test_the_future_error_names_no_impossible_age(draft_world, auth, client):
    """DOB 2031-05-05 on the identity step: refused beside the field, input kept, step not done."""
    auth.login(draft_world.worker)
    path = f"/packets/{draft_world.packet.id}/steps/identity"
    page = client.get(path).get_data(as_text=True)
    assert "identity" in path and 'name="dob"' in page
    response = auth.post(path, {"dob": "2031-05-05", "version": "1"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="dob-error"' in html and 'value="2031-05-05"' in html
    assert "Date of birth: This date cannot be in the future." in html


@pytest.mark.parametrize("typed, started, accepted", [
    ("0001-01-01", TODAY, False),
    ("9999-12-31", TODAY, False),
    ((TODAY + timedelta(days=366)).isoformat(), TODAY, False),  # more than a year ahead
    ((TODAY + timedelta(days=365)).isoformat(), TODAY, True),
    ((TODAY - timedelta(days=1)).isoformat(), TODAY, False),  # before the packet was started
    ((TODAY - timedelta(days=10)).isoformat(), TODAY - timedelta(days=30), True),
])
def test_planned_signing_date_bounds(typed, started, accepted):
    _value, error = validation.signing_date(typed, started_on=started, today=TODAY)
    assert (error is None) == accepted, error


def test_starting_with_year_one_is_refused(caseworker_world, auth, app):
    auth.login(caseworker_world.worker)
    response = auth.post(f"/clients/{caseworker_world.person.id}/packets",
                         {"packet_type": "cit_0403", "planned_signing_date": "0001-01-01"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/start")


def test_changing_the_signing_date_to_year_one_is_refused(draft_world, auth, client, app):
    from portal.models import Packet

    auth.login(draft_world.worker)
    before = fresh(app, Packet, draft_world.packet.id).planned_signing_date
    auth.post(f"/packets/{draft_world.packet.id}/signing-date", {"planned_signing_date": "0001-01-01"})
    assert fresh(app, Packet, draft_world.packet.id).planned_signing_date == before
    assert client.get(f"/packets/{draft_world.packet.id}").status_code == 200


def test_triage_refuses_a_signing_date_two_years_ahead(caseworker_world, auth):
    auth.login(caseworker_world.worker)
    far = (date.today() + timedelta(days=800)).isoformat()
    response = auth.post(f"/clients/{caseworker_world.person.id}/start",
                         {"status": "permanent_resident", "planned_signing_date": far})
    assert response.status_code == 422 and "planned_signing_date-error" in response.get_data(as_text=True)


@pytest.mark.parametrize("typed", ["1850-01-01", "9999-12-31", "0001-01-01"])
def test_every_date_passage_accepts_lies_between_1900_and_2199(typed):
    """The default bounds of every date read anywhere (client files, uploads' expiry dates, milestones)."""
    _value, error = validation.a_date(typed, today=TODAY)
    assert error is not None
