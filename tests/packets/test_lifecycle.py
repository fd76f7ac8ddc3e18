"""The packet's lifecycle: every transition, allowed and refused, by role; self-approval; history."""
import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import (
    Agency,
    AuditEvent,
    OutcomeMonth,
    Packet,
    PacketApproval,
    PacketEvent,
    PacketStatus,
    Role,
    StateTimeMonth,
    StatusSpell,
    User,
)
from portal.packets import lifecycle
from portal.packets.lifecycle import TransitionError, transition
from portal.reporting import monthly_totals
from tests.support.records import complete_packet

pytestmark = pytest.mark.usefixtures("request_context")

S = PacketStatus


@pytest.fixture(autouse=True)
def complete_review_world(app, request):
    """The gates let only complete packets move on: the review world's packet has every answer, document
    and signature (tests that take it away say so)."""
    if "review_world" in request.fixturenames:
        complete_packet(app, request.getfixturevalue("review_world").packet, sign=True)


def load(db, review_world):
    return (db.get(Packet, review_world.packet.id), db.get(User, review_world.manager.id),
            db.get(User, review_world.worker.id), db.get(User, review_world.other_worker.id),
            db.get(Agency, review_world.agency.id))


def at(db, packet, status):
    packet.status = status
    db.add(packet)
    db.flush()
    return packet


# (from, to, who, extra) for every transition that exists, and who may make it.
ALLOWED = [
    (S.draft, S.in_review, "worker", {}),
    (S.draft, S.in_review, "manager", {}),
    (S.changes_requested, S.in_review, "worker", {}),
    (S.in_review, S.draft, "worker", {}),
    (S.in_review, S.changes_requested, "manager", {"note": "Q8 is blank"}),
    (S.in_review, S.approved, "manager", {}),
    (S.approved, S.draft, "worker", {}),
    (S.approved, S.submitted, "worker", {}),
    (S.submitted, S.decided, "worker", {"data": {"outcome": "approved"}}),
    (S.submitted, S.decided, "manager", {"data": {"outcome": "refused"}}),
    (S.submitted, S.draft, "worker", {"note": "Missing photos"}),
    (S.draft, S.withdrawn, "worker", {}),
    (S.in_review, S.withdrawn, "manager", {}),
    (S.changes_requested, S.withdrawn, "worker", {}),
    (S.approved, S.withdrawn, "worker", {}),
    (S.submitted, S.withdrawn, "worker", {}),
    (S.withdrawn, S.draft, "manager", {}),
]


@pytest.mark.parametrize("from_status, to_status, who, extra", ALLOWED)
def test_allowed_transitions(db, review_world, from_status, to_status, who, extra):
    packet, manager, worker, _other, _agency = load(db, review_world)
    at(db, packet, from_status)
    actor = {"manager": manager, "worker": worker}[who]
    event = transition(db, packet=packet, to_status=to_status, user=actor, **extra)
    assert packet.status == to_status
    assert (event.from_status, event.to_status, event.actor_id) == (from_status, to_status, actor.id)
    audit = db.exec(select(AuditEvent).where(AuditEvent.action == "packet.transition")).all()
    assert audit[-1].record_id == str(packet.id) and from_status in audit[-1].detail
    spell = db.exec(select(StatusSpell).where(StatusSpell.packet_id == packet.id)).one()
    assert spell.status == from_status
    month = db.exec(select(StateTimeMonth).where(StateTimeMonth.agency_id == packet.agency_id)).one()
    assert (month.status, month.stays) == (from_status, 1)


def test_every_transition_is_tested():
    assert set(lifecycle.MOVES) == {(from_status, to_status) for from_status, to_status, _who, _extra in ALLOWED}


REFUSED = [
    # (from, to, who, words in the message)
    (S.in_review, S.approved, "worker", "Only a manager"),
    (S.in_review, S.changes_requested, "worker", "Only a manager"),
    (S.withdrawn, S.draft, "worker", "Only a manager can restore"),
    (S.draft, S.approved, "manager", "cannot be moved"),
    (S.draft, S.submitted, "worker", "cannot be moved"),
    (S.decided, S.draft, "manager", "cannot be moved"),
    (S.decided, S.withdrawn, "manager", "cannot be moved"),
    (S.changes_requested, S.approved, "manager", "cannot be moved"),
    (S.draft, S.in_review, "youth", "Only staff"),
    (S.draft, S.in_review, "admin", "Only staff"),
    (S.draft, S.in_review, "stranger", "Only staff"),
]


@pytest.mark.parametrize("from_status, to_status, who, words", REFUSED)
def test_refused_transitions(app, review_world, make, from_status, to_status, who, words):
    extra = {
        "youth": lambda: make.user(review_world.agency, role=Role.youth),
        "admin": lambda: make.user(review_world.agency, role=Role.admin),
        "stranger": lambda: make.user(make.agency(), role=Role.manager),
    }
    outsider = extra[who]() if who in extra else None
    with app.app_context(), session_scope(app) as db:
        _refused(db, review_world, outsider, from_status, to_status, who, words)


def _refused(db, review_world, outsider, from_status, to_status, who, words):
    packet, manager, worker, _other, _agency = load(db, review_world)
    at(db, packet, from_status)
    actors = {"manager": manager, "worker": worker}
    if outsider is not None:
        actors[who] = outsider
    with pytest.raises(TransitionError, match=words):
        transition(db, packet=packet, to_status=to_status, user=actors[who], note="x", data={"outcome": "approved"})
    assert packet.status == from_status
    assert db.exec(select(PacketEvent).where(PacketEvent.packet_id == packet.id)).first() is None


def test_request_changes_and_return_need_a_note(db, review_world):
    packet, manager, worker, _other, _agency = load(db, review_world)
    at(db, packet, S.in_review)
    with pytest.raises(TransitionError, match="short note"):
        transition(db, packet=packet, to_status=S.changes_requested, user=manager, note="  ")
    at(db, packet, S.submitted)
    with pytest.raises(TransitionError, match="short note"):
        transition(db, packet=packet, to_status=S.draft, user=worker)


def test_decision_needs_an_outcome(db, review_world):
    packet, _manager, worker, _other, _agency = load(db, review_world)
    at(db, packet, S.submitted)
    with pytest.raises(TransitionError, match="approved or refused"):
        transition(db, packet=packet, to_status=S.decided, user=worker, data={"outcome": "maybe"})
    transition(db, packet=packet, to_status=S.decided, user=worker, data={"outcome": "refused",
                                                                           "decided_on": "2026-03-04"})
    assert packet.outcome == "refused"
    total = db.exec(select(OutcomeMonth)).one()
    assert (total.month, total.outcome, total.packet_type, total.owner, total.decisions) == (
        "2026-03", "refused", "cit_0403", worker.id.hex, 1)


def test_caseworker_approves_only_when_agency_allows_and_not_their_own(db, review_world):
    packet, _manager, worker, other, agency = load(db, review_world)
    at(db, packet, S.in_review)
    with pytest.raises(TransitionError, match="Only a manager"):
        transition(db, packet=packet, to_status=S.approved, user=other)
    agency.caseworkers_may_approve = True
    db.add(agency)
    with pytest.raises(TransitionError, match="someone else needs to approve"):
        transition(db, packet=packet, to_status=S.approved, user=worker)
    transition(db, packet=packet, to_status=S.approved, user=other)
    assert packet.status == S.approved


@pytest.mark.parametrize("relation", ["owner", "creator", "editor"])
def test_nobody_approves_their_own_packet(db, review_world, relation):
    packet, manager, _worker, _other, agency = load(db, review_world)
    if relation == "owner":
        packet.owner_id = manager.id
    elif relation == "creator":
        packet.created_by_id = manager.id
    else:
        lifecycle.record_contribution(db, packet=packet, user=manager)
    at(db, packet, S.in_review)
    with pytest.raises(TransitionError, match="someone else needs to approve"):
        transition(db, packet=packet, to_status=S.approved, user=manager)
    agency.self_approval_allowed = True
    db.add(agency)
    transition(db, packet=packet, to_status=S.approved, user=manager)
    assert packet.status == S.approved


def test_an_edit_in_an_earlier_revision_does_not_count_as_own(db, review_world):
    packet, manager, _worker, _other, _agency = load(db, review_world)
    lifecycle.record_contribution(db, packet=packet, user=manager)
    packet.revision = 2
    at(db, packet, S.in_review)
    transition(db, packet=packet, to_status=S.approved, user=manager)


def test_approval_freezes_a_snapshot(db, review_world):
    packet, manager, _worker, _other, _agency = load(db, review_world)
    at(db, packet, S.in_review)
    answers = dict(packet.answers)
    transition(db, packet=packet, to_status=S.approved, user=manager)
    approval = db.exec(select(PacketApproval).where(PacketApproval.packet_id == packet.id)).one()
    assert approval.answers == answers and approval.answers["family_name"] == "Haddad"
    assert approval.revision == 1 and approval.approved_by_id == manager.id


def test_changing_an_approved_packet_starts_a_new_revision(db, review_world):
    packet, manager, worker, _other, _agency = load(db, review_world)
    at(db, packet, S.in_review)
    transition(db, packet=packet, to_status=S.approved, user=manager)
    packet.answers = {"family_name": "Haddad-Smith"}
    lifecycle.answers_changed(db, packet=packet, changed={"family_name"}, user=worker)
    assert (packet.status, packet.revision) == (S.draft, 2)
    event = db.exec(select(PacketEvent).where(PacketEvent.kind == "new_revision")).one()
    assert event.data["fields"] == ["family_name"] and event.from_status == S.approved
    # An edit to a draft changes nothing but who counts as its editor.
    lifecycle.answers_changed(db, packet=packet, changed={"family_name"}, user=manager)
    assert (packet.status, packet.revision) == (S.draft, 2)
    assert lifecycle.is_own(db, packet=packet, user=manager)


def test_returned_goes_back_to_draft_keeping_history(db, review_world):
    packet, manager, worker, _other, _agency = load(db, review_world)
    at(db, packet, S.draft)
    transition(db, packet=packet, to_status=S.in_review, user=worker)
    transition(db, packet=packet, to_status=S.approved, user=manager)
    transition(db, packet=packet, to_status=S.submitted, user=worker)
    transition(db, packet=packet, to_status=S.draft, user=worker, note="Photos missing")
    assert (packet.status, packet.outcome, packet.revision) == (S.draft, "returned", 2)
    kinds = [event.kind for event in db.exec(select(PacketEvent).order_by(PacketEvent.created_at)).all()]
    assert kinds == ["send", "approve", "submit", "return"]
    returned = db.exec(select(PacketEvent).where(PacketEvent.kind == "return")).one()
    assert returned.note == "Photos missing"


def test_allowed_moves_lists_buttons_for_the_user(db, review_world):
    packet, manager, worker, _other, _agency = load(db, review_world)
    at(db, packet, S.in_review)
    worker_moves = [to for to, _move in lifecycle.allowed_moves(db, packet=packet, user=worker)]
    manager_moves = [to for to, _move in lifecycle.allowed_moves(db, packet=packet, user=manager)]
    assert worker_moves == [S.draft, S.withdrawn]
    assert manager_moves == [S.draft, S.changes_requested, S.approved, S.withdrawn]


def test_is_editable():
    assert lifecycle.is_editable(Packet(status=S.draft))
    assert lifecycle.is_editable(Packet(status=S.approved))
    assert not lifecycle.is_editable(Packet(status=S.in_review))
    assert not lifecycle.is_editable(Packet(status=S.submitted))


def test_monthly_totals_add_up_and_rebuild(db, review_world):
    packet, manager, worker, _other, _agency = load(db, review_world)
    transition(db, packet=packet, to_status=S.in_review, user=worker)
    transition(db, packet=packet, to_status=S.draft, user=worker)
    transition(db, packet=packet, to_status=S.in_review, user=worker)
    totals = {row.status: row.stays for row in db.exec(select(StateTimeMonth)).all()}
    assert totals == {S.draft: 2, S.in_review: 1}
    monthly_totals.rebuild_monthly_totals(db, agency_id=packet.agency_id)
    assert {row.status: row.stays for row in db.exec(select(StateTimeMonth)).all()} == totals
