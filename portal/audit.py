"""The audit log: who did what to which record, when, and from where.

Rows are append-only and chained: each hash covers the previous row's hash, so editing or
deleting a row breaks verify_chain(). The text holds ids and codes only, never personal data.
"""
import hashlib
import uuid

from flask import has_request_context, request
from sqlalchemy import text
from sqlmodel import Session, select

from portal.models import AuditEvent, utcnow


def _client_ip() -> str:
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:64]


def _digest(event: AuditEvent) -> str:
    parts = [
        event.prev_hash,
        str(event.agency_id or ""),
        str(event.user_id or ""),
        event.action,
        event.record_type,
        event.record_id,
        event.ip,
        event.detail,
        event.created_at.isoformat(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def record(
    session: Session,
    *,
    action: str,
    user=None,
    agency_id: uuid.UUID | None = None,
    record_type: str = "",
    record_id=None,
    detail: str = "",
) -> AuditEvent:
    """Add one audit event to the session; the caller commits with its own change."""
    if session.get_bind().dialect.name == "postgresql":
        # Serialise writers so two processes never chain onto the same previous row.
        session.exec(text("SELECT pg_advisory_xact_lock(7411)"))
    previous = session.exec(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    event = AuditEvent(
        agency_id=agency_id or (user.agency_id if user is not None else None),
        user_id=user.id if user is not None else None,
        action=action,
        record_type=record_type,
        record_id=str(record_id or ""),
        ip=_client_ip(),
        detail=detail[:500],
        created_at=utcnow(),
        prev_hash=previous or "",
    )
    event.hash = _digest(event)
    session.add(event)
    session.flush()
    return event


def verify_chain(session: Session) -> int | None:
    """The id of the first row whose hash does not match, or None when the chain is whole."""
    previous = ""
    for event in session.exec(select(AuditEvent).order_by(AuditEvent.id)):
        if event.prev_hash != previous or event.hash != _digest(event):
            return event.id
        previous = event.hash
    return None
