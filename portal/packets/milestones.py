"""Sending a packet to IRCC, and IRCC's answers after: acknowledgement, biometrics, interview, requests, decision."""
from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from portal import audit, validation
from portal.i18n import lazy_gettext as _l
from portal.models import Milestone, MilestoneKind, Packet, PacketEvent, PacketStatus, User
from portal.packets import lifecycle
from portal.packets.approvals import last_approval
from portal.validation import FormInvalid

SUBMISSION_METHODS = [
    ("online", _l("IRCC online portal")),
    ("mail", _l("Mail, with a tracking number")),
    ("courier", _l("Courier, with a tracking number")),
    ("in_person", _l("Delivered in person")),
]


MILESTONE_KINDS = [
    (MilestoneKind.acknowledged, _l("Acknowledgement of receipt")),
    (MilestoneKind.biometrics, _l("Biometrics request")),
    (MilestoneKind.interview, _l("Interview or test")),
    (MilestoneKind.documents_requested, _l("Request for more documents")),
    (MilestoneKind.decision, _l("Decision")),
]


MILESTONE_LABELS = dict(MILESTONE_KINDS) | {MilestoneKind.submitted: _l("Sent to IRCC")}


DECISIONS = [("approved", _l("Approved")), ("refused", _l("Refused")), ("returned", _l("Returned as incomplete"))]


def submission(session: Session, *, packet: Packet) -> Milestone | None:
    return session.exec(
        select(Milestone).where(Milestone.packet_id == packet.id, Milestone.kind == MilestoneKind.submitted)
        .order_by(Milestone.occurred_on.desc(), Milestone.created_at.desc())
    ).first()


def all_for(session: Session, *, packet: Packet) -> list[Milestone]:
    return session.exec(
        select(Milestone).where(Milestone.packet_id == packet.id).order_by(Milestone.occurred_on, Milestone.created_at)
    ).all()


def _date_field(errors: dict, form: dict, name: str, *, required: bool, past: bool, today: date,
                earliest: date | None = None, earliest_message=None) -> date | None:
    value, error = validation.a_date(form.get(name, ""), required=required, past=past, today=today,
                                     earliest=date(2000, 1, 1))
    if error:
        errors[name] = error
        return None
    if value is not None and earliest is not None and value < earliest:
        errors[name] = earliest_message
        return None
    return value


def record_submission(session: Session, *, packet: Packet, user: User, form: dict,
                      today: date | None = None, attachment: dict | None = None) -> Milestone:
    """The caseworker sent the approved packet: when and how (online: the confirmation number, and the
    acknowledgement IRCC gave, already checked and stored: {"key", "name", "type"}). Moves it to submitted."""
    today = today or date.today()
    values = {key: str(form.get(key, "")) for key in ("sent_on", "method", "reference", "note")}
    errors: dict = {}
    approval = last_approval(session, packet=packet)
    approved_on = approval.approved_at.date() if approval else None
    sent_on = _date_field(errors, form, "sent_on", required=True, past=True, today=today, earliest=approved_on,
                          earliest_message=_l("The packet was approved on %(day)s; "
                                              "it cannot have been sent before that.", day=approved_on))
    method, error = validation.choice(form.get("method", ""), [key for key, _label in SUBMISSION_METHODS],
                                      required=True)
    if error:
        errors["method"] = error
    reference, error = validation.text(form.get("reference", ""), max_length=60)
    if error:
        errors["reference"] = error
    elif method in ("mail", "courier") and not reference:
        errors["reference"] = _l("Please enter the tracking number, so the packet can be traced.")
    elif method == "online" and not reference:
        errors["reference"] = _l("Please enter the confirmation number IRCC showed when you submitted online.")
    note, error = validation.text(form.get("note", ""), max_length=2000, multiline=True)
    if error:
        errors["note"] = error
    reason = lifecycle.refusal(session, packet=packet, to_status=PacketStatus.submitted, user=user)
    if reason and not errors:
        errors["sent_on"] = reason
    if errors:
        raise FormInvalid(errors, values)
    milestone = Milestone(
        agency_id=packet.agency_id, packet_id=packet.id, revision=packet.revision, kind=MilestoneKind.submitted,
        occurred_on=sent_on, method=method, reference=reference, note=note, recorded_by_id=user.id,
    )
    attach_acknowledgement(milestone, attachment)
    session.add(milestone)
    _move(session, packet=packet, to_status=PacketStatus.submitted, user=user, note=note, values=values,
          field="sent_on", data={"sent_on": sent_on.isoformat(), "method": method, "reference": reference,
                                 "acknowledgement": bool(attachment)},
          override_reason=str(form.get("override_reason", ""))[:2000])
    return milestone


def attach_acknowledgement(milestone: Milestone, attachment: dict | None) -> None:
    """IRCC's acknowledgement (AOR or online confirmation page) on the submission; the caller stores the file."""
    if attachment:
        milestone.attachment_key = attachment["key"]
        milestone.attachment_name = attachment["name"]
        milestone.attachment_type = attachment["type"]


def add_acknowledgement(session: Session, *, packet: Packet, user: User, attachment: dict) -> str | None:
    """IRCC's acknowledgement, uploaded after the submission was recorded; returns the storage key of the one it
    replaced (the caller deletes that file once this is committed). Caller commits."""
    sent = submission(session, packet=packet)
    if sent is None:
        raise FormInvalid({"acknowledgement": _l("Record the submission first, then add IRCC's acknowledgement.")})
    previous = sent.attachment_key
    attach_acknowledgement(sent, attachment)
    session.add(sent)
    session.add(PacketEvent(agency_id=packet.agency_id, packet_id=packet.id, actor_id=user.id, kind="milestone",
                            data={"milestone": "acknowledgement_uploaded"}))
    audit.record(session, action="packet.acknowledgement", user=user, record_type="packet", record_id=packet.id)
    session.flush()
    return previous


def record_milestone(session: Session, *, packet: Packet, user: User, form: dict,
                     today: date | None = None) -> Milestone:
    """One of IRCC's answers after submission. A decision moves the packet (returned: back to draft)."""
    today = today or date.today()
    keys = ("kind", "occurred_on", "due_on", "reference", "outcome", "note")
    values = {key: str(form.get(key, "")) for key in keys}
    errors: dict = {}
    kind, error = validation.choice(form.get("kind", ""), [key for key, _label in MILESTONE_KINDS], required=True)
    if error:
        errors["kind"] = error
    if packet.status != PacketStatus.submitted:
        errors["kind"] = _l("IRCC's answers can be recorded once the packet has been submitted.")
    sent = submission(session, packet=packet)
    sent_on = sent.occurred_on if sent else None
    occurred_on = _date_field(errors, form, "occurred_on", required=True, past=True, today=today, earliest=sent_on,
                              earliest_message=_l("The packet was sent on %(day)s; IRCC's letter cannot be older.",
                                                  day=sent_on))
    needs_due = kind in (MilestoneKind.documents_requested, MilestoneKind.interview)
    due_on = _date_field(errors, form, "due_on", required=needs_due, past=False, today=today,
                         earliest=occurred_on, earliest_message=_l("This date must be on or after the letter's date."))
    reference, error = validation.text(form.get("reference", ""), max_length=60)
    if error:
        errors["reference"] = error
    elif kind == MilestoneKind.acknowledged and not reference:
        errors["reference"] = _l("Please enter the application number from IRCC's acknowledgement.")
    note, error = validation.text(form.get("note", ""), max_length=2000, multiline=True)
    if error:
        errors["note"] = error
    outcome = None
    if kind == MilestoneKind.decision:
        outcome, error = validation.choice(form.get("outcome", ""), [key for key, _label in DECISIONS], required=True)
        if error:
            errors["outcome"] = error
        elif outcome == "returned" and not note:
            errors["note"] = _l("Please write the reason IRCC gave for returning the packet.")
        to_status = PacketStatus.draft if outcome == "returned" else PacketStatus.decided
        reason = lifecycle.refusal(session, packet=packet, to_status=to_status, user=user)
        if reason and not errors:
            errors["kind"] = reason
    if errors:
        raise FormInvalid(errors, values)
    milestone = Milestone(
        agency_id=packet.agency_id, packet_id=packet.id, revision=packet.revision, kind=kind, occurred_on=occurred_on,
        due_on=due_on, reference=reference, outcome=outcome, note=note, recorded_by_id=user.id,
    )
    session.add(milestone)
    session.flush()
    if kind == MilestoneKind.decision:
        to_status = PacketStatus.draft if outcome == "returned" else PacketStatus.decided
        _move(session, packet=packet, to_status=to_status, user=user, note=note, values=values, field="kind",
              data={"outcome": outcome, "decided_on": occurred_on.isoformat(), "milestone": str(milestone.id)})
    else:
        session.add(PacketEvent(
            agency_id=packet.agency_id, packet_id=packet.id, actor_id=user.id, kind="milestone", note=note,
            data={"milestone": kind, "on": occurred_on.isoformat(), "due": due_on.isoformat() if due_on else None},
        ))
        audit.record(session, action="packet.milestone", user=user, record_type="packet", record_id=packet.id,
                     detail=f"milestone={kind}")
    session.flush()
    return milestone


def _move(session: Session, *, packet: Packet, to_status: str, user: User, note: str, values: dict, field: str,
          data: dict, override_reason: str = "") -> None:
    """The lifecycle's transition; a refusal (someone moved the packet meanwhile) is an error on `field`.
    A packet not complete enough (lifecycle.GateRefused) goes to the caller, which shows what is missing."""
    try:
        lifecycle.transition(session, packet=packet, to_status=to_status, user=user, note=note, data=data,
                             override_reason=override_reason)
    except lifecycle.GateRefused:
        raise
    except lifecycle.TransitionError as refused:
        raise FormInvalid({field: str(refused)}, values) from refused


def mark_documents_sent(session: Session, *, packet: Packet, milestone_id, user: User, today: date | None = None):
    """The documents IRCC asked for were sent: the deadline stops showing."""
    try:
        key = uuid.UUID(str(milestone_id))
    except ValueError:
        return None
    milestone = session.exec(select(Milestone).where(
        Milestone.id == key, Milestone.packet_id == packet.id, Milestone.kind == MilestoneKind.documents_requested
    )).first()
    if milestone is None:
        return None
    milestone.done_on = today or date.today()
    session.add(milestone)
    audit.record(session, action="packet.milestone_done", user=user, record_type="packet", record_id=packet.id,
                 detail=f"milestone={milestone.id}")
    return milestone
