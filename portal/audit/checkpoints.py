"""Signed checkpoints of the audit chain, kept outside the table: in the file store and the application log.

A checkpoint says "the chain reached seq N with chain MAC M", signed with the audit key. One is written
every CHECKPOINT_EVERY sealed rows (after the transaction that sealed them commits) and at least hourly while
the log grows (the maintenance tick), so rows deleted from the end of the table are found: the table no longer
reaches a checkpoint. Two other kinds anchor legitimate changes: "pruned" (rows up to N were deleted by the
retention job; the chain now starts after N) and "restored" (the database was restored from a backup whose
chain ends at N; head checkpoints written before it and past N describe rows that no longer exist).
"""
from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from portal.audit import keys
from portal.models import utcnow

log = logging.getLogger("passage.audit")
HOURLY = timedelta(hours=1)
KINDS = ("head", "pruned", "restored")


def folder(app: Flask) -> Path:
    return Path(app.config["DATA_DIR"]) / "audit-checkpoints"


def _canonical(record: dict) -> str:
    return json.dumps({name: value for name, value in record.items() if name not in ("sig", "file", "valid")},
                      sort_keys=True, separators=(",", ":"))


def write(*, kind: str, seq: int, mac: str, app: Flask | None = None, at: datetime | None = None) -> dict:
    """Sign a checkpoint and write it to the file store (a new file, renamed into place) and the log."""
    app = app or current_app
    ring = keys.ring(app)
    record = {"kind": kind, "seq": seq, "mac": mac, "at": (at or utcnow()).isoformat(), "key_id": ring.current_id}
    record["sig"] = ring.mac(ring.current_id, _canonical(record))
    target = folder(app)
    target.mkdir(parents=True, exist_ok=True)
    name = f"{seq:012d}-{kind}-{uuid.uuid4().hex[:8]}.json"
    temporary = target / ("." + name)
    temporary.write_text(json.dumps(record, sort_keys=True))
    os.replace(temporary, target / name)
    log.info("audit checkpoint %s", json.dumps(record, sort_keys=True))
    return record


def _read(path: Path, ring: keys.KeyRing) -> dict:
    try:
        record = json.loads(path.read_text())
        valid = (record.get("kind") in KINDS and isinstance(record.get("seq"), int)
                 and ring.mac(record.get("key_id", ""), _canonical(record)) == record.get("sig"))
    except (OSError, ValueError, AttributeError):
        record, valid = {}, False
    return {**record, "valid": bool(valid), "file": path.name}


def read_all(app: Flask | None = None) -> list[dict]:
    """Every checkpoint in the file store, oldest first, each with `valid` (its signature checks) and `file`."""
    app = app or current_app
    ring = keys.ring(app)
    found = [_read(path, ring) for path in (folder(app).glob("*.json") if folder(app).is_dir() else [])]
    return sorted(found, key=lambda record: (record.get("at", ""), record.get("seq", 0)))


def latest_head(app: Flask) -> dict | None:
    """The valid head checkpoint with the highest seq (file names start with the zero-padded seq)."""
    ring = keys.ring(app)
    for path in sorted(folder(app).glob("*-head-*.json"), reverse=True) if folder(app).is_dir() else []:
        record = _read(path, ring)
        if record["valid"]:
            return record
    return None


def after_commit(session: Session, *, seq: int, mac: str, app: Flask) -> None:
    """Write a head checkpoint once the session's transaction commits (never for rows rolled back)."""
    waiting = session.info.get("audit_checkpoint")
    if waiting is None or seq > waiting[0]:
        session.info["audit_checkpoint"] = (seq, mac, app)


def _committed(session) -> None:
    waiting = session.info.pop("audit_checkpoint", None)
    if waiting is not None:
        try:
            write(kind="head", seq=waiting[0], mac=waiting[1], app=waiting[2])
        except OSError:  # the next checkpoint (or the hourly one) covers it; the save itself stands
            log.exception("audit checkpoint at seq %s could not be written", waiting[0])


def _rolled_back(session) -> None:
    session.info.pop("audit_checkpoint", None)


def init_app(app: Flask) -> None:
    """Listen for commits and rollbacks of every session (once per process)."""
    keys.remember(app)
    if not event.contains(OrmSession, "after_commit", _committed):
        event.listen(OrmSession, "after_commit", _committed)
        event.listen(OrmSession, "after_rollback", _rolled_back)
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)


def hourly(head_seq: int | None, head_mac: str, *, app: Flask | None = None, now: datetime | None = None) -> bool:
    """Write a head checkpoint when the chain moved since the last one and that one is an hour old."""
    app = app or current_app
    if not head_seq:
        return False
    last = latest_head(app)
    now = now or utcnow()
    if last is not None and (last["seq"] >= head_seq or datetime.fromisoformat(last["at"]) > now - HOURLY):
        return False
    write(kind="head", seq=head_seq, mac=head_mac, app=app, at=now)
    return True
