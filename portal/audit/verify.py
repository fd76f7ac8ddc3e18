"""Checking the audit log. Verification never writes: it reads every row and every checkpoint and reports
what does not add up, first problem first.

- a row whose own MAC is wrong was changed after it was written, or written outside the application;
- a sealed row must follow the previous one: the next seq, the previous chain MAC, a right chain MAC;
- the chain starts at seq 1, or just after the last "pruned" checkpoint;
- every head checkpoint must still be in the table with the same chain MAC (else rows were removed from the
  end, or the chain was rewritten), unless pruned, or voided by a later "restored" checkpoint;
- a row written by the application but still unsealed after SEAL_WINDOW was set aside (the chain was cut and
  re-sealed without something), or its writer's transaction never finished sealing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask import Flask, current_app
from sqlmodel import Session, select

from portal.audit import checkpoints, keys
from portal.audit.chain import SEAL_WINDOW, chain_text, row_text
from portal.models import AuditEvent, utcnow

_TABLE = AuditEvent.__table__


@dataclass
class Problem:
    seq: int | None  # where in the chain, when known
    row_id: int | None  # the row, when there is one
    reason: str

    def __str__(self) -> str:
        where = f"event {self.row_id}" if self.row_id is not None else f"seq {self.seq}"
        if self.row_id is not None and self.seq is not None:
            where += f" (seq {self.seq})"
        return f"{where}: {self.reason}"


@dataclass
class Report:
    rows: int = 0
    waiting: int = 0  # rows written by the application, not sealed yet (the next audited write seals them)
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def _time(value) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _Walk:
    """One pass over the sealed rows in seq order."""

    def __init__(self, ring: keys.KeyRing, anchor: dict | None, wanted: set[int]):
        self.ring, self.anchor, self.wanted = ring, anchor, wanted
        self.problems: list[Problem] = []
        self.macs: dict[int, str] = {}
        self.last_seq: int | None = None
        self.previous: str | None = None
        self.rows = 0

    def start(self, row) -> None:
        if row["seq"] == 1:  # nothing pruned yet (or a pruning stopped before its rows went)
            self.previous = ""
        elif self.anchor is not None and row["seq"] == self.anchor["seq"] + 1:
            self.previous = self.anchor["mac"]
        else:
            first = (self.anchor["seq"] + 1) if self.anchor else 1
            self.problems.append(Problem(row["seq"], row["id"],
                                         f"the events before it are missing (the chain starts at seq {first})"))
            self.previous = row["prev_mac"]

    def step(self, row) -> None:
        self.rows += 1
        if self.previous is None:
            self.start(row)
        elif row["seq"] != self.last_seq + 1:
            self.problems.append(Problem(row["seq"], row["id"], f"the events after seq {self.last_seq} and before "
                                                                f"this one are missing"))
        reason = self._reason(row)
        if reason:
            self.problems.append(Problem(row["seq"], row["id"], reason))
        self.previous, self.last_seq = row["chain_mac"], row["seq"]
        if row["seq"] in self.wanted:
            self.macs[row["seq"]] = row["chain_mac"]

    def _reason(self, row) -> str | None:
        if row["key_id"] not in self.ring.secrets:
            return "it is signed with a key this server does not have (set PASSAGE_AUDIT_OLD_KEYS)"
        if self.ring.mac(row["key_id"], row_text(dict(row))) != row["row_mac"]:
            return "it was changed after it was written, or written outside the application"
        if row["prev_mac"] != self.previous:
            return "it does not follow the event before it in the chain"
        if self.ring.mac(row["key_id"], chain_text(row["seq"], row["prev_mac"], row["row_mac"])) != row["chain_mac"]:
            return "its place in the chain was changed"
        return None


def _check_checkpoints(walk: _Walk, marks: list[dict], anchor: dict | None) -> list[Problem]:
    problems = []
    restores = [mark for mark in marks if mark["kind"] == "restored"]
    floor = anchor["seq"] if anchor else 0
    for mark in marks:
        if mark["kind"] == "pruned" or mark["seq"] <= floor:
            continue
        voided = any(later["seq"] < mark["seq"] and _time(later["at"]) > _time(mark["at"]) for later in restores)
        if mark["kind"] == "head" and voided:
            continue
        if walk.last_seq is None or mark["seq"] > walk.last_seq:
            after = walk.last_seq or floor
            problems.append(Problem(after + 1, None, f"the events after seq {after} are missing: a checkpoint "
                                                     f"written at {mark['at']} saw the chain reach seq {mark['seq']}"))
        elif walk.macs.get(mark["seq"]) != mark["mac"]:
            problems.append(Problem(mark["seq"], None, f"the chain was rewritten: it differs from the checkpoint "
                                                       f"written at {mark['at']}"))
    return problems


def verify(session: Session, *, app: Flask | None = None) -> Report:
    """Check every row and every checkpoint; nothing is written."""
    app = app or current_app
    ring = keys.ring(app)
    marks = checkpoints.read_all(app)
    report = Report(checkpoints=len(marks))
    report.problems += [Problem(None, None, f"the checkpoint file {mark['file']} was altered or is not signed")
                        for mark in marks if not mark["valid"]]
    marks = [mark for mark in marks if mark["valid"]]
    prunes = [mark for mark in marks if mark["kind"] == "pruned"]
    anchor = max(prunes, key=lambda mark: mark["seq"]) if prunes else None
    walk = _Walk(ring, anchor, {mark["seq"] for mark in marks})
    sealed = session.execute(select(_TABLE).where(_TABLE.c.seq.is_not(None)).order_by(_TABLE.c.seq)
                             .execution_options(yield_per=2000)).mappings()
    for row in sealed:
        walk.step(row)
    report.rows = walk.rows
    report.problems += walk.problems + _check_checkpoints(walk, marks, anchor)
    stale = utcnow() - SEAL_WINDOW
    for row in session.execute(select(_TABLE).where(_TABLE.c.seq.is_(None)).order_by(_TABLE.c.id)).mappings():
        report.rows += 1
        if ring.mac(row["key_id"], row_text(dict(row))) != row["row_mac"]:
            report.problems.append(Problem(None, row["id"], "it was written outside the application, or changed "
                                                            "before it was sealed (its signature is wrong)"))
        elif _time(row["created_at"]) < stale:
            report.problems.append(Problem(None, row["id"], "it was never chained: it was set aside from the "
                                                            "chain, and events near it may have been removed"))
        else:
            report.waiting += 1
    report.problems.sort(key=lambda problem: (problem.seq is None, problem.seq or 0, problem.row_id or 0))
    return report


def verify_chain(session: Session) -> Problem | None:
    """The first problem, or None when the log is whole."""
    return verify(session).first
