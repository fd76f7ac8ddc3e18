"""The audit log: who did what to which record, when, and from where.

Every row is signed when it is written: `row_mac`, an HMAC of its own fields under PASSAGE_AUDIT_KEY, a key
the database does not hold. A row joins the chain when it is sealed: it gets the next `seq` and a
`chain_mac` covering the previous row's, by its own transaction, or by the next audited write when another
transaction was sealing at that moment. Sealing chains only rows whose own MAC is right and that were
written within the last hour, so a row written behind the application's back, or one set aside to re-seal
the chain without a row, is never sealed into it; verification (verify.py) only checks.
Every CHECKPOINT_EVERY rows the head of the chain is also written outside the table (checkpoints.py).
The text holds ids and codes only, never personal data.
"""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from flask import has_request_context, request
from sqlalchemy import bindparam, func, insert, or_, text, update
from sqlmodel import Session, select

from portal.audit import checkpoints, keys
from portal.models import AuditEvent, utcnow

_TABLE = AuditEvent.__table__
_SIGNED = ("key_id", "agency_id", "user_id", "action", "record_type", "record_id", "ip", "detail", "created_at")


def _client_ip() -> str:
    if not has_request_context():
        return ""
    return (request.remote_addr or "")[:64]


def stamp(moment: datetime) -> str:
    """A time as signed: UTC, without a zone (PostgreSQL and SQLite hand back the stored time without one)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds")


def row_text(row) -> str:
    """What a row's own MAC covers (an AuditEvent or a mapping of its columns)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return "\x1f".join(stamp(get(name)) if name == "created_at" else str(get(name) or "") for name in _SIGNED)


def chain_text(seq: int, prev_mac: str, row_mac: str) -> str:
    return f"{seq}\x1f{prev_mac}\x1f{row_mac}"


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
    app = keys.app_of(session)
    ring = keys.ring(app)
    values = {
        "key_id": ring.current_id,
        "agency_id": agency_id or (user.agency_id if user is not None else None),
        "user_id": user.id if user is not None else None,
        "action": action,
        "record_type": record_type,
        "record_id": str(record_id or ""),
        "ip": _client_ip(),
        "detail": detail[:500],
        "created_at": utcnow(),
        "seq": None,
        "prev_mac": "",
        "chain_mac": "",
    }
    values["row_mac"] = ring.mac(ring.current_id, row_text(values))
    if _postgres(session):
        # Link the row before inserting it: one round trip fewer on every audited write.
        if _take_seal(session, wait=False):
            seq, previous = _seal_pending(session, ring, app=app)
            values.update(seq=seq + 1, prev_mac=previous)
            values["chain_mac"] = ring.mac(ring.current_id, chain_text(seq + 1, previous, values["row_mac"]))
            _checkpoint_after_commit(session, seq, values, app=app)
        values["id"] = session.execute(insert(_TABLE).values(**values)).inserted_primary_key[0]
    else:
        # SQLite: write first, so this transaction holds the database's one write lock before it
        # reads the end of the chain (a read-then-write transaction can lose the race to upgrade).
        values["id"] = session.execute(insert(_TABLE).values(**values)).inserted_primary_key[0]
        values.update(_seal_pending(session, ring, report=values["id"], app=app))
    return AuditEvent(**values)


# Sealing links rows into the chain in the order they are sealed. One transaction seals at a time
# (PostgreSQL advisory lock, held to commit). A writer that finds another sealing leaves its row for
# the next one instead of waiting: waiting would put every audited save in the portal in one line.
_SEAL_LOCK = 7411
# A row waits for the next audited write (or the maintenance tick, every 30 seconds) to be sealed: seconds.
# One older than this is never sealed: rows set aside by someone cutting the chain stay out of it, and
# verification reports them.
SEAL_WINDOW = timedelta(hours=1)


def _postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _take_seal(session: Session, *, wait: bool) -> bool:
    if not _postgres(session):
        return True  # SQLite lets one transaction write at a time
    if wait:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=_SEAL_LOCK))
        return True
    return bool(session.execute(text("SELECT pg_try_advisory_xact_lock(:key)").bindparams(key=_SEAL_LOCK)).scalar())


def _seal_pending(session: Session, ring: keys.KeyRing, report=None, *, app):
    """Chain the rows waiting (those this transaction sees) whose own MAC is right; the caller holds the seal.

    Returns the chain's last (seq, chain_mac), or, with `report`, the seq and MACs given to that row id.
    """
    last_seq = select(func.max(_TABLE.c.seq)).scalar_subquery()
    waiting = (_TABLE.c.seq.is_(None)) & (_TABLE.c.created_at > utcnow() - SEAL_WINDOW)
    rows = session.execute(
        select(_TABLE).where(or_(waiting, _TABLE.c.seq == last_seq))
        .order_by(_TABLE.c.seq.is_(None), _TABLE.c.id)
    ).mappings().all()
    seq, previous = (rows[0]["seq"], rows[0]["chain_mac"]) if rows and rows[0]["seq"] is not None else (0, "")
    first_seq, changes, reported = seq, [], {}
    for row in rows:
        if row["seq"] is not None or ring.mac(row["key_id"], row_text(dict(row))) != row["row_mac"]:
            continue  # sealed already, or not written by the application: verification reports it
        seq += 1
        sealed = {"seq": seq, "prev_mac": previous, "chain_mac": ring.mac(row["key_id"],
                                                                         chain_text(seq, previous, row["row_mac"]))}
        previous = sealed["chain_mac"]
        changes.append({"row_id": row["id"], "new_seq": seq, "new_prev": sealed["prev_mac"],
                        "new_chain": sealed["chain_mac"]})
        if row["id"] == report:
            reported = sealed
    if changes:
        session.execute(
            update(_TABLE).where(_TABLE.c.id == bindparam("row_id"))
            .values(seq=bindparam("new_seq"), prev_mac=bindparam("new_prev"), chain_mac=bindparam("new_chain")),
            changes,
        )
        _checkpoint_after_commit(session, first_seq, {"seq": seq, "chain_mac": previous}, app=app)
    return reported if report is not None else (seq, previous)


def _checkpoint_after_commit(session: Session, before: int, head: dict, *, app) -> None:
    """Every CHECKPOINT_EVERY rows, write the new head outside the table once this transaction commits."""
    every = max(1, app.config.get("AUDIT_CHECKPOINT_EVERY", 100))
    if head["seq"] // every > before // every:
        checkpoints.after_commit(session, seq=head["seq"], mac=head["chain_mac"], app=app)


def seal(session: Session) -> None:
    """Chain every committed row still waiting (waits for a transaction sealing now to commit)."""
    _take_seal(session, wait=True)
    app = keys.app_of(session)
    _seal_pending(session, keys.ring(app), app=app)
