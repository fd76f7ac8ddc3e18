"""The policy report for the board: the settings in force, disclosures by basis in a period, how fast
access requests were answered, and what the retention job disposed of. Counts only, no names."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, func, select

from portal.i18n import lazy_gettext as _l
from portal.models import AccessRequest, Agency, AuditEvent
from portal.policy import disclosures, settings


@dataclass(frozen=True)
class BoardReport:
    agency: Agency
    start: date
    end: date
    policy: settings.Policy
    disclosures: dict
    retention_actions: list[tuple[str, int]]
    access_requests: dict


def _between(column, start: date, end: date):
    first = datetime.combine(start, time.min, tzinfo=UTC)
    after = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    return column >= first, column < after


def build(session: Session, *, agency: Agency, start: date, end: date, access_requests: dict | None = None
          ) -> BoardReport:
    retention = session.exec(
        select(AuditEvent.action, func.count()).where(AuditEvent.agency_id == agency.id,
                                                      AuditEvent.action.like("retention.%"),
                                                      *_between(AuditEvent.created_at, start, end))
        .group_by(AuditEvent.action).order_by(AuditEvent.action)).all()
    return BoardReport(agency, start, end, settings.get(session, agency_id=agency.id),
                       disclosures.counts(session, agency_id=agency.id, start=start, end=end),
                       [(action, n) for action, n in retention],
                       access_requests if access_requests is not None else turnaround(session, agency=agency,
                                                                                      start=start, end=end))


def turnaround(session: Session, *, agency: Agency, start: date, end: date) -> dict:
    """Access requests received in the period: how many, answered, on time, and the median days to answer."""
    rows = session.exec(select(AccessRequest.received_on, AccessRequest.due_on, AccessRequest.answered_on).where(
        AccessRequest.agency_id == agency.id, AccessRequest.received_on >= start,
        AccessRequest.received_on <= end)).all()
    if not rows:
        return {}
    answered = sorted((done - received).days for received, _due, done in rows if done is not None)
    late = sum(1 for _received, due, done in rows if (done or date.today()) > due)
    median = answered[len(answered) // 2] if answered else None
    return {_l("Received"): len(rows), _l("Answered"): len(answered), _l("Late or overdue"): late,
            _l("Median days to answer"): median if median is not None else "-"}
