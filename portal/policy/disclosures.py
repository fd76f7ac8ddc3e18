"""Disclosures: every time personal information leaves the agency, its recipient and basis are recorded
first. A disclosure without a basis, or on a basis the agency's policy does not allow for that
recipient, is refused: the caller cannot make it."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, func, select

from portal import audit, validation
from portal.i18n import lazy_gettext as _l
from portal.models import Disclosure, User
from portal.policy import settings

KINDS = (("referral_out", _l("Referral to a partner")), ("export", _l("Export")),
         ("ircc_submission", _l("Application sent to IRCC")), ("records_request", _l("Access request answered")))
NEEDS_CITATION = ("legal_duty", "court_order")


class DisclosureRefused(ValueError):
    """No basis, or one the policy does not allow: str() says what to do, and .field which field."""

    def __init__(self, message, field: str = "basis"):
        super().__init__(message)
        self.field = field


def check(policy: settings.Policy, *, recipient: str, basis: str, citation: str) -> None:
    if recipient not in dict(settings.RECIPIENTS):
        raise DisclosureRefused(_l("Recipient: choose who receives it."), "recipient")
    if basis not in dict(settings.BASES):
        raise DisclosureRefused(_l("Basis: choose the basis for sharing it. Nothing leaves the agency without one."))
    if not policy.allows(recipient, basis):
        raise DisclosureRefused(_l("Basis: your agency's privacy policy does not allow sharing with this recipient "
                                   "on this basis. A manager can change the policy."))
    if basis in NEEDS_CITATION and not citation:
        raise DisclosureRefused(_l("Citation: name the law or the order you rely on."), "citation")


def record(session: Session, *, user: User | None, agency_id: uuid.UUID, kind: str, recipient: str, basis: str,
           citation: str = "", recipient_name: str = "", client_id: uuid.UUID | None = None,
           detail: str = "") -> Disclosure:
    """Check the basis against the policy, then record the disclosure; raises DisclosureRefused."""
    citation, _error = validation.text(citation, max_length=500)
    check(settings.get(session, agency_id=agency_id), recipient=recipient, basis=basis, citation=citation or "")
    disclosure = Disclosure(agency_id=agency_id, client_file_id=client_id, kind=kind, recipient=recipient,
                            recipient_name=recipient_name[:200], basis=basis, citation=citation or "",
                            detail=detail[:500], recorded_by_id=user.id if user else None)
    session.add(disclosure)
    session.flush()
    audit.record(session, action="disclosure.recorded", user=user, agency_id=agency_id,
                 record_type="client" if client_id else "agency", record_id=client_id or agency_id,
                 detail=f"kind={kind} recipient={recipient} basis={basis}")
    return disclosure


def read_basis(form) -> tuple[str, str, str]:
    return (validation.clean_text(form.get("recipient", "")), validation.clean_text(form.get("basis", "")),
            validation.clean_text(form.get("citation", "")))


def counts(session: Session, *, agency_id: uuid.UUID, start: date, end: date) -> dict:
    """Disclosures in a period, by basis and by kind (for the board's policy report)."""
    where = (Disclosure.agency_id == agency_id,
             Disclosure.disclosed_at >= datetime.combine(start, time.min, tzinfo=UTC),
             Disclosure.disclosed_at < datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC))

    def by(column):
        return dict(session.exec(select(column, func.count()).where(*where).group_by(column)).all())

    return {"by_basis": by(Disclosure.basis), "by_kind": by(Disclosure.kind), "by_recipient": by(Disclosure.recipient),
            "total": session.exec(select(func.count()).select_from(Disclosure).where(*where)).one()}


def for_client(session: Session, *, client_id: uuid.UUID) -> list[Disclosure]:
    return list(session.exec(select(Disclosure).where(Disclosure.client_file_id == client_id)
                             .order_by(Disclosure.disclosed_at.desc())))

