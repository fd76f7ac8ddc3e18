"""Staff review of packets: comments on sections and fields, the frozen approvals, what changed since
the last approved revision, submission and IRCC milestones, and the packet's history."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from portal import audit, validation
from portal.packets import lifecycle
from portal.i18n import lazy_gettext as _l
from portal.models import Document, Packet, PacketEvent, PacketStatus, Render, Role, User, utcnow
from portal.models import Milestone, MilestoneKind, PacketApproval, ReviewComment

COMMENTABLE_STATUSES = {PacketStatus.in_review, PacketStatus.changes_requested}
GENERAL = "general"  # a comment on the packet as a whole

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


class FormInvalid(Exception):
    """What the person typed, with a plain message per field; the page shows both (status 422)."""

    def __init__(self, errors: dict, values: dict):
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = errors
        self.values = values


def get_packet_type(key: str):
    """The packet type's definition from the guided forms, or None for an unknown key."""
    from portal.forms import get_packet_type as lookup

    try:
        return lookup(key)
    except KeyError:
        return None


def comment_targets(packet: Packet) -> list[tuple[str, str]]:
    """(target, label) a reviewer may comment on: the whole packet, each section, each field."""
    targets = [(GENERAL, _l("The packet as a whole"))]
    packet_type = get_packet_type(packet.packet_type)
    if packet_type is None:
        return targets + [(name, name) for name in sorted(packet.answers or {})]
    for step in packet_type.steps:
        targets.append((step.key, _l("Section: %(title)s", title=step.title)))
        targets.extend((item.name, f"— {item.label}") for item in step.fields)
    return targets


# --- Comments -------------------------------------------------------------------------------------

def open_comments(session, *, packet) -> dict:
    """Unresolved review comments keyed by field name or step key (each a list of comment rows)."""
    rows = session.exec(
        select(ReviewComment)
        .where(ReviewComment.packet_id == packet.id, ReviewComment.resolved_at.is_(None))
        .order_by(ReviewComment.created_at)
    ).all()
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row.target, []).append(row)
    return grouped


def comments(session: Session, *, packet: Packet) -> list[tuple[ReviewComment, str]]:
    """Every comment on the packet, newest first, with its author's name."""
    statement = (
        select(ReviewComment, User.name)
        .join(User, User.id == ReviewComment.author_id, isouter=True)
        .where(ReviewComment.packet_id == packet.id)
        .order_by(ReviewComment.resolved_at.is_not(None), ReviewComment.created_at.desc())
    )
    return [(row, name or "") for row, name in session.exec(statement).all()]


def add_comment(session: Session, *, packet: Packet, user: User, target: str, body: str) -> ReviewComment:
    values = {"target": target or "", "body": body or ""}
    errors = {}
    if packet.status not in COMMENTABLE_STATUSES:
        errors["body"] = _l("Comments can be added while the packet is in review or has changes requested.")
    if user.role not in (Role.manager, Role.caseworker) or user.agency_id != packet.agency_id:
        errors["body"] = _l("Only staff of the packet's agency can comment.")
    valid_targets = {key for key, _label in comment_targets(packet)}
    if target not in valid_targets:
        errors["target"] = _l("Please choose the section or question the comment is about.")
    text, error = validation.text(body, required=True, max_length=2000, multiline=True)
    if error:
        errors["body"] = error
    if errors:
        raise FormInvalid(errors, values)
    comment = ReviewComment(
        agency_id=packet.agency_id, packet_id=packet.id, revision=packet.revision, target=target,
        target_kind="section" if _is_step(packet, target) else "field", body=text, author_id=user.id,
    )
    session.add(comment)
    session.flush()
    audit.record(session, action="review.comment", user=user, record_type="packet", record_id=packet.id,
                 detail=f"comment={comment.id}")
    return comment


def _is_step(packet: Packet, target: str) -> bool:
    packet_type = get_packet_type(packet.packet_type)
    return target == GENERAL or (packet_type is not None and packet_type.step(target) is not None)


def resolve_comment(session: Session, *, packet: Packet, comment_id, user: User) -> ReviewComment | None:
    """Mark a comment resolved; None when it is not a comment of this packet."""
    try:
        key = uuid.UUID(str(comment_id))
    except ValueError:
        return None
    comment = session.exec(
        select(ReviewComment).where(ReviewComment.id == key, ReviewComment.packet_id == packet.id)
    ).first()
    if comment is None:
        return None
    if comment.resolved_at is None:
        comment.resolved_at = utcnow()
        comment.resolved_by_id = user.id
        session.add(comment)
        audit.record(session, action="review.comment_resolved", user=user, record_type="packet", record_id=packet.id,
                     detail=f"comment={comment.id}")
    return comment


# --- Approvals and what changed ------------------------------------------------------------------

def last_approval(session: Session, *, packet: Packet, before_revision: int | None = None) -> PacketApproval | None:
    statement = select(PacketApproval).where(PacketApproval.packet_id == packet.id)
    if before_revision is not None:
        statement = statement.where(PacketApproval.revision < before_revision)
    return session.exec(statement.order_by(PacketApproval.revision.desc())).first()


def attach_final_render(session: Session, *, packet: Packet, render) -> PacketApproval | None:
    """Link the approval of the packet's current revision to its final (unwatermarked) render."""
    approval = last_approval(session, packet=packet)
    if approval is None or approval.revision != packet.revision:
        return None
    approval.render_id = render.id
    approval.sha256 = getattr(render, "sha256", None)
    session.add(approval)
    return approval


def approval_fingerprint(session: Session, *, approval: PacketApproval) -> str | None:
    """The final PDF's SHA-256, copied into the approval the first time the render is seen done."""
    if approval.sha256:
        return approval.sha256
    if approval.render_id is None:  # asked for elsewhere (e.g. the packet page) for the approved version
        render = session.exec(select(Render).where(
            Render.packet_id == approval.packet_id, Render.final.is_(True), Render.revision == approval.revision,
            Render.sha256.is_not(None)).order_by(Render.created_at.desc())).first()
        if render is not None:
            approval.render_id = render.id
    else:
        render = session.get(Render, approval.render_id)
    if render is not None and render.sha256 and render.final:
        approval.sha256 = render.sha256
        session.add(approval)
    return approval.sha256


@dataclass
class FieldChange:
    name: str
    label: str
    before: str
    after: str


@dataclass
class DocumentChange:
    checklist_item: str
    label: str
    change: str  # added | removed | replaced
    before: str = ""
    after: str = ""


@dataclass
class Changes:
    approval: PacketApproval
    fields: list[FieldChange] = field(default_factory=list)
    documents: list[DocumentChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.fields and not self.documents


def _display(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return _l("Yes") if value else _l("No")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _comparable(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def diff_answers(before: dict, after: dict, *, labels: dict | None = None) -> list[FieldChange]:
    labels = labels or {}
    changes = []
    for name in sorted(set(before) | set(after), key=lambda key: (list(labels).index(key) if key in labels else 10**6, key)):
        old, new = before.get(name), after.get(name)
        if _comparable(old) != _comparable(new):
            changes.append(FieldChange(name=name, label=labels.get(name, name), before=_display(old), after=_display(new)))
    return changes


def diff_documents(before: list[dict], after: list[dict], *, labels: dict | None = None) -> list[DocumentChange]:
    """Document by document, by content (sha256) within each checklist item."""
    labels = labels or {}
    items = sorted({doc["checklist_item"] for doc in before} | {doc["checklist_item"] for doc in after})
    changes = []
    for item in items:
        old = {doc["sha256"]: doc for doc in before if doc["checklist_item"] == item}
        new = {doc["sha256"]: doc for doc in after if doc["checklist_item"] == item}
        removed = [old[sha] for sha in old if sha not in new]
        added = [new[sha] for sha in new if sha not in old]
        label = labels.get(item, item)
        while removed and added:
            gone, came = removed.pop(0), added.pop(0)
            changes.append(DocumentChange(item, label, "replaced", gone["filename"], came["filename"]))
        changes.extend(DocumentChange(item, label, "removed", before=doc["filename"]) for doc in removed)
        changes.extend(DocumentChange(item, label, "added", after=doc["filename"]) for doc in added)
    return changes


def current_documents(session: Session, *, packet: Packet) -> list[dict]:
    rows = session.exec(select(Document).where(Document.packet_id == packet.id)).all()
    return [{"id": str(doc.id), "checklist_item": doc.checklist_item, "filename": doc.filename, "sha256": doc.sha256}
            for doc in rows]


def changes_since_approval(session: Session, *, packet: Packet) -> Changes | None:
    """What changed since the last approved revision before this one; None when none was approved."""
    approval = last_approval(session, packet=packet, before_revision=packet.revision)
    if approval is None:
        return None
    packet_type = get_packet_type(packet.packet_type)
    field_labels, item_labels = {}, {}
    if packet_type is not None:
        field_labels = {item.name: item.label for step in packet_type.steps for item in step.fields}
        item_labels = {item.key: item.label for item in packet_type.checklist}
    return Changes(
        approval=approval,
        fields=diff_answers(approval.answers or {}, packet.answers or {}, labels=field_labels),
        documents=diff_documents(approval.documents or [], current_documents(session, packet=packet), labels=item_labels),
    )


# --- Submission and IRCC milestones ---------------------------------------------------------------

def submission(session: Session, *, packet: Packet) -> Milestone | None:
    return session.exec(
        select(Milestone).where(Milestone.packet_id == packet.id, Milestone.kind == MilestoneKind.submitted)
        .order_by(Milestone.occurred_on.desc(), Milestone.created_at.desc())
    ).first()


def milestones(session: Session, *, packet: Packet) -> list[Milestone]:
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


def record_submission(session: Session, *, packet: Packet, user: User, form: dict, today: date | None = None) -> Milestone:
    """The caseworker sent the approved packet: when and how. Moves it to submitted."""
    today = today or date.today()
    values = {key: str(form.get(key, "")) for key in ("sent_on", "method", "reference", "note")}
    errors: dict = {}
    approval = last_approval(session, packet=packet)
    approved_on = approval.approved_at.date() if approval else None
    sent_on = _date_field(errors, form, "sent_on", required=True, past=True, today=today, earliest=approved_on,
                          earliest_message=_l("The packet was approved on %(day)s; it cannot have been sent before that.",
                                              day=approved_on))
    method, error = validation.choice(form.get("method", ""), [key for key, _label in SUBMISSION_METHODS], required=True)
    if error:
        errors["method"] = error
    reference, error = validation.text(form.get("reference", ""), max_length=60)
    if error:
        errors["reference"] = error
    elif method in ("mail", "courier") and not reference:
        errors["reference"] = _l("Please enter the tracking number, so the packet can be traced.")
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
    session.add(milestone)
    lifecycle.transition(session, packet=packet, to_status=PacketStatus.submitted, user=user, note=note,
                         data={"sent_on": sent_on.isoformat(), "method": method})
    return milestone


def record_milestone(session: Session, *, packet: Packet, user: User, form: dict, today: date | None = None) -> Milestone:
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
        lifecycle.transition(session, packet=packet, to_status=to_status, user=user, note=note,
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


# --- History --------------------------------------------------------------------------------------

EVENT_LABELS = {
    "send": _l("Sent for review"),
    "recall": _l("Taken back to draft"),
    "request_changes": _l("Changes requested"),
    "approve": _l("Approved"),
    "reopen": _l("Reopened for changes: new version"),
    "new_revision": _l("Changed after approval: new version"),
    "submit": _l("Sent to IRCC"),
    "decide": _l("Decision recorded"),
    "return": _l("Returned as incomplete: back to draft, new version"),
    "withdraw": _l("Withdrawn"),
    "restore": _l("Restored to draft"),
    "milestone": _l("IRCC milestone"),
    "signature": _l("Signed"),
    "signature_voided": _l("A signature was voided because an answer changed"),
}


def history(session: Session, *, packet: Packet, limit: int = 100) -> list[tuple[PacketEvent, str]]:
    """The packet's events, newest first, with who made them."""
    statement = (
        select(PacketEvent, User.name)
        .join(User, User.id == PacketEvent.actor_id, isouter=True)
        .where(PacketEvent.packet_id == packet.id)
        .order_by(PacketEvent.created_at.desc())
        .limit(limit)
    )
    return [(event, name or "") for event, name in session.exec(statement).all()]


# The guided forms call this after every save; registering here too covers either import order.
lifecycle._register_listener()
