"""The agency's pipeline, as the manager's dashboard shows it: aggregate queries over its packets.

Every number comes from a GROUP BY query answered by an index, or from the monthly totals the
lifecycle keeps; nothing loops over packet rows in Python. Filters (caseworker, packet type, packets
started in a date range) apply to every panel.
"""
from __future__ import annotations

import os
import threading
import time as time_module
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Integer, case, cast, func, literal
from sqlmodel import Session, select

from portal import access, listing, validation
from portal.casework import assignment
from portal.i18n import lazy_gettext as _l
from portal.models import (
    Agency,
    Client,
    Milestone,
    MilestoneKind,
    OutcomeMonth,
    Packet,
    PacketStatus,
    Role,
    StateTimeMonth,
    StatusSpell,
    User,
    utcnow,
)
from portal.reporting.monthly_totals import month_of

S = PacketStatus
STATUS_ORDER = [S.draft, S.in_review, S.changes_requested, S.approved, S.submitted, S.decided, S.withdrawn]
# States where the next step is the agency's own: a packet sitting in one too long is stuck.
ACTIONABLE = (S.draft, S.in_review, S.changes_requested, S.approved)
PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters(listing.Filters):
    caseworker_id: uuid.UUID | None = None
    packet_type: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None  # the packet list only

    def query_args(self, **override) -> dict:
        """As URL arguments, under the names the filter form uses."""
        args = {
            "caseworker": str(self.caseworker_id) if self.caseworker_id else "",
            "type": self.packet_type or "",
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "status": self.status or "",
        }
        return {key: value for key, value in {**args, **override}.items() if value}

    @classmethod
    def read(cls, args, *, caseworker_ids: set, packet_types: set, today: date | None = None) -> tuple[Filters, dict]:
        """(filters, errors) from the query string; a bad value is an error, never a guess."""
        return _read_filters(args, caseworker_ids=caseworker_ids, packet_types=packet_types,
                             today=today or date.today())


def _read_filters(args, *, caseworker_ids: set, packet_types: set, today: date) -> tuple[Filters, dict]:
    values = {key: validation.clean_text(args.get(key, "")) for key in ("caseworker", "type", "from", "to", "status")}
    errors: dict = {}
    caseworker_id = None
    if values["caseworker"]:
        try:
            caseworker_id = uuid.UUID(values["caseworker"])
        except ValueError:
            caseworker_id = None
        if caseworker_id not in caseworker_ids:
            errors["caseworker"] = _l("Please choose a caseworker from the list.")
    if values["type"] and values["type"] not in packet_types:
        errors["type"] = _l("Please choose a packet type from the list.")
    if values["status"] and values["status"] not in {str(status) for status in S}:
        errors["status"] = _l("Please choose a state from the list.")
    date_from, error = validation.a_date(values["from"], past=True, today=today, earliest=date(2000, 1, 1))
    if error:
        errors["from"] = error
    date_to, error = validation.a_date(values["to"], today=today, earliest=date(2000, 1, 1))
    if error:
        errors["to"] = error
    if not errors and date_from and date_to and date_to < date_from:
        errors["to"] = _l("The end of the range must be on or after its start.")
    if errors:
        return Filters(), errors
    return Filters(caseworker_id, values["type"] or None, date_from, date_to, values["status"] or None), {}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def packet_conditions(session: Session, *, user: User, filters: Filters) -> list:
    """WHERE clauses for the packets in the user's reach under the filters."""
    if user.role == Role.manager:
        # A manager's reach is the whole agency (access.client_filter); the agency alone lets an index answer.
        clauses = [Packet.agency_id == user.agency_id]
    else:
        clauses = [access.scope(select(Packet.id), Packet, user, session).whereclause]
    if filters.caseworker_id:
        clauses.append(Packet.owner_id == filters.caseworker_id)
    if filters.packet_type:
        clauses.append(Packet.packet_type == filters.packet_type)
    if filters.date_from:
        clauses.append(Packet.created_at >= _start_of(filters.date_from))
    if filters.date_to:
        clauses.append(Packet.created_at < _start_of(filters.date_to + timedelta(days=1)))
    return clauses


def _from_monthly_totals(user: User, filters: Filters) -> bool:
    """Whether the lifecycle's monthly totals answer these filters (they know type and caseworker, not start date)."""
    return user.role == Role.manager and not (filters.date_from or filters.date_to)


def _total_conditions(model, user: User, filters: Filters) -> list:
    clauses = [model.agency_id == user.agency_id]
    if filters.caseworker_id:
        clauses.append(model.owner == filters.caseworker_id.hex)
    if filters.packet_type:
        clauses.append(model.packet_type == filters.packet_type)
    return clauses


# --- Dialect helpers (SQLite and PostgreSQL count days and ages differently) ---------------------

def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def days_since(session: Session, column, now: datetime):
    """Days from a timestamp column to `now`, as a float."""
    if _dialect(session) == "postgresql":
        return func.extract("epoch", literal(now) - column) / 86400.0
    return func.julianday(literal(now.replace(tzinfo=None).isoformat(sep=" "))) - func.julianday(column)


def days_between_dates(session: Session, later, earlier):
    if _dialect(session) == "postgresql":
        return later - earlier
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def sql_age_on(session: Session, day, date_of_birth):
    """Completed years of age on `day` (both date columns)."""
    if _dialect(session) == "postgresql":
        return cast(func.extract("year", func.age(day, date_of_birth)), Integer)
    year = lambda column: cast(func.strftime("%Y", column), Integer)  # noqa: E731
    before_birthday = case((func.strftime("%m-%d", day) < func.strftime("%m-%d", date_of_birth), 1), else_=0)
    return year(day) - year(date_of_birth) - before_birthday


# --- The dashboard -------------------------------------------------------------------------------

@dataclass
class Dashboard:
    counts: dict = field(default_factory=dict)  # {(status, packet_type): n}
    statuses: list = field(default_factory=list)  # [(status, n)]
    types: list = field(default_factory=list)  # [(packet_type, n)]
    # [(status, stays finished in the last 12 months, their average days, there now, average days so far)]
    time_in_state: list = field(default_factory=list)
    stuck: list = field(default_factory=list)  # [(packet_id, client name, type, status, owner name, days)]
    stuck_total: int = 0
    stuck_after_days: int = 14
    workload: list = field(default_factory=list)  # [(user_id, name, {status: n}, open total)]
    outcomes: list = field(default_factory=list)  # [(month, approved, refused, returned)]
    submissions: dict = field(default_factory=dict)  # {"online": n, "paper": n}: packets sent, by channel
    total: int = 0


def build(session: Session, *, user: User, filters: Filters, today: date | None = None) -> Dashboard:
    now = utcnow()
    agency = session.get(Agency, user.agency_id)
    where = packet_conditions(session, user=user, filters=filters)
    board = Dashboard(stuck_after_days=agency.stuck_after_days)

    # One pass over one index: counts per caseworker, state and type; the page adds these few groups up.
    groups = session.exec(
        select(Packet.owner_id, Packet.status, Packet.packet_type, func.count())
        .where(*where).group_by(Packet.owner_id, Packet.status, Packet.packet_type)
    ).all()
    by_status: dict = {}
    by_type: dict = {}
    loads: dict = {}
    for owner_id, status, packet_type, n in groups:  # at most caseworkers x states x types groups
        board.counts[(status, packet_type)] = board.counts.get((status, packet_type), 0) + n
        by_status[status] = by_status.get(status, 0) + n
        by_type[packet_type] = by_type.get(packet_type, 0) + n
        loads.setdefault(owner_id, {})[status] = loads.get(owner_id, {}).get(status, 0) + n
    # Days so far, for packets still moving (a decided or withdrawn packet's wait has ended).
    waited = dict(session.exec(
        select(Packet.status, func.avg(days_since(session, Packet.status_changed_at, now)))
        .where(*where, Packet.status.in_(ACTIONABLE + (S.submitted,))).group_by(Packet.status)
    ).all())
    board.statuses = [(status, by_status.get(status, 0)) for status in STATUS_ORDER]
    board.types = sorted(by_type.items(), key=lambda item: (-item[1], item[0]))
    board.total = sum(by_status.values())

    # Stays that ended in the last 12 months: how the agency works now, not years ago.
    first_month = _months_back((today or date.today()).replace(day=1), 11)
    totals = _from_monthly_totals(user, filters)
    if totals:
        spells = (select(StateTimeMonth.status, func.sum(StateTimeMonth.stays),
                         func.sum(StateTimeMonth.days) / func.sum(StateTimeMonth.stays))
                  .where(*_total_conditions(StateTimeMonth, user, filters),
                         StateTimeMonth.month >= first_month.strftime("%Y-%m"))
                  .group_by(StateTimeMonth.status))
    else:  # packets started in a date range: from the stays themselves
        spells = (select(StatusSpell.status, func.count(), func.avg(StatusSpell.days))
                  .join(Packet, Packet.id == StatusSpell.packet_id)
                  .where(*where, StatusSpell.left_at >= _start_of(first_month)).group_by(StatusSpell.status))
    finished = {status: (int(n or 0), avg) for status, n, avg in session.exec(spells).all()}
    board.time_in_state = [
        (status, finished.get(status, (0, None))[0], _round(finished.get(status, (0, None))[1]),
         by_status.get(status, 0), _round(waited.get(status)))
        for status in STATUS_ORDER
    ]

    cutoff = now - timedelta(days=agency.stuck_after_days)
    stuck_where = where + [Packet.status.in_(ACTIONABLE), Packet.status_changed_at < cutoff]
    board.stuck_total = session.exec(select(func.count()).select_from(Packet).where(*stuck_where)).one()
    owner = User.__table__.alias("owner")
    board.stuck = [
        (packet_id, f"{given} {family}".strip(), packet_type, status, owner_name or "", _round(days))
        for packet_id, given, family, packet_type, status, owner_name, days in session.exec(
            select(Packet.id, Client.given_names, Client.family_name, Packet.packet_type, Packet.status, owner.c.name,
                   days_since(session, Packet.status_changed_at, now))
            .join(Client, Client.id == Packet.client_id).join(owner, owner.c.id == Packet.owner_id, isouter=True)
            .where(*stuck_where).order_by(Packet.status_changed_at).limit(20)
        ).all()
    ]

    names = dict(assignment.caseworkers(session, agency_id=user.agency_id))
    board.workload = sorted(
        [
            (owner_id, names.get(owner_id, _l("Nobody") if owner_id is None else _l("Former staff")), counts,
             sum(counts.get(status, 0) for status in ACTIONABLE + (S.submitted,)))
            for owner_id, counts in loads.items()
        ],
        key=lambda item: (-item[3], str(item[1])),
    )

    if totals:
        outcome_rows = session.exec(
            select(OutcomeMonth.month, OutcomeMonth.outcome, func.sum(OutcomeMonth.decisions))
            .where(*_total_conditions(OutcomeMonth, user, filters), OutcomeMonth.month >= first_month.strftime("%Y-%m"))
            .group_by(OutcomeMonth.month, OutcomeMonth.outcome)
        ).all()
    else:
        month = month_of(session, Milestone.occurred_on)
        outcome_rows = session.exec(
            select(month, Milestone.outcome, func.count()).join(Packet, Packet.id == Milestone.packet_id)
            .where(*where, Milestone.agency_id == user.agency_id, Milestone.kind == MilestoneKind.decision,
                   Milestone.occurred_on >= first_month)
            .group_by(month, Milestone.outcome)
        ).all()
    months: dict = {}
    for label, outcome, n in outcome_rows:
        months.setdefault(label, {})[outcome] = n
    board.outcomes = [
        (label, months[label].get("approved", 0), months[label].get("refused", 0), months[label].get("returned", 0))
        for label in sorted(months)
    ]
    board.submissions = submissions_by_channel(session, user=user, where=where)
    return board


def submissions_by_channel(session: Session, *, user: User, where: list) -> dict:
    """Submissions recorded, online and on paper (mail, courier or in person) apart: one GROUP BY."""
    rows = session.exec(
        select(Milestone.method, func.count()).join(Packet, Packet.id == Milestone.packet_id)
        .where(*where, Milestone.agency_id == user.agency_id, Milestone.kind == MilestoneKind.submitted)
        .group_by(Milestone.method)
    ).all()
    counts = {"online": 0, "paper": 0}
    for method, n in rows:
        counts["online" if method == "online" else "paper"] += n
    return counts


# A built dashboard is kept for a short while per agency and filters, and used again only while the
# agency's packets are unchanged: every change that moves a number bumps Packet.updated_at (an index
# answers max() at once). The time limit covers what does not (a purge deleting rows).
CACHE_SECONDS = float(os.environ.get("PASSAGE_DASHBOARD_CACHE_SECONDS", "30"))
CACHE_ENTRIES = 256
_cache: dict = {}
_cache_lock = threading.Lock()


def agency_fingerprint(session: Session, agency_id) -> str:
    """Changes whenever any packet of the agency changes: what reused() checks before reusing."""
    return str(session.exec(select(func.max(Packet.updated_at)).where(Packet.agency_id == agency_id)).one())


def build_cached(session: Session, *, user: User, filters: Filters, today: date | None = None,
                 fingerprint: str | None = None) -> Dashboard:
    """build(), or the same board built moments ago when nothing in the agency changed since."""
    return reused(session, user=user, key=("board", filters, today or date.today()), fingerprint=fingerprint,
                  make=lambda: build(session, user=user, filters=filters, today=today))


def reused(session: Session, *, user: User, key: tuple, make, fingerprint: str | None = None):
    """make(), or what it gave for the same key moments ago when no packet in the agency changed since.

    Only a manager's agency-wide views are kept: they are the same for every manager of the agency.
    A page that reuses several values passes the agency's fingerprint in, read once.
    """
    if CACHE_SECONDS <= 0 or user.role != Role.manager:
        return make()
    key = (user.agency_id, *key)
    if fingerprint is None:
        fingerprint = agency_fingerprint(session, user.agency_id)
    now = time_module.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now and hit[1] == fingerprint:
        return hit[2]
    value = make()
    with _cache_lock:
        if len(_cache) >= CACHE_ENTRIES:
            _cache.pop(min(_cache, key=lambda k: _cache[k][0]))
        _cache[key] = (now + CACHE_SECONDS, fingerprint, value)
    return value


def _months_back(first_of_month: date, months: int) -> date:
    year, month = divmod(first_of_month.year * 12 + first_of_month.month - 1 - months, 12)
    return date(year, month + 1, 1)


def _round(value):
    return None if value is None else round(float(value), 1)


# --- The filtered packet list --------------------------------------------------------------------

def packet_list(session: Session, *, user: User, filters: Filters):
    """The filtered list as a SELECT, oldest state change first (the export takes every row, the page one page)."""
    now = utcnow()
    where = packet_conditions(session, user=user, filters=filters)
    if filters.status:
        where.append(Packet.status == filters.status)
    owner = User.__table__.alias("owner")
    statement = (
        select(Packet.id, Client.given_names, Client.family_name, Packet.packet_type, Packet.status, Packet.outcome,
               Packet.revision, owner.c.name, Packet.created_at, Packet.status_changed_at,
               days_since(session, Packet.status_changed_at, now))
        .join(Client, Client.id == Packet.client_id).join(owner, owner.c.id == Packet.owner_id, isouter=True)
        .where(*where).order_by(Packet.status_changed_at, Packet.id)
    )
    return statement, select(func.count()).select_from(Packet).where(*where)


def packet_page(session: Session, *, user: User, filters: Filters, page: int = 1,
                size: int = PAGE_SIZE) -> listing.Page:
    statement, count = packet_list(session, user=user, filters=filters)
    return listing.paginate(session, statement, number=page, size=size, count=count)


# --- Work waiting for review ---------------------------------------------------------------------

