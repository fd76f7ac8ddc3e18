"""Packet operations: start a packet, save answers without losing anyone's work, move the signing date.

Each function changes and flushes; the caller commits. Saves are optimistic: a save names the
version it started from, and a field someone else changed since then is refused with both values.
"""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from portal import audit
from portal.forms import build_context, get_packet_type
from portal.i18n import gettext as _
from portal.i18n import ngettext
from portal.models import OPEN_PACKET_STATUSES, Agency, Client, Packet, PacketStatus, User, utcnow
from portal.packets import language as packet_language
from portal.packets import lifecycle, signatures

SAVE_ATTEMPTS = 5


class PacketError(ValueError):
    """A packet operation that cannot be done, with a message for the user."""


class NotEditableError(PacketError):
    pass


@dataclass(frozen=True)
class Conflict:
    field: str
    theirs: Any  # the newer value stored by someone else
    mine: Any  # the value this save tried to store
    by: str = ""  # user id of whoever saved theirs
    at: str = ""  # when (ISO time)


class StaleSaveError(PacketError):
    """Someone else changed some of these fields after the form was opened."""

    def __init__(self, conflicts: list[Conflict], current_version: int):
        self.conflicts = conflicts
        self.current_version = current_version
        super().__init__(ngettext("%(num)s answer was changed by someone else",
                                  "%(num)s answers were changed by someone else", len(conflicts)))


def start_packet(session: Session, *, client: Client, packet_type_key: str, user: User,
                 planned_signing_date: date | None, packet_id: uuid.UUID | None = None,
                 today: date | None = None) -> Packet:
    """A new draft packet for a client, with answers the client file already gives filled in."""
    packet_type = get_packet_type(packet_type_key)
    if packet_type.available is not None:
        may_start, reason = packet_type.available(today or date.today())
        if not may_start:
            raise PacketError(reason)
    packet = Packet(
        id=packet_id or uuid.uuid4(), agency_id=client.agency_id, client_id=client.id, packet_type=packet_type.key,
        status=PacketStatus.draft,
        planned_signing_date=planned_signing_date, owner_id=user.id, created_by_id=user.id,
        language=packet_language.from_client(client.preferred_language),
    )
    agency = session.get(Agency, client.agency_id)
    context = build_context(packet=packet, client=client, agency=agency)
    answers, meta, now = {}, {}, utcnow().isoformat(timespec="seconds")
    for step in packet_type.steps:
        for item in step.fields:
            if item.prefill is None:
                continue
            value = item.prefill(context)
            if value not in (None, ""):
                answers[item.name] = value
                meta[item.name] = {"by": str(user.id), "role": "client_file", "at": now, "in_person": False, "v": 1}
    packet.answers, packet.answer_meta = answers, meta
    session.add(packet)
    session.flush()
    audit.record(session, action="packet.create", user=user, record_type="packet", record_id=packet.id,
                 detail=f"type={packet_type.key} client={client.id}")
    return packet


def open_packet(session: Session, *, client: Client, packet_type_key: str) -> Packet | None:
    """The client's open (not yet submitted or withdrawn) packet of this type, if there is one."""
    return session.exec(select(Packet).where(
        Packet.client_id == client.id, Packet.agency_id == client.agency_id, Packet.packet_type == packet_type_key,
        Packet.status.in_(OPEN_PACKET_STATUSES))).first()


def open_packets_by_type(session: Session, *, client: Client) -> dict[str, Packet]:
    """The client's open packets, by packet type: what triage offers to open instead of starting again."""
    rows = session.exec(select(Packet).where(Packet.client_id == client.id, Packet.agency_id == client.agency_id,
                                             Packet.status.in_(OPEN_PACKET_STATUSES))).all()
    return {packet.packet_type: packet for packet in rows}


def start_or_open(session: Session, *, client: Client, packet_type_key: str, user: User,
                  planned_signing_date: date | None, today: date | None = None) -> tuple[Packet, bool]:
    """The packet to work on and whether it is new: starting a type already open opens that packet.

    The unique index on open packets settles a race (a double click, two caseworkers): the loser's insert
    fails, its session is rolled back (a start changes nothing else) and it opens the winner's packet.
    """
    existing = open_packet(session, client=client, packet_type_key=packet_type_key)
    if existing is not None:
        return existing, False
    try:
        return start_packet(session, client=client, packet_type_key=packet_type_key, user=user,
                            planned_signing_date=planned_signing_date, today=today), True
    except IntegrityError:
        session.rollback()
        existing = open_packet(session, client=client, packet_type_key=packet_type_key)
        if existing is None:
            raise
        return existing, False


def _conflicts(packet: Packet, changes: dict, base_version: int) -> list[Conflict]:
    if packet.version == base_version:
        return []
    found = []
    for name, mine in changes.items():
        info = (packet.answer_meta or {}).get(name) or {}
        theirs = (packet.answers or {}).get(name)
        if info.get("v", 0) > base_version and theirs != mine:
            found.append(Conflict(name, theirs, mine, by=info.get("by", ""), at=info.get("at", "")))
    return found


def save_answers(session: Session, *, packet: Packet, changes: dict, base_version: int, user: User,
                 in_person: bool = False, ask_caseworker: Iterable[str] = (), audit_detail: str = "") -> Packet:
    """Merge changed answers into the packet, or raise StaleSaveError; the caller commits.

    `ask_caseworker` names questions a youth left open for their caseworker. The version check is a
    conditional UPDATE, so of two concurrent saves from the same version only one can win.
    """
    asked = set(ask_caseworker)
    for attempt in range(SAVE_ATTEMPTS):
        if attempt:
            session.refresh(packet)  # the first try trusts the packet as loaded; a stale one fails the UPDATE
        if not lifecycle.is_editable(packet):
            raise NotEditableError(_("This packet can no longer be changed in its current state."))
        conflicts = _conflicts(packet, changes, base_version)
        if conflicts:
            raise StaleSaveError(conflicts, packet.version)
        answers = dict(packet.answers or {})
        meta = {name: dict(info) for name, info in (packet.answer_meta or {}).items()}
        new_version = packet.version + 1
        now = utcnow()
        changed = set()
        for name, value in changes.items():
            if name not in asked and answers.get(name) == value and name in answers:
                continue
            answers[name] = value
            changed.add(name)
            entry = {"by": str(user.id), "role": str(user.role), "at": now.isoformat(timespec="seconds"),
                     "in_person": bool(in_person), "v": new_version}
            if name in asked and value in (None, "", []):
                entry["ask_caseworker"] = True
            meta[name] = entry
        for name in asked - set(changes):
            entry = dict(meta.get(name) or {})
            entry.update({"ask_caseworker": True, "by": str(user.id), "role": str(user.role),
                          "at": now.isoformat(timespec="seconds"), "v": new_version})
            meta[name] = entry
            changed.add(name)
        if not changed:
            return packet
        result = session.execute(
            update(Packet.__table__)
            .where(Packet.__table__.c.id == packet.id, Packet.__table__.c.version == packet.version,
                   Packet.__table__.c.status.in_([str(status) for status in lifecycle.EDITABLE_STATUSES]))
            .values(answers=answers, answer_meta=meta, version=new_version, updated_at=now)
        )
        if result.rowcount == 1:
            for name, value in (("answers", answers), ("answer_meta", meta), ("version", new_version),
                                ("updated_at", now)):
                set_committed_value(packet, name, value)
            _answers_changed(session, packet=packet, changed=changed, user=user)
            # Last: a save that seals the audit chain holds the seal until commit (others skip, not wait).
            audit.record(session, action="packet.save", user=user, record_type="packet", record_id=packet.id,
                         detail=audit_detail or f"fields={len(changed)} version={new_version}")
            return packet
        # Someone saved (or moved the packet on) between our read and our write: read again, check again.
    raise PacketError(_("The packet is being changed by many people at once. Please try again."))


def _answers_changed(session: Session, *, packet: Packet, changed: set, user: User) -> None:
    """What every change of answers sets off: a new revision of an approved packet, and voided signatures."""
    lifecycle.answers_changed(session, packet=packet, changed=changed, user=user)
    signatures.on_answers_changed(session, packet=packet, changed=changed, user=user)


def set_planned_signing_date(session: Session, *, packet: Packet, signing_date: date | None, user: User) -> Packet:
    """Move the planned signing date; every age and presence rule reads it, so they re-run."""
    if not lifecycle.is_editable(packet):
        raise NotEditableError(_("This packet can no longer be changed in its current state."))
    session.refresh(packet)
    if packet.planned_signing_date == signing_date:
        return packet
    result = session.execute(
        update(Packet.__table__)
        .where(Packet.__table__.c.id == packet.id, Packet.__table__.c.version == packet.version)
        .values(planned_signing_date=signing_date, version=packet.version + 1, updated_at=utcnow())
    )
    if result.rowcount != 1:
        raise PacketError(_("The packet changed while saving the date. Please try again."))
    session.refresh(packet)
    audit.record(session, action="packet.signing_date", user=user, record_type="packet", record_id=packet.id)
    _answers_changed(session, packet=packet, changed={"planned_signing_date"}, user=user)
    return packet


def packets_of_client(session: Session, *, client_id: uuid.UUID) -> list[Packet]:
    """A client's packets, newest first (the caller has already checked access to the client)."""
    return list(session.exec(select(Packet).where(Packet.client_id == client_id).order_by(Packet.created_at.desc())))


def user_names(session: Session, *, agency_id: uuid.UUID, ids: Iterable[str]) -> dict[str, str]:
    """Display names for the users who answered, limited to the packet's agency."""
    wanted = []
    for value in set(ids):
        try:
            wanted.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    if not wanted:
        return {}
    rows = session.exec(select(User).where(User.agency_id == agency_id, User.id.in_(wanted)))
    return {str(user.id): user.name for user in rows}
