"""Browsing the audit log: one agency's events, newest first, filtered by user and record."""
import math
import uuid
from dataclasses import dataclass

from sqlmodel import Session, func, select

from portal import validation
from portal.i18n import lazy_gettext as _l
from portal.models import AuditEvent, User

PER_PAGE = 50


@dataclass
class AuditFilters:
    user: str = ""
    record: str = ""
    page: int = 1

    def as_args(self, **override) -> dict:
        args = {k: v for k, v in {**self.__dict__, **override}.items() if v not in ("", None)}
        if args.get("page") == 1:
            args.pop("page")
        return args


@dataclass
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def read_filters(args, *, user_ids: set[str]) -> tuple[AuditFilters, dict]:
    """The filters from the query string, and an error per field that cannot be used."""
    errors = {}
    try:
        page = max(1, min(int(args.get("page", "1")), 1_000_000))
    except ValueError:
        page = 1
    filters = AuditFilters(user=validation.clean_text(args.get("user", ""))[:100],
                           record=validation.clean_text(args.get("record", ""))[:200], page=page)
    if filters.user and filters.user not in user_ids:
        errors["user"] = _l("Please choose someone from the list.")
    if len(filters.record) > 64:
        errors["record"] = _l("A record id has at most 64 characters. Copy it from the record's address.")
    return filters, errors


def browse(session: Session, *, agency_id: uuid.UUID, filters: AuditFilters, per_page: int = PER_PAGE) -> AuditPage:
    clauses = [AuditEvent.agency_id == agency_id]
    if filters.user:
        clauses.append(AuditEvent.user_id == uuid.UUID(filters.user))
    if filters.record:
        clauses.append(AuditEvent.record_id == filters.record.lower())
    total = session.exec(select(func.count()).select_from(AuditEvent).where(*clauses)).one()
    pages = max(1, math.ceil(total / per_page))
    page = min(filters.page, pages)
    events = session.exec(
        select(AuditEvent).where(*clauses).order_by(AuditEvent.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return AuditPage(events=list(events), total=total, page=page, per_page=per_page)


def people(session: Session, *, agency_id: uuid.UUID) -> list[User]:
    return list(session.exec(select(User).where(User.agency_id == agency_id).order_by(User.name)))
