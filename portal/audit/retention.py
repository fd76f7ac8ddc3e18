"""Legitimate changes to the audit log's extent, each anchored by a signed checkpoint that verification
accepts: pruning old rows (the retention job), and restoring the database from a backup."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, select

from portal.audit import checkpoints, keys
from portal.audit.chain import record, seal
from portal.models import AuditEvent

_TABLE = AuditEvent.__table__


def head(session: Session) -> tuple[int | None, str]:
    """The chain's last (seq, chain MAC)."""
    row = session.execute(select(_TABLE.c.seq, _TABLE.c.chain_mac)
                          .where(_TABLE.c.seq == select(func.max(_TABLE.c.seq)).scalar_subquery())).first()
    return (row.seq, row.chain_mac) if row else (None, "")


def prune(session: Session, *, before: datetime, by=None) -> int:
    """Delete the sealed events written before `before`; returns how many. The caller commits.

    The "pruned" checkpoint is written before the rows go, so a crash in between leaves a chain that still
    verifies; the pruning itself is an audit event.
    """
    seal(session)
    through = session.execute(select(func.max(_TABLE.c.seq))
                              .where(_TABLE.c.seq.is_not(None), _TABLE.c.created_at < before)).scalar()
    if not through:
        return 0
    mac = session.execute(select(_TABLE.c.chain_mac).where(_TABLE.c.seq == through)).scalar_one()
    checkpoints.write(kind="pruned", seq=through, mac=mac, app=keys.app_of(session))
    removed = session.execute(delete(_TABLE).where(_TABLE.c.seq <= through)).rowcount
    record(session, action="audit.pruned", user=by, detail=f"through_seq={through} events={removed}")
    return removed


def restored(session: Session, *, by=None) -> int | None:
    """Call once after restoring the database from a backup: head checkpoints written before now, past the
    restored chain's end, describe events the backup does not have. Returns the restored head's seq."""
    seq, mac = head(session)
    checkpoints.write(kind="restored", seq=seq or 0, mac=mac, app=keys.app_of(session))
    record(session, action="audit.restored", user=by, detail=f"head_seq={seq or 0}")
    return seq


def checkpoint_if_due(session: Session, *, now: datetime | None = None) -> bool:
    """The hourly head checkpoint (the maintenance tick calls this every 30 seconds, after sealing and committing)."""
    seq, mac = head(session)
    return checkpoints.hourly(seq, mac, now=now, app=keys.app_of(session))
