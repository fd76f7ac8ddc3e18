"""Retention and disposal: what each agency's periods make due, and deleting it for good.

What is due (each agency's own periods, on Agency):
- closed files: archived client files, untouched (the file and its packets) for `retain_closed_files_days`;
- finished packets: withdrawn or decided for `retain_finished_packets_days`;
- abandoned drafts: drafts nobody changed for `retain_abandoned_drafts_days`;
- superseded renders: PDFs a newer finished PDF of the same packet replaced `retain_superseded_renders_days` ago;
- referrals declined or never taken up, untouched for `retain_referrals_days`;
- expired access-request archives (their link has expired);
- audit events older than the longest `retain_audit_days` of any agency (the log is one chain), and never an event
  about a file under a legal hold.
A legal hold on a client file stops every disposal of the file, its packets, renders and referrals.

Disposal deletes the rows and everything that depends on them (found from the tables' foreign keys, so a table
added later is covered), then the stored files and the packets' part cache; a youth account tied to a disposed
file is emptied and closed (the audit log still names its id). Each disposed record gets an audit event with ids and
counts, never content.
"""
from __future__ import annotations

import shutil
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import Table, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel

from portal import audit
from portal.documents import part_cache, storage
from portal.i18n import N_
from portal.models import (
    AccessRequest,
    Agency,
    ArchiveStatus,
    AuditEvent,
    Client,
    Packet,
    PacketStatus,
    Referral,
    ReferralStatus,
    Render,
    RenderStatus,
    User,
    utcnow,
)

CHUNK = 500
KINDS = ("closed_files", "finished_packets", "abandoned_drafts", "superseded_renders", "referrals",
         "expired_archives")


@dataclass
class Due:
    """What one agency's periods make due now: ids by kind."""

    agency_id: uuid.UUID
    agency_slug: str
    ids: dict[str, list[uuid.UUID]] = field(default_factory=lambda: {kind: [] for kind in KINDS})

    @property
    def total(self) -> int:
        return sum(len(ids) for ids in self.ids.values())


@dataclass
class Plan:
    agencies: list[Due]
    audit_before: datetime | None
    audit_events: int

    @property
    def total(self) -> int:
        return sum(due.total for due in self.agencies) + self.audit_events


def _held():
    return select(Client.id).where(Client.legal_hold_at.is_not(None))


def due(session: Session, *, now: datetime | None = None) -> Plan:
    """What `purge` would delete now (nothing is changed)."""
    now = now or utcnow()
    found = []
    for agency in session.scalars(select(Agency).order_by(Agency.slug)).all():
        found.append(_due_in(session, agency, now))
    audit_before, audit_events = _audit_due(session, now)
    return Plan(found, audit_before, audit_events)


def _days(days: int, now: datetime) -> datetime:
    return now - timedelta(days=days)


def _due_in(session: Session, agency: Agency, now: datetime) -> Due:
    result = Due(agency.id, agency.slug)
    ids = result.ids
    closed_before = _days(agency.retain_closed_files_days, now)
    recent_packet = exists().where(Packet.client_id == Client.id, Packet.updated_at >= closed_before)
    ids["closed_files"] = list(session.scalars(
        select(Client.id).where(Client.agency_id == agency.id, Client.archived.is_(True),
                                Client.legal_hold_at.is_(None), Client.updated_at < closed_before, ~recent_packet)
        .order_by(Client.created_at)))
    gone = set(ids["closed_files"])
    kept_packets = select(Packet.id).where(Packet.agency_id == agency.id, Packet.client_id.not_in(_held()))
    finished = session.scalars(kept_packets.where(
        Packet.status.in_((PacketStatus.withdrawn, PacketStatus.decided)),
        Packet.status_changed_at < _days(agency.retain_finished_packets_days, now)).order_by(Packet.created_at))
    drafts = session.scalars(kept_packets.where(
        Packet.status == PacketStatus.draft, Packet.updated_at < _days(agency.retain_abandoned_drafts_days, now))
        .order_by(Packet.created_at))
    in_gone = set(session.scalars(select(Packet.id).where(Packet.client_id.in_(gone)))) if gone else set()
    ids["finished_packets"] = [pid for pid in finished if pid not in in_gone]
    ids["abandoned_drafts"] = [pid for pid in drafts if pid not in in_gone]
    gone_packets = in_gone | set(ids["finished_packets"]) | set(ids["abandoned_drafts"])
    newer = aliased(Render)
    replaced = exists().where(newer.packet_id == Render.packet_id, newer.created_at > Render.created_at,
                              newer.status == RenderStatus.done,
                              newer.created_at < _days(agency.retain_superseded_renders_days, now))
    ids["superseded_renders"] = [rid for rid, pid in session.execute(
        select(Render.id, Render.packet_id).join(Packet, Packet.id == Render.packet_id)
        .where(Render.agency_id == agency.id, Packet.client_id.not_in(_held()),
               Render.status.in_((RenderStatus.done, RenderStatus.failed)), replaced)
        .order_by(Render.created_at)) if pid not in gone_packets]
    ids["referrals"] = list(session.scalars(
        select(Referral.id).where(
            Referral.agency_id == agency.id,
            Referral.status.in_((ReferralStatus.declined, ReferralStatus.new, ReferralStatus.info_requested)),
            Referral.updated_at < _days(agency.retain_referrals_days, now),
            or_(Referral.client_file_id.is_(None), Referral.client_file_id.not_in(_held())))
        .order_by(Referral.created_at)))
    ids["expired_archives"] = list(session.scalars(
        select(AccessRequest.id).where(AccessRequest.agency_id == agency.id, AccessRequest.storage_key.is_not(None),
                                       AccessRequest.expires_at < now)))
    return result


def _audit_due(session: Session, now: datetime) -> tuple[datetime | None, int]:
    longest = session.scalar(select(func.max(Agency.retain_audit_days)))
    if longest is None:
        return None, 0
    before = _days(longest, now)
    held = list(session.scalars(_held()))
    if held:  # keep every event about a held file, and so (the log being one chain) every later one
        about = [str(cid) for cid in held] + [str(pid) for pid in
                                                session.scalars(select(Packet.id).where(Packet.client_id.in_(held)))]
        first = session.scalar(select(func.min(AuditEvent.created_at)).where(AuditEvent.record_id.in_(about)))
        if first is not None:
            before = min(before, first)
    count = session.scalar(select(func.count()).select_from(AuditEvent)
                           .where(AuditEvent.seq.is_not(None), AuditEvent.created_at < before))
    return before, count


# ---- disposal ---------------------------------------------------------------------------------------

@dataclass
class Removal:
    rows: Counter = field(default_factory=Counter)
    storage_keys: list[str] = field(default_factory=list)
    packet_ids: list[uuid.UUID] = field(default_factory=list)
    youth_accounts: int = 0


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _chunks(ids: list) -> list[list]:
    return [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]


def _dependents(table: Table):
    for child in SQLModel.metadata.sorted_tables:
        for key in child.foreign_keys:
            if key.column.table is table and child is not table:
                yield child, key.parent


def _remove(session: Session, table: Table, ids: list, removal: Removal) -> None:
    """Delete these rows of `table` and, first, every row that depends on them: a required reference is deleted
    with them, an optional one is cleared."""
    if not ids:
        return
    if table.name == "packet":
        removal.packet_ids.extend(ids)
    if table.name == "client":
        for batch in _chunks(ids):  # a referral that opened this file goes with it
            _remove(session, _table("referral"), list(session.scalars(
                select(Referral.id).where(Referral.client_file_id.in_(batch)))), removal)
            removal.youth_accounts += _close_youth_accounts(session, batch)
    for child, column in _dependents(table):
        for batch in _chunks(ids):
            if column.nullable:
                session.execute(update(child).where(column.in_(batch)).values({column.name: None}))
            else:
                _remove(session, child, list(session.scalars(select(child.c.id).where(column.in_(batch)))), removal)
    for batch in _chunks(ids):
        if "storage_key" in table.c:
            removal.storage_keys.extend(key for key in session.scalars(
                select(table.c.storage_key).where(table.c.id.in_(batch), table.c.storage_key.is_not(None))) if key)
        removal.rows[table.name] += session.execute(delete(table).where(table.c.id.in_(batch))).rowcount


def _close_youth_accounts(session: Session, client_ids: list) -> int:
    """A youth account tied to a disposed file: its personal data emptied, sign-in closed, its id kept for the log."""
    accounts = list(session.scalars(select(User).where(User.client_id.in_(client_ids))))
    for account in accounts:
        _remove(session, _table("usersession"), list(session.scalars(
            select(_table("usersession").c.id).where(_table("usersession").c.user_id == account.id))), Removal())
        account.email = f"disposed-{account.id.hex}@invalid"
        account.name = ""
        account.password_hash = ""
        account.active = False
        account.client_id = None
    return len(accounts)


RECORD_TYPE = {"closed_files": ("client", "client"), "finished_packets": ("packet", "packet"),
               "abandoned_drafts": ("packet", "packet"), "superseded_renders": ("render", "render"),
               "referrals": ("referral", "referral")}


@dataclass
class PurgeReport:
    plan: Plan
    rows: Counter
    files: int
    audit_events: int


def purge(app: Flask, session: Session, *, now: datetime | None = None, by=None) -> PurgeReport:
    """Dispose of everything due; commits, then deletes the stored files and part caches of what went."""
    plan = due(session, now=now)
    removal = Removal()
    for agency_due in plan.agencies:
        for kind, (table_name, record_type) in RECORD_TYPE.items():
            for record_id in agency_due.ids[kind]:
                one = Removal()
                _remove(session, _table(table_name), [record_id], one)
                _merge(removal, one)
                audit.record(session, action="retention.disposed", user=by, agency_id=agency_due.agency_id,
                             record_type=record_type, record_id=record_id,
                             detail=(f"kind={kind} files={len(one.storage_keys)} rows="
                                     + ",".join(f"{name}:{count}" for name, count in sorted(one.rows.items())))[:500])
        for request_id in agency_due.ids["expired_archives"]:
            request = session.get(AccessRequest, request_id)
            removal.storage_keys.append(request.storage_key)
            request.storage_key, request.status = None, ArchiveStatus.expired
            audit.record(session, action="retention.disposed", user=by, agency_id=agency_due.agency_id,
                         record_type="access_request", record_id=request_id, detail="kind=expired_archives files=1")
    session.commit()
    pruned = audit.prune(session, before=plan.audit_before, by=by) if plan.audit_events else 0
    audit.record(session, action="retention.purged", user=by,
                 detail=(f"files={len(removal.storage_keys)} audit_events={pruned} "
                         + " ".join(f"{name}={count}" for name, count in sorted(removal.rows.items())))[:500])
    session.commit()
    for key in removal.storage_keys:
        storage.delete(key, app)
    for packet_id in removal.packet_ids:
        shutil.rmtree(part_cache.folder_for(app, packet_id), ignore_errors=True)
    return PurgeReport(plan, removal.rows, len(removal.storage_keys), pruned)


def purge_once_a_day(app: Flask, session: Session, *, connection, now: datetime | None = None) -> str:
    """The worker's daily purge: the first maintenance tick of each UTC day, across all workers, runs it (a Redis key
    set only if absent decides which); the embedded mode has no scheduler and uses the documented cron line."""
    day = (now or utcnow()).strftime("%Y-%m-%d")
    if not connection.set(f"passage:purge:{day}", "1", nx=True, ex=2 * 86400):
        return "already run today"
    report = purge(app, session, now=now)
    return f"purged {sum(report.rows.values())} rows, {report.files} files, {report.audit_events} audit events"


def _merge(total: Removal, one: Removal) -> None:
    total.rows.update(one.rows)
    total.storage_keys.extend(one.storage_keys)
    total.packet_ids.extend(one.packet_ids)
    total.youth_accounts += one.youth_accounts


# ---- legal hold -------------------------------------------------------------------------------------

class HoldError(ValueError):
    """The hold cannot be changed as asked (the message says why)."""


def set_legal_hold(session: Session, *, client: Client, by: User, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise HoldError(N_("Say why the file must be kept (for example, the court or request that requires it)."))
    if client.legal_hold_at is not None:
        raise HoldError(N_("This file is already under a legal hold."))
    client.legal_hold_reason, client.legal_hold_at, client.legal_hold_by_id = reason[:1000], utcnow(), by.id
    session.add(client)
    audit.record(session, action="client.legal_hold_set", user=by, record_type="client", record_id=client.id)


def clear_legal_hold(session: Session, *, client: Client, by: User, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise HoldError(N_("Say why the hold can end."))
    if client.legal_hold_at is None:
        raise HoldError(N_("This file is not under a legal hold."))
    past = {"set_at": client.legal_hold_at.isoformat(), "set_by": str(client.legal_hold_by_id),
            "reason": client.legal_hold_reason, "cleared_at": utcnow().isoformat(), "cleared_by": str(by.id),
            "clear_reason": reason[:1000]}
    client.legal_hold_history = [*client.legal_hold_history, past]
    client.legal_hold_reason, client.legal_hold_at, client.legal_hold_by_id = "", None, None
    session.add(client)
    audit.record(session, action="client.legal_hold_cleared", user=by, record_type="client", record_id=client.id)
