"""Deadline rules at their boundaries, and the deadline lists each person sees."""
from datetime import date, timedelta

import pytest

from portal.casework import deadlines
from portal.db import session_scope
from portal.forms import get_packet_type
from portal.models import CareStatus, Document, Milestone, MilestoneKind, PacketStatus, Role, User

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize("dob, years, expected", [
    (date(2008, 6, 15), 18, date(2026, 6, 15)),
    (date(2008, 2, 29), 18, date(2026, 3, 1)),  # common year: 1 March
    (date(2008, 2, 29), 16, date(2024, 2, 29)),  # leap year: the day itself
    (date(2007, 12, 31), 19, date(2026, 12, 31)),
])
def test_birthday(dob, years, expected):
    assert deadlines.birthday(dob, years) == expected


@pytest.mark.parametrize("due, expected", [
    (TODAY - timedelta(days=1), 0),  # yesterday: overdue
    (TODAY, 1),  # today: not overdue yet
    (TODAY + timedelta(days=7), 1),  # a week from today: this week
    (TODAY + timedelta(days=8), 2),
])
def test_urgency(due, expected):
    assert deadlines.urgency(due, TODAY) == expected


@pytest.mark.parametrize("days_until_18, shown", [
    (-1, False),  # turned 18 yesterday: no longer ahead
    (0, True),  # turns 18 today
    (180, True),  # the last day of the horizon
    (181, False),
])
def test_turning_18_horizon(days_until_18, shown):
    eighteenth = TODAY + timedelta(days=days_until_18)
    dob = date(eighteenth.year - 18, eighteenth.month, eighteenth.day)
    gates = deadlines.age_gates_ahead(dob, TODAY, in_care=False)
    assert ((18, eighteenth) in gates) is shown


def test_19_and_21_only_for_youth_from_care():
    dob = date(2007, 7, 1)  # turns 19 on 2026-07-01, within 90 days
    assert deadlines.age_gates_ahead(dob, TODAY, in_care=True) == [(19, date(2026, 7, 1))]
    assert deadlines.age_gates_ahead(dob, TODAY, in_care=False) == []
    dob21 = date(2005, 9, 13)  # turns 21 on 2026-09-13: 90 days from TODAY
    assert deadlines.age_gates_ahead(dob21, TODAY, in_care=True) == [(21, date(2026, 9, 13))]
    assert deadlines.age_gates_ahead(date(2005, 9, 14), TODAY, in_care=True) == []


def test_signature_is_valid_90_days(app):
    with app.app_context():
        signed = date(2026, 1, 1)
        assert deadlines.signature_valid_until(signed) == date(2026, 4, 1)
        # Shown from 30 days before it runs out, and after.
        assert deadlines.signature_deadline(signed, date(2026, 3, 1)) is None
        assert deadlines.signature_deadline(signed, date(2026, 3, 2)) == date(2026, 4, 1)
        assert deadlines.signature_deadline(signed, date(2026, 4, 2)) == date(2026, 4, 1)
        # A planned signature in the future is not a deadline yet.
        assert deadlines.signature_deadline(date(2026, 7, 1), TODAY) is None
        assert deadlines.signature_deadline(None, TODAY) is None


@pytest.mark.parametrize("days, shown", [(-30, True), (0, True), (90, True), (91, False)])
def test_document_expiry_horizon(days, shown):
    expires = TODAY + timedelta(days=days)
    assert (deadlines.document_deadline(expires, TODAY) == expires) is shown


def test_state_care_closing_date_comes_from_the_facts_file(app):
    with app.app_context():
        closes = get_packet_type("state_care_pr").closing.closes()
        assert closes == date(2027, 1, 21)
        assert deadlines.closing_deadline(closes - timedelta(days=180), closes) == closes
        assert deadlines.closing_deadline(closes - timedelta(days=181), closes) is None
        assert deadlines.closing_deadline(closes + timedelta(days=1), closes) == closes


@pytest.fixture
def seeded(app, review_world, make):
    """One deadline of each kind around TODAY, for the team's caseworker, and one for another caseworker."""
    turning = make.client(review_world.agency, assigned_caseworker_id=review_world.worker.id,
                          date_of_birth=date(2008, 7, 1), care_status=CareStatus.in_care)
    elsewhere = make.client(review_world.agency, assigned_caseworker_id=review_world.other_worker.id,
                            date_of_birth=date(2008, 7, 2))
    # One open packet per client and type: each packet of the same type has its own client.
    second, third = (make.client(review_world.agency, assigned_caseworker_id=review_world.worker.id)
                     for _ in range(2))
    signing = make.packet(second, owner_id=review_world.worker.id, planned_signing_date=date(2026, 4, 1))
    state_care = make.packet(review_world.client, packet_type="state_care_pr", owner_id=review_world.worker.id)
    submitted = make.packet(third, owner_id=review_world.worker.id, status=PacketStatus.submitted)
    decided = make.packet(review_world.client, owner_id=review_world.worker.id, status=PacketStatus.decided)
    with app.app_context(), session_scope(app) as db:
        db.add(Document(agency_id=review_world.agency.id, packet_id=signing.id, checklist_item="passport",
                        filename="p.pdf", content_type="application/pdf", sha256="a" * 64, storage_key="k1",
                        expires_on=date(2026, 7, 1)))
        db.add(Document(agency_id=review_world.agency.id, packet_id=decided.id, checklist_item="passport",
                        filename="p.pdf", content_type="application/pdf", sha256="b" * 64, storage_key="k2",
                        expires_on=date(2026, 7, 1)))
        db.add(Milestone(agency_id=review_world.agency.id, packet_id=submitted.id,
                         kind=MilestoneKind.documents_requested, occurred_on=date(2026, 6, 1),
                         due_on=date(2026, 6, 10)))
        db.add(Milestone(agency_id=review_world.agency.id, packet_id=submitted.id,
                         kind=MilestoneKind.documents_requested, occurred_on=date(2026, 5, 1),
                         due_on=date(2026, 5, 20), done_on=date(2026, 5, 15)))
    return {"turning": turning, "elsewhere": elsewhere, "signing": signing, "state_care": state_care,
            "submitted": submitted}


def test_caseworker_sees_their_own_deadlines_in_order(app, review_world, seeded, request_context):  # noqa: F811
    with app.app_context(), session_scope(app) as db:
        found = deadlines.deadlines_for(db, user=db.get(User, review_world.worker.id), today=TODAY)
        kinds = [(item.kind, item.due) for item in found]
        december = deadlines.deadlines_for(db, user=db.get(User, review_world.worker.id), today=date(2026, 12, 1))
    # The pathway's closing date shows from 180 days before it.
    assert ("pathway_closes", seeded["state_care"].id) in [(item.kind, item.packet_id) for item in december]
    assert kinds == [
        ("documents_due", date(2026, 6, 10)),  # overdue: first
        ("signature_expires", date(2026, 6, 30)),
        ("document_expires", date(2026, 7, 1)),  # the decided packet's document is not listed
        ("turns_18", date(2026, 7, 1)),
    ]
    assert found[0].urgency(TODAY) == 0 and found[1].urgency(TODAY) == 2


def test_manager_sees_the_agencys_deadlines(app, review_world, seeded, make, request_context):  # noqa: F811
    outsider = make.user(make.agency(), role=Role.manager)
    with app.app_context(), session_scope(app) as db:
        everything = deadlines.deadlines_for(db, user=db.get(User, review_world.manager.id), today=TODAY)
        one = deadlines.deadlines_for(db, user=db.get(User, review_world.manager.id), today=TODAY,
                                      caseworker_id=review_world.other_worker.id)
        other_agency = deadlines.deadlines_for(db, user=db.get(User, outsider.id), today=TODAY)
    assert sum(1 for item in everything if item.kind == "turns_18") == 2
    assert [(item.kind, item.client_id) for item in one] == [("turns_18", seeded["elsewhere"].id)]
    assert other_agency == []
