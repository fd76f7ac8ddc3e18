"""The audit log: who did what to which record, when, and from where.

Rows are append-only and chained: each hash covers the previous row's hash, so editing or
deleting a row breaks verify_chain(). A row joins the chain when it is sealed: by its own
transaction, or by the next audited write when another transaction was sealing at that moment. The text holds ids and codes only, never personal data.
"""
import hashlib
import uuid

from flask import has_request_context, request
from sqlalchemy import func, or_, text
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
    event = AuditEvent(
        agency_id=agency_id or (user.agency_id if user is not None else None),
        user_id=user.id if user is not None else None,
        action=action,
        record_type=record_type,
        record_id=str(record_id or ""),
        ip=_client_ip(),
        detail=detail[:500],
        created_at=utcnow(),
    )
    if _postgres(session):
        # Link the row before inserting it: one round trip fewer on every audited write.
        if _take_seal(session, wait=False):
            _seal_pending(session, then=event)
        session.add(event)
        session.flush()
    else:
        # SQLite: write first, so this transaction holds the database's one write lock before it
        # reads the end of the chain (a read-then-write transaction can lose the race to upgrade).
        session.add(event)
        session.flush()
        _seal_pending(session)
    return event


# Sealing links rows into the chain in the order they are sealed. One transaction seals at a time
# (PostgreSQL advisory lock, held to commit). A writer that finds another sealing leaves its row for
# the next one instead of waiting: waiting would put every audited save in the portal in one line.
_SEAL_LOCK = 7411


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _take_seal(session: Session, *, wait: bool) -> bool:
    if not _postgres(session):
        return True  # SQLite lets one transaction write at a time
    if wait:
        session.exec(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=_SEAL_LOCK))
        return True
    return bool(session.exec(text("SELECT pg_try_advisory_xact_lock(:key)").bindparams(key=_SEAL_LOCK)).scalar())


def _seal_pending(session: Session, then: AuditEvent | None = None) -> None:
    """Chain the rows waiting (those this transaction sees), then `then`; the caller holds the seal."""
    last_seq = select(func.max(AuditEvent.seq)).scalar_subquery()
    rows = session.exec(
        select(AuditEvent).where(or_(AuditEvent.seq.is_(None), AuditEvent.seq == last_seq))
        .order_by(AuditEvent.seq.is_(None), AuditEvent.id)
    ).all()
    seq, previous = (rows[0].seq, rows[0].hash) if rows and rows[0].seq is not None else (0, "")
    for event in [row for row in rows if row.seq is None] + ([then] if then is not None else []):
        seq += 1
        event.seq, event.prev_hash = seq, previous
        event.hash = previous = _digest(event)
        session.add(event)
    session.flush()


def seal(session: Session) -> None:
    """Chain every committed row still waiting (waits for a transaction sealing now to commit)."""
    _take_seal(session, wait=True)
    _seal_pending(session)


def verify_chain(session: Session) -> int | None:
    """The id of the first row whose hash does not match, or None when the chain is whole.

    Seals what is waiting first, so every committed row is checked.
    """
    seal(session)
    previous = ""
    for event in session.exec(select(AuditEvent).where(AuditEvent.seq.is_not(None)).order_by(AuditEvent.seq)):
        if event.prev_hash != previous or event.hash != _digest(event):
            return event.id
        previous = event.hash
    return None
