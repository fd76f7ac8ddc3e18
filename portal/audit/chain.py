"""The audit log: who did what to which record, when, and from where.

Rows are append-only and chained: each hash covers the previous row's hash, so editing or
deleting a row breaks verify_chain(). A row joins the chain when it is sealed: by its own
transaction, or by the next audited write when another transaction was sealing at that moment.
The text holds ids and codes only, never personal data.
"""
import hashlib
import uuid

from flask import has_request_context, request
from sqlalchemy import bindparam, func, insert, or_, text, update
from sqlmodel import Session, select

from portal.models import AuditEvent, utcnow


def _client_ip() -> str:
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:64]


def _digest(row) -> str:
    """The hash of one row (an AuditEvent or a mapping of its columns), covering the previous hash."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    parts = [
        get("prev_hash"),
        str(get("agency_id") or ""),
        str(get("user_id") or ""),
        get("action"),
        get("record_type"),
        get("record_id"),
        get("ip"),
        get("detail"),
        get("created_at").isoformat(),
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


_TABLE = AuditEvent.__table__


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
    """Add one audit event in the session's transaction; the caller commits with its own change.

    Written with plain INSERT and UPDATE statements (no ORM unit of work): every audited request pays
    for this. Returns what was written, as an AuditEvent not attached to the session.
    """
    values = {
        "agency_id": agency_id or (user.agency_id if user is not None else None),
        "user_id": user.id if user is not None else None,
        "action": action,
        "record_type": record_type,
        "record_id": str(record_id or ""),
        "ip": _client_ip(),
        "detail": detail[:500],
        "created_at": utcnow(),
        "seq": None,
        "prev_hash": "",
        "hash": "",
    }
    if _postgres(session):
        # Link the row before inserting it: one round trip fewer on every audited write.
        if _take_seal(session, wait=False):
            seq, previous = _seal_pending(session)
            values.update(seq=seq + 1, prev_hash=previous)
            values["hash"] = _digest(values)
        values["id"] = session.execute(insert(_TABLE).values(**values)).inserted_primary_key[0]
    else:
        # SQLite: write first, so this transaction holds the database's one write lock before it
        # reads the end of the chain (a read-then-write transaction can lose the race to upgrade).
        values["id"] = session.execute(insert(_TABLE).values(**values)).inserted_primary_key[0]
        sealed = _seal_pending(session, report=values["id"])
        values.update(sealed)
    return AuditEvent(**values)


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
        session.execute(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=_SEAL_LOCK))
        return True
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:key)").bindparams(key=_SEAL_LOCK)).scalar())


def _seal_pending(session: Session, report=None):
    """Chain the rows waiting (those this transaction sees); the caller holds the seal.

    Returns the chain's last (seq, hash), or, with `report`, the seq and hashes given to that row id.
    """
    last_seq = select(func.max(_TABLE.c.seq)).scalar_subquery()
    rows = session.execute(
        select(_TABLE).where(or_(_TABLE.c.seq.is_(None), _TABLE.c.seq == last_seq))
        .order_by(_TABLE.c.seq.is_(None), _TABLE.c.id)
    ).mappings().all()
    seq, previous = (rows[0]["seq"], rows[0]["hash"]) if rows and rows[0]["seq"] is not None else (0, "")
    changes, reported = [], {}
    for row in rows:
        if row["seq"] is not None:
            continue
        seq += 1
        sealed = {"seq": seq, "prev_hash": previous}
        sealed["hash"] = previous = _digest({**row, **sealed})
        changes.append({"row_id": row["id"], "new_seq": seq, "new_prev": sealed["prev_hash"],
                        "new_hash": sealed["hash"]})
        if row["id"] == report:
            reported = sealed
    if changes:
        session.execute(
            update(_TABLE).where(_TABLE.c.id == bindparam("row_id"))
            .values(seq=bindparam("new_seq"), prev_hash=bindparam("new_prev"), hash=bindparam("new_hash")),
            changes,
        )
    return reported if report is not None else (seq, previous)


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
    rows = session.execute(select(_TABLE).where(_TABLE.c.seq.is_not(None)).order_by(_TABLE.c.seq)).mappings()
    for row in rows:
        if row["prev_hash"] != previous or row["hash"] != _digest(dict(row)):
            return row["id"]
        previous = row["hash"]
    return None
