"""Browsing the audit log: one agency's events, newest first, filtered by user and record."""
import uuid
from dataclasses import dataclass

from sqlmodel import Session, func, select

from portal import listing, validation
from portal.i18n import lazy_gettext as _l
from portal.models import AuditEvent, User

PER_PAGE = 50


@dataclass
class Filters(listing.Filters):
    user: str = ""
    record: str = ""
    page: int = 1

    @classmethod
    def read(cls, args, *, user_ids: set[str]) -> tuple["Filters", dict]:
        """The filters from the query string, and an error per field that cannot be used."""
        errors = {}
        filters = cls(user=validation.clean_text(args.get("user", ""))[:100],
                      record=validation.clean_text(args.get("record", ""))[:200],
                      page=listing.page_number(args.get("page")))
        if filters.user and filters.user not in user_ids:
            errors["user"] = _l("Please choose someone from the list.")
        if len(filters.record) > 64:
            errors["record"] = _l("A record id has at most 64 characters. Copy it from the record's address.")
        return filters, errors


def browse(session: Session, *, agency_id: uuid.UUID, filters: Filters, per_page: int = PER_PAGE) -> listing.Page:
    clauses = [AuditEvent.agency_id == agency_id]
    if filters.user:
        clauses.append(AuditEvent.user_id == uuid.UUID(filters.user))
    if filters.record:
        clauses.append(AuditEvent.record_id == filters.record.lower())
    return listing.paginate(session, select(AuditEvent).where(*clauses).order_by(AuditEvent.id.desc()),
                            number=filters.page, size=per_page,
                            count=select(func.count()).select_from(AuditEvent).where(*clauses))


def people(session: Session, *, agency_id: uuid.UUID) -> list[User]:
    return list(session.exec(select(User).where(User.agency_id == agency_id).order_by(User.name)))
