"""Correction requests (CYFSA s. 315): a person asks for a field of their file to be corrected; a manager
corrects it, or refuses and attaches the person's statement of disagreement to the field; the person is told
in their youth portal when they have an account, and by a printed letter otherwise.
"""
from __future__ import annotations

import uuid
from datetime import date

from sqlmodel import Session, select

from portal import access, audit, validation
from portal.casework.clients import refresh_search_name
from portal.i18n import lazy_gettext as _l
from portal.models import Client, CorrectionRequest, CorrectionStatus, Role, User, utcnow
from portal.validation import FormInvalid, FormResult

# The client-file fields a person may ask to correct, with the check a corrected value must pass.
FIELDS = {
    "family_name": (_l("Family name"), lambda v: validation.name(v, max_length=200)),
    "given_names": (_l("Given names"), lambda v: validation.name(v, max_length=200)),
    "other_names": (_l("Other names used"), lambda v: validation.text(v, max_length=500)),
    "date_of_birth": (_l("Date of birth"), lambda v: validation.date_of_birth(v)),
    "country_of_birth": (_l("Country of birth"), lambda v: validation.text(v, max_length=100)),
    "citizenships": (_l("Citizenships"), lambda v: validation.text(v, max_length=300)),
    "preferred_language": (_l("Preferred language"), lambda v: validation.text(v, max_length=60)),
    "phone": (_l("Phone"), lambda v: validation.phone(v)),
    "email": (_l("Email"), lambda v: validation.email(v)),
    "address": (_l("Address"), lambda v: validation.text(v, max_length=500, multiline=True)),
    "uci": (_l("UCI"), lambda v: validation.uci(v)),
}
DECISIONS = ("correct", "disagree")


def field_label(name: str) -> str:
    return str(FIELDS[name][0]) if name in FIELDS else name


def _shown(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value or "")


def read_request(form, *, today: date | None = None) -> FormResult:
    raw = {
        "field": validation.clean_text(form.get("field", "")),
        "requested_value": validation.clean_text(form.get("requested_value", ""), multiline=True)[:2000],
        "reason": validation.clean_text(form.get("reason", ""), multiline=True)[:2000],
        "received_on": validation.clean_text(form.get("received_on", ""))[:20],
    }
    clean, errors = {}, {}
    clean["field"], error = validation.choice(raw["field"], FIELDS, required=True)
    if error:
        errors["field"] = error
    clean["requested_value"], error = validation.text(raw["requested_value"], required=True, max_length=2000,
                                                      multiline=True)
    if error:
        errors["requested_value"] = _l("Please write what the person says it should be.")
    clean["reason"], _error = validation.text(raw["reason"], max_length=2000, multiline=True)
    clean["received_on"], error = validation.a_date(raw["received_on"], required=True, past=True, today=today)
    if error:
        errors["received_on"] = error
    return FormResult(values=raw, clean=clean, errors=errors)


def record(session: Session, *, user: User, client: Client, values: dict) -> CorrectionRequest:
    request = CorrectionRequest(
        agency_id=client.agency_id, client_id=client.id, field=values["field"],
        value_when_asked=_shown(getattr(client, values["field"])), requested_value=values["requested_value"],
        reason=values["reason"], received_on=values["received_on"], recorded_by_id=user.id,
    )
    session.add(request)
    session.flush()
    audit.record(session, action="correction.recorded", user=user, record_type="client", record_id=client.id,
                 detail=f"request={request.id} field={request.field}")
    return request


def youth_account(session: Session, *, client: Client) -> User | None:
    """The person's own active account, through which they are told; None means a letter."""
    return session.exec(select(User).where(User.client_id == client.id, User.role == Role.youth,
                                           User.active.is_(True))).first()


def decide(session: Session, *, user: User, request: CorrectionRequest, client: Client, decision: str,
           corrected_value: str = "", statement: str = "", note: str = "") -> CorrectionRequest:
    """Correct the field, or attach the statement of disagreement; say how the person is told.

    Raises FormInvalid naming the field at fault (a decided request, a value the field cannot hold, no statement).
    """
    if user.role != Role.manager:
        raise PermissionError("only a manager decides a correction request")
    if request.status != CorrectionStatus.open:
        raise FormInvalid({"decision": _l("This request was already decided.")})
    if decision not in DECISIONS:
        raise FormInvalid({"decision": _l("Please choose one of the options.")})
    note = validation.clean_text(note, multiline=True)[:2000]
    if decision == "correct":
        value, error = FIELDS[request.field][1](corrected_value)
        if error or (value in ("", None) and request.field in ("family_name", "date_of_birth")):
            raise FormInvalid({"corrected_value": error or _l("Please enter the corrected value.")},
                              {"corrected_value": corrected_value})
        setattr(client, request.field, value)
        request.corrected_value = _shown(value)
        refresh_search_name(client)
        client.updated_at = utcnow()
        request.status = CorrectionStatus.corrected
        audit.record(session, action="client.updated", user=user, record_type="client", record_id=client.id,
                     detail=f"fields={request.field} correction={request.id}")
    else:
        statement = validation.clean_text(statement, multiline=True)[:4000]
        if not statement:
            raise FormInvalid({"statement": _l("Please write the person's statement of disagreement.")},
                              {"statement": statement})
        request.statement = statement
        request.status = CorrectionStatus.disagreement
    request.decision_note, request.decided_by_id, request.decided_at = note, user.id, utcnow()
    request.told_by = "portal" if youth_account(session, client=client) is not None else "letter"
    audit.record(session, action=f"correction.{request.status}", user=user, record_type="client",
                 record_id=client.id, detail=f"request={request.id} field={request.field} told={request.told_by}")
    return request


def get(session: Session, *, user: User, request_id) -> tuple[CorrectionRequest, Client]:
    """A request of the user's agency and its client file, through the client scope; 404 otherwise."""
    request = access.get_or_404(session, CorrectionRequest, request_id, user)
    return request, access.get_or_404(session, Client, request.client_id, user)


def for_client(session: Session, *, client: Client) -> list[CorrectionRequest]:
    return list(session.exec(select(CorrectionRequest).where(CorrectionRequest.client_id == client.id)
                             .order_by(CorrectionRequest.created_at.desc())))


def statements_by_field(requests: list[CorrectionRequest]) -> dict[str, list[CorrectionRequest]]:
    """The statements of disagreement attached to each field: shown wherever the field is shown."""
    found: dict[str, list[CorrectionRequest]] = {}
    for request in requests:
        if request.status == CorrectionStatus.disagreement:
            found.setdefault(request.field, []).append(request)
    return found


def open_for_agency(session: Session, *, agency_id: uuid.UUID) -> list[tuple[CorrectionRequest, Client]]:
    return list(session.exec(
        select(CorrectionRequest, Client).join(Client, Client.id == CorrectionRequest.client_id)
        .where(CorrectionRequest.agency_id == agency_id, CorrectionRequest.status == CorrectionStatus.open)
        .order_by(CorrectionRequest.received_on)))


def decided_for_youth(session: Session, *, user: User) -> list[CorrectionRequest]:
    """The decisions a youth is told of in their portal: their own file's only."""
    if user.role != Role.youth or not user.client_id:
        return []
    return list(session.exec(select(CorrectionRequest).where(
        CorrectionRequest.client_id == user.client_id, CorrectionRequest.agency_id == user.agency_id,
        CorrectionRequest.status != CorrectionStatus.open).order_by(CorrectionRequest.decided_at.desc())))
