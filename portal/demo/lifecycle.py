"""Demo packets in every state, with a year of history: reviews, comments, submissions, IRCC news, decisions.

The guided-form steps make a few fully answered packets; this step adds more for the demo clients (answered
with the same plain answers; their documents stayed on paper, so each gate they passed records a manager's
override with that reason) so a manager who signs in sees a living dashboard. Ids are fixed, so running it twice
changes nothing. History rows are written directly, back-dated, as the lifecycle would have written them.
"""
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, select

from portal.demo import citizenship, status_packets
from portal.forms import build_context, get_packet_type
from portal.models import (
    Milestone,
    MilestoneKind,
    Packet,
    PacketApproval,
    PacketEvent,
    PacketStatus,
    ReviewComment,
    Role,
    StatusSpell,
)
from portal.packets import completeness
from portal.packets import language as packet_language
from portal.reporting.monthly_totals import rebuild_monthly_totals

S = PacketStatus
NAMESPACE = uuid.UUID("6f1d3c1e-2b7a-4d5e-9a53-4c1f1d0a2026")
TODAY = date.today()

# (final state, outcome, how many) per agency; decided ones spread over the past year.
PLAN = {
    "peel-cas": [
        (S.draft, None, 5), (S.in_review, None, 4), (S.changes_requested, None, 3), (S.approved, None, 3),
        (S.submitted, None, 8), (S.decided, "approved", 14), (S.decided, "refused", 3), ("returned", None, 3),
        (S.withdrawn, None, 2),
    ],
    "jhs-ccms": [
        (S.draft, None, 2), (S.in_review, None, 2), (S.changes_requested, None, 1), (S.approved, None, 1),
        (S.submitted, None, 4), (S.decided, "approved", 5), (S.decided, "refused", 2), ("returned", None, 1),
        (S.withdrawn, None, 1),
    ],
}
IN_CARE = {"in_care", "extended_society_care", "former_crown_ward"}


def _fitting_types(client) -> list[str]:
    """Packet types that fit the client's situation, so the demo never shows a grant for a citizen."""
    age = (TODAY - client.date_of_birth).days // 365
    status = client.status_in_canada
    if status == "citizen":
        return ["cit_0001"]
    if status == "permanent_resident":
        return (["cit_0403", "pr_card", "cit_0403", "vos"] if age < 18 else ["cit_0002", "pr_card", "cit_0002"])
    if status == "refugee_claimant" or status == "protected_person":
        return ["imm_5710"]
    if client.care_status in IN_CARE:
        return ["state_care_pr", "imm_5710"]
    return ["imm_5710", "hc_pr"]
COMMENTS = [  # "section": one of the packet type's own sections
    ("section", "Check the family name against the passport: the accent is missing."),
    ("general", "The court order copy is the interim one; we need the extended society care order."),
    ("section", "Two dates overlap in this section. Please check them with the youth."),
    ("general", "Photos are more than six months old. Book new citizenship photos."),
    ("section", "Ask the youth whether they want French service."),
]
CHANGE_NOTES = [
    "Q8: the address history has a gap between 2021 and 2022.",
    "Please attach the translated birth certificate and the translator's affidavit.",
    "The signing date is after the youth's 18th birthday: use the adult form.",
]
PAPER_FILE = ("Demo history: this packet was prepared on paper before the agency used Passage. Its documents "
              "and signatures, and any answer listed here, are in the paper file.")
RETURN_REASONS = [
    "Returned as incomplete: outdated form version.",
    "Returned as incomplete: the minor aged 14 to 17 did not sign.",
    "Returned as incomplete: fee receipt missing.",
]


# The answers each history packet was sent with: the same plain answers as the demo's fully answered packets.
BUILDERS = {
    "cit_0403": lambda client: {**citizenship.HADDAD, **citizenship.order_from_file(client)},
    "cit_0002": lambda client: dict(citizenship.OKONKWO),
    "cit_0001": lambda client: {**citizenship.MATEO, **citizenship.order_from_file(client)},
    "pr_card": status_packets.pr_card_answers,
    "vos": status_packets.vos_answers,
    "imm_5710": lambda client: status_packets.imm_5710_answers(client, basis="r206_1_b", ccms=False),
    "state_care_pr": status_packets.state_care_answers,
    "hc_pr": status_packets.hc_answers,
}


def _answers(packet: Packet, client, agency) -> dict:
    """What the client file gives (as starting a packet fills in), then the type's plain answers; the
    client's own UCI where the file has one."""
    packet_type = get_packet_type(packet.packet_type)
    context = build_context(packet=packet, client=client, agency=agency)
    answers = {item.name: value for step in packet_type.steps for item in step.fields
               if item.prefill is not None and (value := item.prefill(context)) not in (None, "")}
    answers.update(BUILDERS[packet.packet_type](client))
    if client.uci and "uci" in answers:
        answers["uci"] = client.uci
    return answers


def _free_pair(clients: list, index: int, taken: set):
    """The next client (from a spread-out starting point) with a fitting packet type they do not have yet."""
    for step in range(len(clients)):
        client = clients[(index * 7 + step) % len(clients)]
        for packet_type in _fitting_types(client):
            if (client.id, packet_type) not in taken:
                return client, packet_type
    client = clients[(index * 7) % len(clients)]
    return client, _fitting_types(client)[0]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UTC)


class _Story:
    """Writes one packet's back-dated history, as lifecycle.transition would have."""

    def __init__(self, session: Session, packet: Packet, worker, manager, start: date):
        self.session, self.packet, self.worker, self.manager = session, packet, worker, manager
        self.entered = _at(start, 9)

    def move(self, day: date, action: str, to_status: str, actor, note: str = "", data: dict | None = None):
        latest = datetime.now(UTC) - timedelta(minutes=5)
        moment = min(max(_at(min(day, TODAY), 11), self.entered + timedelta(hours=1)), latest)
        packet = self.packet
        self.pass_gate(action, moment)
        self.session.add(StatusSpell(agency_id=packet.agency_id, packet_id=packet.id, status=packet.status,
                                     entered_at=self.entered, left_at=moment,
                                     days=(moment - self.entered).total_seconds() / 86400))
        if action in ("reopen", "return"):
            packet.revision += 1
        self.session.add(PacketEvent(agency_id=packet.agency_id, packet_id=packet.id, actor_id=actor.id, kind=action,
                                     from_status=packet.status, to_status=to_status, note=note,
                                     data={"revision": packet.revision, **(data or {})}, created_at=moment))
        if action == "approve":
            self.session.add(PacketApproval(agency_id=packet.agency_id, packet_id=packet.id, revision=packet.revision,
                                            answers=dict(packet.answers), documents=[], approved_by_id=actor.id,
                                            approved_at=moment))
        packet.status = to_status
        packet.status_changed_at = moment
        packet.updated_at = moment
        self.entered = moment

    def pass_gate(self, action: str, moment: datetime) -> None:
        """These packets keep only the names in Passage (their history is the demo's point), so they pass the
        lifecycle's gates as its rules allow: with a manager's override and its reason, recorded."""
        gate = completeness.gate_of(action)
        blocking = completeness.of(self.session, packet=self.packet).blocking(gate) if gate else []
        if not blocking:
            return
        packet = self.packet
        self.session.add(PacketEvent(
            agency_id=packet.agency_id, packet_id=packet.id, actor_id=self.manager.id, kind="override",
            note=PAPER_FILE, created_at=moment - timedelta(seconds=1),
            data={"gate": gate, "count": len(blocking), "revision": packet.revision,
                  "missing": [{"kind": item.kind, "key": item.key, "label": item.label[:200]}
                              for item in blocking[:100]]}))

    def milestone(self, kind: str, day: date, **fields):
        self.session.add(Milestone(agency_id=self.packet.agency_id, packet_id=self.packet.id,
                                   revision=self.packet.revision, kind=kind, occurred_on=day,
                                   recorded_by_id=self.worker.id, created_at=_at(day, 15), **fields))
        if kind not in (MilestoneKind.submitted, MilestoneKind.decision):
            self.session.add(PacketEvent(agency_id=self.packet.agency_id, packet_id=self.packet.id,
                                         actor_id=self.worker.id, kind="milestone", created_at=_at(day, 15),
                                         data={"milestone": kind, "on": day.isoformat()}))

    def comment(self, day: date, target: str, body: str, resolved: bool):
        if target != "general":  # a section of this packet's own type
            target = self.sections[len(body) % len(self.sections)]
        self.session.add(ReviewComment(
            agency_id=self.packet.agency_id, packet_id=self.packet.id, revision=self.packet.revision, target=target,
            target_kind="section",
            body=body, author_id=self.manager.id, created_at=_at(day, 12),
            resolved_at=_at(day + timedelta(days=2), 9) if resolved else None,
            resolved_by_id=self.worker.id if resolved else None,
        ))


def _wait(rng: random.Random, low: int, high: int) -> timedelta:
    """A plausible number of days between two steps."""
    return timedelta(days=rng.randint(low, high))


def _until_approved(story: _Story, final: str, rng: random.Random, index: int) -> date | None:
    """Sent for review, perhaps sent back for changes, approved: the day of approval, or None if it stops sooner."""
    worker, manager = story.worker, story.manager
    day = story.entered.date() + _wait(rng, 5, 25)
    story.move(day, "send", S.in_review, worker)
    if final == S.withdrawn:
        story.move(day + _wait(rng, 3, 20), "withdraw", S.withdrawn, worker, note="The family moved out of province.")
        return None
    if final == S.in_review:
        if index % 2:
            story.comment(day + _wait(rng, 1, 2), *COMMENTS[index % len(COMMENTS)], resolved=False)
        return None
    if final == S.changes_requested or index % 3 == 0:
        story.comment(day + _wait(rng, 1, 3), *COMMENTS[index % len(COMMENTS)],
                      resolved=final != S.changes_requested)
        day += _wait(rng, 2, 6)
        story.move(day, "request_changes", S.changes_requested, manager, note=CHANGE_NOTES[index % len(CHANGE_NOTES)])
        if final == S.changes_requested:
            return None
        day += _wait(rng, 3, 12)
        story.move(day, "send", S.in_review, worker)
    day += _wait(rng, 1, 7)
    story.move(day, "approve", S.approved, manager)
    return day


def _submit(story: _Story, rng: random.Random, index: int, *, approved_on: date) -> date:
    """Sent to IRCC some days after approval: the day IRCC acknowledges it (which may not have come yet)."""
    day = approved_on + _wait(rng, 1, 10)
    mailed = index % 3 != 0
    story.milestone(MilestoneKind.submitted, day, method="mail" if mailed else "online",
                    reference=f"RN{100200300 + index}CA" if mailed else "")
    story.move(day, "submit", S.submitted, story.worker, data={"sent_on": day.isoformat()})
    ack = day + _wait(rng, 20, 45)
    if ack < TODAY:
        story.milestone(MilestoneKind.acknowledged, ack, reference=f"C{700000000 + index * 7919}")
    return ack


def _awaiting_decision(story: _Story, rng: random.Random, index: int, *, ack: date) -> None:
    """IRCC's news on a packet still with them: documents asked for, or a biometrics letter."""
    if index % 2 == 0 and ack < TODAY:
        asked = min(ack + _wait(rng, 10, 40), TODAY - timedelta(days=1))
        due = asked + timedelta(days=30)
        story.milestone(MilestoneKind.documents_requested, asked, due_on=due,
                        note="School records for the last three years.")
    elif ack < TODAY:
        letter = min(ack + _wait(rng, 5, 20), TODAY - timedelta(days=1))
        story.milestone(MilestoneKind.biometrics, letter, due_on=letter + timedelta(days=25))


def _decide(story: _Story, final: str, outcome, index: int, *, ack: date) -> None:
    """IRCC's decision, or the packet returned as incomplete."""
    worker = story.worker
    decided = story.decided_on
    if final == "returned":
        story.milestone(MilestoneKind.decision, decided, outcome="returned", note=RETURN_REASONS[index % 3])
        story.move(decided, "return", S.draft, worker, note=RETURN_REASONS[index % 3],
                   data={"outcome": "returned", "decided_on": decided.isoformat()})
        story.packet.outcome = "returned"
        return
    if index % 4 == 0 and ack < decided:
        story.milestone(MilestoneKind.interview, ack + (decided - ack) // 2, due_on=ack + (decided - ack) // 2)
    story.milestone(MilestoneKind.decision, decided, outcome=outcome)
    story.move(decided, "decide", S.decided, worker, data={"outcome": outcome, "decided_on": decided.isoformat()})
    story.packet.outcome = outcome


def _tell(story: _Story, final: str, outcome, rng: random.Random, index: int) -> None:
    """Walk the packet from draft to its final state on plausible dates, ending before today."""
    if final == S.draft:
        return
    approved_on = _until_approved(story, final, rng, index)
    if approved_on is None or final == S.approved:
        return
    ack = _submit(story, rng, index, approved_on=approved_on)
    if final == S.submitted:
        _awaiting_decision(story, rng, index, ack=ack)
        return
    _decide(story, final, outcome, index, ack=ack)


def seed(session: Session, context: dict) -> None:
    agencies, users, clients = context["agencies"], context["users"], context["clients"]
    rng = random.Random(2026)
    for slug, plan in PLAN.items():
        agency = agencies[slug]
        manager = next(user for user in users.values() if user.agency_id == agency.id and user.role == Role.manager)
        staff = {user.id: user for user in users.values() if user.agency_id == agency.id}
        agency_clients = sorted((client for client in clients.values() if client.agency_id == agency.id),
                                key=lambda client: str(client.date_of_birth))
        index = 0
        # One packet per client and type, counting those the earlier demo steps made.
        taken = set(session.exec(select(Packet.client_id, Packet.packet_type)
                                 .where(Packet.agency_id == agency.id)).all())
        for final, outcome, count in plan:
            for _ in range(count):
                index += 1
                packet_id = uuid.uuid5(NAMESPACE, f"{slug}-{index}")
                if session.get(Packet, packet_id) is not None:
                    continue
                client, packet_type = _free_pair(agency_clients, index, taken)
                taken.add((client.id, packet_type))
                worker = staff.get(client.assigned_caseworker_id, manager)
                if final in (S.decided, "returned"):
                    decided_on = TODAY - timedelta(days=rng.randint(5, 360))
                    start = decided_on - timedelta(days=rng.randint(120, 330))
                elif final == S.submitted:
                    start, decided_on = TODAY - timedelta(days=rng.randint(60, 240)), None
                else:
                    start, decided_on = TODAY - timedelta(days=rng.randint(8, 70)), None
                packet = Packet(
                    id=packet_id, agency_id=agency.id, client_id=client.id, packet_type=packet_type,
                    answers={}, owner_id=worker.id, created_by_id=worker.id, created_at=_at(start, 9),
                    updated_at=_at(start, 9),
                    status_changed_at=_at(start, 9),
                    planned_signing_date=TODAY - timedelta(days=75) if final == S.approved and index % 2 else None,
                    language=packet_language.from_client(client.preferred_language),
                )
                packet.answers = _answers(packet, client, agency)
                session.add(packet)
                session.flush()
                story = _Story(session, packet, worker, manager, start)
                story.decided_on = decided_on
                story.sections = [step.key for step in get_packet_type(packet_type).steps]
                _tell(story, final, outcome, rng, index)
                session.add(packet)
                session.flush()
        rebuild_monthly_totals(session, agency_id=agency.id)  # the stays above were written directly
