"""The packet's lifecycle: one place owns every transition and who may make it.

draft → in_review → changes_requested → in_review → approved → submitted → decided, plus withdrawn.
A packet returned as incomplete goes from submitted back to draft, with the reason, as a new revision.

Who may approve: a manager, or a caseworker when the agency allows it; and never someone whose
own packet it is, unless the agency allows self-approval. "Own" means the packet's owner, the
person who created it, or anyone who changed its answers in the revision being approved.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from portal import audit
from portal.i18n import lazy_gettext as _l
from portal.models import (
    Agency,
    Client,
    Document,
    Packet,
    PacketApproval,
    PacketContributor,
    PacketEvent,
    PacketStatus,
    Role,
    StatusSpell,
    User,
    utcnow,
)
from portal.packets import completeness
from portal.packets.editable import EDITABLE_STATUSES, is_editable  # noqa: F401 - callers read them here too
from portal.reporting.monthly_totals import add_outcome, add_state_time

S = PacketStatus

OUTCOMES = ("approved", "refused", "returned")


class TransitionError(Exception):
    """A transition this user may not make now; the message is plain and says why."""


class GateRefused(TransitionError):
    """The packet is not complete enough for this move: `missing` lists what blocks it."""

    def __init__(self, gate: str, missing: list, *, may_override: bool):
        self.gate, self.missing, self.may_override = gate, missing, may_override
        super().__init__(_l("This can't be done yet: %(num)s things are still missing. They are listed below.",
                            num=len(missing)))


@dataclass(frozen=True)
class Move:
    action: str  # send, recall, request_changes, approve, reopen, submit, decide, return, withdraw, restore
    label: str  # the button's words
    needs_note: bool = False


# (from, to) → the move; anything not listed is not a transition.
MOVES: dict[tuple[str, str], Move] = {
    (S.draft, S.in_review): Move("send", _l("Send for review")),
    (S.changes_requested, S.in_review): Move("send", _l("Send back for review")),
    (S.in_review, S.draft): Move("recall", _l("Take back to draft")),
    (S.in_review, S.changes_requested): Move("request_changes", _l("Request changes"), needs_note=True),
    (S.in_review, S.approved): Move("approve", _l("Approve")),
    (S.approved, S.draft): Move("reopen", _l("Reopen for changes")),
    (S.approved, S.submitted): Move("submit", _l("Record submission")),
    (S.submitted, S.decided): Move("decide", _l("Record decision")),
    (S.submitted, S.draft): Move("return", _l("Returned as incomplete"), needs_note=True),
    (S.withdrawn, S.draft): Move("restore", _l("Restore to draft")),
}
for _status in (S.draft, S.in_review, S.changes_requested, S.approved, S.submitted):
    MOVES[(_status, S.withdrawn)] = Move("withdraw", _l("Withdraw"))

# Moves that carry their own form (dates, outcome) instead of a plain button.
MOVES_WITH_FORMS = {"submit", "decide", "return"}

STATUS_LABELS = {
    S.draft: _l("Draft"),
    S.in_review: _l("In review"),
    S.changes_requested: _l("Changes requested"),
    S.approved: _l("Approved"),
    S.submitted: _l("Submitted"),
    S.decided: _l("Decided"),
    S.withdrawn: _l("Withdrawn"),
}
OUTCOME_LABELS = {
    "approved": _l("Approved by IRCC"),
    "refused": _l("Refused"),
    "returned": _l("Returned as incomplete"),
}


def is_approver(user: User, agency: Agency) -> bool:
    return user.role == Role.manager or (user.role == Role.caseworker and agency.caseworkers_may_approve)


def is_own(session: Session, *, packet: Packet, user: User) -> bool:
    if user.id in (packet.owner_id, packet.created_by_id):
        return True
    contributed = select(PacketContributor.id).where(
        PacketContributor.packet_id == packet.id,
        PacketContributor.revision == packet.revision,
        PacketContributor.user_id == user.id,
    )
    return session.exec(contributed).first() is not None


def refusal(session: Session, *, packet: Packet, to_status: str, user: User) -> str | None:
    """Why this user may not move this packet to to_status now, or None when they may."""
    move = MOVES.get((packet.status, to_status))
    if move is None:
        return _l("A packet that is “%(now)s” cannot be moved to “%(to)s”.",
                      now=STATUS_LABELS.get(packet.status, packet.status), to=STATUS_LABELS.get(to_status, to_status))
    if user.agency_id != packet.agency_id or user.role not in (Role.manager, Role.caseworker):
        return _l("Only staff of the packet's agency can change where it stands.")
    agency = session.get(Agency, packet.agency_id)
    if move.action in ("request_changes", "approve") and not is_approver(user, agency):
        return _l("Only a manager can review packets in your agency.")
    if move.action == "approve" and not agency.self_approval_allowed and is_own(session, packet=packet, user=user):
        return _l("You worked on this packet, so someone else needs to approve it.")
    if move.action == "restore" and user.role != Role.manager:
        return _l("Only a manager can restore a withdrawn packet.")
    return None


def allowed_moves(session: Session, *, packet: Packet, user: User) -> list[tuple[str, Move]]:
    """(to_status, move) for every transition this user may make now, in the lifecycle's order."""
    order = list(S)
    moves = [
        (to_status, move)
        for (from_status, to_status), move in MOVES.items()
        if from_status == packet.status and refusal(session, packet=packet, to_status=to_status, user=user) is None
    ]
    return sorted(moves, key=lambda item: (item[0] == S.withdrawn, order.index(item[0])))


def may_override(user: User, gate: str) -> bool:
    return user.role == Role.manager and gate in completeness.OVERRIDABLE


def _check_gate(session: Session, *, packet: Packet, action: str, user: User, override_reason: str) -> dict | None:
    """None when nothing blocks the move; the override to record when a manager passes anyway; else GateRefused."""
    gate = completeness.gate_of(action)
    if gate is None:
        return None
    blocking = completeness.of(session, packet=packet).blocking(gate)
    if not blocking:
        return None
    allowed = may_override(user, gate)
    if not (override_reason and allowed):
        raise GateRefused(gate, blocking, may_override=allowed)
    return {"gate": gate, "reason": override_reason[:2000],
            "missing": [{"kind": item.kind, "key": item.key, "label": item.label[:200]} for item in blocking[:100]],
            "count": len(blocking)}


def transition(session: Session, *, packet: Packet, to_status: str, user: User, note: str = "",
               data: dict | None = None, override_reason: str = "") -> PacketEvent:
    """Move the packet, or raise TransitionError saying why not. Flushes; the caller commits.

    A move through a gate (completeness.GATES) is refused while something blocks it, unless a manager
    gives `override_reason`: the override is then kept in the history and the audit log."""
    to_status = str(to_status)
    reason = refusal(session, packet=packet, to_status=to_status, user=user)
    if reason:
        raise TransitionError(reason)
    move = MOVES[(packet.status, to_status)]
    note = (note or "").strip()
    if move.needs_note and not note:
        raise TransitionError(_l("Please write a short note saying what needs to change."))
    data = dict(data or {})
    if move.action == "decide" and data.get("outcome") not in ("approved", "refused"):
        raise TransitionError(_l("Please choose the decision: approved or refused."))
    override = _check_gate(session, packet=packet, action=move.action, user=user,
                           override_reason=" ".join((override_reason or "").split()))
    return _apply(session, packet=packet, to_status=to_status, user=user, note=note, data=data, action=move.action,
                  override=override)


def _apply(session: Session, *, packet: Packet, to_status: str, user: User | None, note: str, data: dict,
           action: str, override: dict | None = None) -> PacketEvent:
    now = utcnow()
    from_status = packet.status
    _move(session, packet=packet, from_status=from_status, to_status=to_status, now=now)
    entered = packet.status_changed_at
    if entered.tzinfo is None:
        entered = entered.replace(tzinfo=now.tzinfo)
    days = max((now - entered).total_seconds(), 0) / 86400
    session.add(StatusSpell(agency_id=packet.agency_id, packet_id=packet.id, status=from_status, entered_at=entered,
                            left_at=now, days=days))
    owner = packet.owner_id.hex if packet.owner_id else ""
    add_state_time(session, agency_id=packet.agency_id, month=now.strftime("%Y-%m"), status=from_status,
                   packet_type=packet.packet_type, owner=owner, stays=1, days=days)
    if action in ("decide", "return"):
        packet.outcome = data["outcome"] if action == "decide" else "returned"
        decided_on = str(data.get("decided_on") or now.date().isoformat())
        add_outcome(session, agency_id=packet.agency_id, month=decided_on[:7], outcome=packet.outcome,
                    packet_type=packet.packet_type, owner=packet.owner_id.hex if packet.owner_id else "")
    elif to_status in (S.in_review, S.submitted):
        packet.outcome = None
    if action in ("reopen", "return", "new_revision"):
        packet.revision += 1
    data.setdefault("revision", packet.revision)
    packet.status = to_status
    packet.status_changed_at = now
    packet.updated_at = now
    session.add(packet)
    event = PacketEvent(
        agency_id=packet.agency_id, packet_id=packet.id, actor_id=user.id if user else None, kind=action,
        from_status=from_status, to_status=to_status, note=note[:2000], data=data, created_at=now,
    )
    session.add(event)
    if override is not None:
        _record_override(session, packet=packet, user=user, override=override, at=now)
    if action == "approve":
        _freeze(session, packet=packet, user=user, at=now)
    audit.record(
        session, action="packet.transition", user=user, agency_id=packet.agency_id, record_type="packet",
        record_id=packet.id, detail=f"{action} {from_status}->{to_status} revision={packet.revision}",
    )
    session.flush()
    return event


def _move(session: Session, *, packet: Packet, from_status: str, to_status: str, now) -> None:
    """Change the status only if it is still the one this request saw: one conditional UPDATE, so of two
    reviewers pressing "Approve" at once exactly one approves (the other waits, then is told)."""
    moved = session.execute(
        update(Packet).where(Packet.id == packet.id, Packet.status == from_status)
        .values(status=to_status).execution_options(synchronize_session=False)
    ).rowcount
    if not moved:
        raise TransitionError(_l("Someone else changed where this packet stands a moment ago. "
                                 "Please look at it again."))


def _record_override(session: Session, *, packet: Packet, user: User, override: dict, at) -> PacketEvent:
    """A manager passed a gate with something missing: the reason and the list stay in the packet's history."""
    event = PacketEvent(
        agency_id=packet.agency_id, packet_id=packet.id, actor_id=user.id, kind="override", note=override["reason"],
        data={key: override[key] for key in ("gate", "missing", "count")} | {"revision": packet.revision},
        created_at=at,
    )
    session.add(event)
    # The audit detail holds codes only: the reason, in the manager's words, stays in the history.
    audit.record(session, action="packet.gate_override", user=user, agency_id=packet.agency_id, record_type="packet",
                 record_id=packet.id, detail=f"gate={override['gate']} missing={override['count']} "
                                             f"revision={packet.revision}")
    return event


def overrides(session: Session, *, packet: Packet) -> list[PacketEvent]:
    """Every gate a manager passed with something missing, newest first."""
    return list(session.exec(select(PacketEvent).where(PacketEvent.packet_id == packet.id,
                                                       PacketEvent.kind == "override")
                             .order_by(PacketEvent.created_at.desc())))


def agency_overrides(session: Session, *, agency_id, limit: int = 20) -> list[tuple[PacketEvent, str, str]]:
    """The agency's latest overrides, for its managers: (event, client's name, the manager's name)."""
    statement = (
        select(PacketEvent, Client.given_names, Client.family_name, User.name)
        .join(Packet, Packet.id == PacketEvent.packet_id).join(Client, Client.id == Packet.client_id)
        .join(User, User.id == PacketEvent.actor_id, isouter=True)
        .where(PacketEvent.agency_id == agency_id, Packet.agency_id == agency_id, PacketEvent.kind == "override")
        .order_by(PacketEvent.created_at.desc()).limit(limit)
    )
    return [(event, f"{given} {family}".strip(), actor or "")
            for event, given, family, actor in session.exec(statement)]


def _freeze(session: Session, *, packet: Packet, user: User, at) -> PacketApproval:
    documents = session.exec(
        select(Document).where(Document.packet_id == packet.id).order_by(Document.checklist_item, Document.position)
    ).all()
    approval = PacketApproval(
        agency_id=packet.agency_id, packet_id=packet.id, revision=packet.revision, answers=dict(packet.answers or {}),
        documents=[
            {"id": str(doc.id), "checklist_item": doc.checklist_item, "filename": doc.filename, "sha256": doc.sha256}
            for doc in documents
        ],
        approved_by_id=user.id, approved_at=at,
    )
    session.add(approval)
    return approval


CONTRIBUTION_GRAIN = timedelta(minutes=1)


def record_contribution(session: Session, *, packet: Packet, user: User) -> None:
    """Remember that this user changed the answers of the packet's current revision."""
    row = session.exec(select(PacketContributor).where(
        PacketContributor.packet_id == packet.id, PacketContributor.revision == packet.revision,
        PacketContributor.user_id == user.id,
    )).first()
    now = utcnow()
    if row is None:
        row = PacketContributor(agency_id=packet.agency_id, packet_id=packet.id, revision=packet.revision,
                                user_id=user.id)
    elif now - row.last_at.replace(tzinfo=row.last_at.tzinfo or now.tzinfo) < CONTRIBUTION_GRAIN:
        return  # saved moments ago: one write a minute is precise enough, and spares every save a write
    row.last_at = now
    session.add(row)


def answers_changed(session: Session, *, packet: Packet, changed: set, user: User) -> None:
    """Called after every save of answers: a change to an approved packet starts a new revision."""
    if not changed:
        return
    if packet.status == S.approved:
        _apply(session, packet=packet, to_status=S.draft, user=user, note="",
               data={"fields": sorted(changed)[:50]}, action="new_revision")
    record_contribution(session, packet=packet, user=user)
    session.flush()

