"""Reviewers' comments on a packet as a whole, on a section (a step) or on one question."""
from __future__ import annotations

import uuid

from sqlmodel import Session, select

from portal import audit, validation
from portal.forms import find_packet_type
from portal.i18n import lazy_gettext as _l
from portal.models import Packet, PacketStatus, ReviewComment, Role, User, utcnow
from portal.validation import FormInvalid

COMMENTABLE_STATUSES = {PacketStatus.in_review, PacketStatus.changes_requested}


GENERAL = "general"  # a comment on the packet as a whole


def comment_targets(packet: Packet) -> list[tuple[str, str]]:
    """(target, label) a reviewer may comment on: the whole packet, each section, each field."""
    targets = [(GENERAL, _l("The packet as a whole"))]
    packet_type = find_packet_type(packet.packet_type)
    if packet_type is None:
        return targets + [(name, name) for name in sorted(packet.answers or {})]
    for step in packet_type.steps:
        targets.append((step.key, _l("Section: %(title)s", title=step.title)))
        targets.extend((item.name, f"— {item.label}") for item in step.fields)
    return targets


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


def all_for(session: Session, *, packet: Packet) -> list[tuple[ReviewComment, str]]:
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
    packet_type = find_packet_type(packet.packet_type)
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
