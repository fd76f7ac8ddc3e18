"""Deadlines, computed from what is already recorded, never typed twice.

The rules are plain functions of dates (tested at their boundaries); the queries below fetch the few
candidate rows with indexed date ranges and hand them to the rules.

- A youth turning 18 (the citizenship form changes; support may end), and 19 or 21 for youth in or
  from care (the state-care pathway counts arrival before 19; continued care and support ends at 21).
- Documents and permits expiring (Document.expires_on) while their packet is still open.
- Documents IRCC asked for, by their due date, until marked sent.
- Signatures older than the allowed number of days before submission (planned signing date + 90).
- A pathway's last day of receipt (a packet type's `closing`, e.g. the state-care pathway), for its packets
  not yet submitted.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from portal import access
from portal.forms import PACKET_TYPES, facts, find_packet_type
from portal.forms.rules.dates import add_years
from portal.i18n import lazy_gettext as _l
from portal.models import CareStatus, Client, Document, Milestone, MilestoneKind, Packet, PacketStatus, Role, User

OPEN_STATUSES = (PacketStatus.draft, PacketStatus.in_review, PacketStatus.changes_requested, PacketStatus.approved)
LIVE_STATUSES = OPEN_STATUSES + (PacketStatus.submitted,)

# How far ahead each kind of deadline starts to show.
HORIZON = {
    "turns_18": 180,
    "turns_19": 90,
    "turns_21": 90,
    "document_expires": 90,
    "documents_due": 3650,
    "signature_expires": 30,
    "pathway_closes": 180,
}
AGE_GATES = (18, 19, 21)
CARE_STATUSES_FOR_LATER_GATES = (CareStatus.in_care, CareStatus.extended_society_care, CareStatus.former_crown_ward)


@dataclass(frozen=True)
class Deadline:
    kind: str
    due: date
    title: str
    client_id: object = None
    packet_id: object = None
    client_name: str = ""
    owner_id: object = None

    def urgency(self, today: date) -> int:
        return urgency(self.due, today)


# --- Rules: plain functions of dates ---------------------------------------------------------------

def birthday(date_of_birth: date, years: int) -> date:
    """The day someone turns `years`; born on 29 February, they turn a year older on 1 March in common years."""
    return add_years(date_of_birth, years)


def urgency(due: date, today: date) -> int:
    """0 overdue, 1 due within 7 days (today counts), 2 later."""
    if due < today:
        return 0
    if due <= today + timedelta(days=7):
        return 1
    return 2


def shows(due: date, today: date, horizon_days: int, *, overdue_shows: bool = True) -> bool:
    """Whether a deadline on `due` is on the list today: within the horizon, or past when that still matters."""
    if due < today:
        return overdue_shows
    return due <= today + timedelta(days=horizon_days)


def age_gates_ahead(date_of_birth: date, today: date, *, in_care: bool) -> list[tuple[int, date]]:
    """(age, birthday) for each age gate that comes within its horizon, today included."""
    gates = AGE_GATES if in_care else (18,)
    found = []
    for years in gates:
        day = birthday(date_of_birth, years)
        if today <= day <= today + timedelta(days=HORIZON[f"turns_{years}"]):
            found.append((years, day))
    return found


def signature_valid_until(signed_on: date, days: int | None = None) -> date:
    """The last day a signature dated `signed_on` is accepted: signed + 90 days (the day of signing is day 0)."""
    return signed_on + timedelta(days=days if days is not None else resubmission_days())


def signature_deadline(signed_on: date | None, today: date) -> date | None:
    """When the signature runs out, if that is near or past; None for no signature or plenty of time."""
    if signed_on is None or signed_on > today:
        return None
    until = signature_valid_until(signed_on)
    return until if shows(until, today, HORIZON["signature_expires"]) else None


def document_deadline(expires_on: date | None, today: date) -> date | None:
    if expires_on is None:
        return None
    return expires_on if shows(expires_on, today, HORIZON["document_expires"]) else None


def closing_deadline(today: date, closes: date | None) -> date | None:
    """A pathway's last day of receipt, once it is within the horizon (and after, while a packet is open)."""
    if closes is None:
        return None
    return closes if shows(closes, today, HORIZON["pathway_closes"]) else None


# --- Facts (dates and numbers staff can correct in portal/data/facts.toml) --------------------------

def _fact(reader: str, key: str):
    """A value from portal/data/facts.toml through the guided forms' reader; None when it is missing."""
    try:
        return getattr(facts, reader)(key)
    except facts.FactsError:
        return None


def resubmission_days() -> int:
    value = _fact("number", "resubmission_days")
    return int(value) if value else 90


# --- Queries -------------------------------------------------------------------------------------

def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return date(day.year - years, 2, 28)


def _client_scope(session: Session, user: User, caseworker_id=None) -> list:
    """Clients this list is about: a caseworker's own; a manager's agency (or one caseworker's)."""
    if user.role == Role.manager:  # a manager's reach is the whole agency (access.client_filter)
        clauses = [Client.agency_id == user.agency_id]
    else:
        clauses = [access.scope(select(Client.id), Client, user, session).whereclause]
    holder = user.id if user.role == Role.caseworker else caseworker_id
    if holder is not None:
        clauses.append(Client.assigned_caseworker_id == holder)
    return clauses + [Client.archived.is_(False)]


def _packet_scope(session: Session, user: User, caseworker_id=None) -> list:
    """Packets this list is about: those a caseworker owns or whose client they hold."""
    if user.role == Role.manager:
        clauses = [Packet.agency_id == user.agency_id]
    else:
        clauses = [access.scope(select(Packet.id), Packet, user, session).whereclause]
    holder = user.id if user.role == Role.caseworker else caseworker_id
    if holder is not None:
        clauses.append(or_(
            Packet.owner_id == holder,
            and_(Packet.owner_id.is_(None), Client.assigned_caseworker_id == holder),
        ))
    return clauses


def _checklist_label(packet_type: str, item: str) -> str:
    definition = find_packet_type(packet_type)
    found = next((entry for entry in definition.checklist if entry.key == item), None) if definition else None
    return found.label if found else item.replace("_", " ")


def deadlines_for(session: Session, *, user: User, today: date | None = None, caseworker_id=None,
                  limit: int = 200) -> list[Deadline]:
    """Every deadline in the user's reach, most urgent first."""
    today = today or date.today()
    found: list[Deadline] = []
    clients = _client_scope(session, user, caseworker_id)
    packets = _packet_scope(session, user, caseworker_id)

    ranges = []
    for years in AGE_GATES:
        start = _years_before(today, years) - timedelta(days=1)
        end = _years_before(today + timedelta(days=HORIZON[f"turns_{years}"]), years) + timedelta(days=1)
        ranges.append(Client.date_of_birth.between(start, end))
    rows = session.exec(
        select(Client.id, Client.given_names, Client.family_name, Client.date_of_birth, Client.care_status,
               Client.assigned_caseworker_id)
        .where(*clients, or_(*ranges)).limit(limit)
    ).all()
    for client_id, given, family, dob, care, owner in rows:
        name = f"{given} {family}".strip()
        for years, day in age_gates_ahead(dob, today, in_care=care in CARE_STATUSES_FOR_LATER_GATES):
            title = {
                18: _l("Turns 18: the citizenship form changes, and support may end"),
                19: _l("Turns 19: check the state-care pathway and other programs that count age 19"),
                21: _l("Turns 21: continued care and support ends"),
            }[years]
            found.append(Deadline(f"turns_{years}", day, title, client_id, None, name, owner))

    rows = session.exec(
        select(Document.expires_on, Document.checklist_item, Packet.id, Packet.client_id, Packet.owner_id,
               Client.given_names, Client.family_name, Packet.packet_type)
        .join(Packet, Packet.id == Document.packet_id).join(Client, Client.id == Packet.client_id)
        .where(*packets, Document.agency_id == user.agency_id, Packet.status.in_(LIVE_STATUSES),
               Document.expires_on.is_not(None),
               Document.expires_on <= today + timedelta(days=HORIZON["document_expires"]))
        .order_by(Document.expires_on).limit(limit)
    ).all()
    for expires_on, item, packet_id, client_id, owner, given, family, packet_type in rows:
        name = _checklist_label(packet_type, item)
        label = _l("Expired: %(item)s", item=name) if expires_on < today else _l("Expires: %(item)s", item=name)
        found.append(Deadline("document_expires", expires_on, label, client_id, packet_id,
                              f"{given} {family}".strip(), owner))

    rows = session.exec(
        select(Milestone.due_on, Packet.id, Packet.client_id, Packet.owner_id, Client.given_names, Client.family_name)
        .join(Packet, Packet.id == Milestone.packet_id).join(Client, Client.id == Packet.client_id)
        .where(*packets, Milestone.agency_id == user.agency_id, Packet.status == PacketStatus.submitted,
               Milestone.kind == MilestoneKind.documents_requested, Milestone.done_on.is_(None),
               Milestone.due_on.is_not(None))
        .order_by(Milestone.due_on).limit(limit)
    ).all()
    for due_on, packet_id, client_id, owner, given, family in rows:
        found.append(Deadline("documents_due", due_on, _l("Documents IRCC asked for are due"), client_id,
                              packet_id, f"{given} {family}".strip(), owner))

    latest_signing = today - timedelta(days=resubmission_days() - HORIZON["signature_expires"])
    rows = session.exec(
        select(Packet.planned_signing_date, Packet.id, Packet.client_id, Packet.owner_id, Client.given_names,
               Client.family_name)
        .join(Client, Client.id == Packet.client_id)
        .where(*packets, Packet.status.in_(OPEN_STATUSES), Packet.planned_signing_date.is_not(None),
               Packet.planned_signing_date <= latest_signing)
        .order_by(Packet.planned_signing_date).limit(limit)
    ).all()
    for signed_on, packet_id, client_id, owner, given, family in rows:
        due = signature_deadline(signed_on, today)
        if due is not None:
            title = _l("Signatures too old: sign again before sending") if due < today else \
                _l("Signatures run out: send the packet before this date")
            found.append(Deadline("signature_expires", due, title, client_id, packet_id,
                                  f"{given} {family}".strip(), owner))

    for key, packet_type in PACKET_TYPES.items():
        closes = closing_deadline(today, packet_type.closing.closes()) if packet_type.closing else None
        if closes is None:
            continue
        rows = session.exec(
            select(Packet.id, Packet.client_id, Packet.owner_id, Client.given_names, Client.family_name)
            .join(Client, Client.id == Packet.client_id)
            .where(*packets, Packet.status.in_(OPEN_STATUSES), Packet.packet_type == key)
            .limit(limit)
        ).all()
        for packet_id, client_id, owner, given, family in rows:
            found.append(Deadline("pathway_closes", closes, packet_type.closing.title, client_id, packet_id,
                                  f"{given} {family}".strip(), owner))

    found.sort(key=lambda item: (item.due, item.kind))
    return found[:limit]
