"""Breach support: who opened or downloaded a client's records in a period (from the audit log), privacy
incidents with the people they touched and who was told when, and the notification letters.
"""
from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from portal import access, audit, validation
from portal.i18n import lazy_gettext as _l
from portal.models import (
    AuditEvent,
    Client,
    Document,
    IncidentNotice,
    Packet,
    PrivacyIncident,
    Render,
    User,
)
from portal.reporting.exports import neutralise
from portal.validation import FormInvalid, FormResult

# The audit actions that show someone saw or took a copy of a client's records.
ACCESS_ACTIONS = {
    "client.viewed": _l("Opened the client file"),
    "client.view": _l("Opened the client file (triage)"),
    "packet.view": _l("Opened a packet"),
    "packet.review_viewed": _l("Opened a packet's review"),
    "evidence.view": _l("Opened a packet's evidence"),
    "document.download": _l("Downloaded an evidence document"),
    "render.download": _l("Downloaded a packet PDF"),
}
MAX_PERIOD = timedelta(days=3660)
CSV_HEADER = ["when_utc", "name", "email", "role", "action", "record_type", "record_id", "ip"]


@dataclass
class Access:
    when: datetime
    name: str
    email: str
    role: str
    action: str
    record_type: str
    record_id: str
    ip: str

    @property
    def label(self) -> str:
        return str(ACCESS_ACTIONS.get(self.action, self.action))


def read_period(args, *, today: date | None = None) -> FormResult:
    """The period of an access report: both dates required, the start not after the end."""
    today = today or date.today()
    raw = {"start": validation.clean_text(args.get("start", ""))[:20],
           "end": validation.clean_text(args.get("end", ""))[:20]}
    clean, errors = {}, {}
    for name in ("start", "end"):
        clean[name], error = validation.a_date(raw[name], required=True, past=True, today=today)
        if error:
            errors[name] = error
    if not errors and clean["start"] > clean["end"]:
        errors["end"] = _l("The end of the period cannot be before its start.")
    if not errors and clean["end"] - clean["start"] > MAX_PERIOD:
        errors["start"] = _l("Please choose a period of ten years or less.")
    return FormResult(values=raw, clean=clean, errors=errors)


def _records_of(session: Session, client: Client):
    """The audit log's (record_type, record_id) pairs that are this client's records."""
    packets = [str(row) for row in session.exec(select(Packet.id).where(Packet.client_id == client.id))]
    packet_ids = select(Packet.id).where(Packet.client_id == client.id)
    documents = [str(row) for row in session.exec(select(Document.id).where(Document.packet_id.in_(packet_ids)))]
    renders = [str(row) for row in session.exec(select(Render.id).where(Render.packet_id.in_(packet_ids)))]
    clauses = [and_(AuditEvent.record_type == "client", AuditEvent.record_id == str(client.id))]
    for record_type, ids in (("packet", packets), ("document", documents), ("render", renders)):
        if ids:
            clauses.append(and_(AuditEvent.record_type == record_type, AuditEvent.record_id.in_(ids)))
    return or_(*clauses)


def access_report(session: Session, *, user: User, client: Client, start: date, end: date) -> list[Access]:
    """Everyone who opened or downloaded this client's records from `start` to `end` (whole days, UTC)."""
    since = datetime.combine(start, time.min, tzinfo=UTC)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    rows = session.exec(
        select(AuditEvent, User).join(User, User.id == AuditEvent.user_id, isouter=True)
        .where(AuditEvent.agency_id == client.agency_id, AuditEvent.action.in_(list(ACCESS_ACTIONS)),
               AuditEvent.created_at >= since, AuditEvent.created_at < until, _records_of(session, client))
        .order_by(AuditEvent.created_at, AuditEvent.id)
    ).all()
    audit.record(session, action="privacy.access_report", user=user, record_type="client", record_id=client.id,
                 detail=f"from={start.isoformat()} to={end.isoformat()} rows={len(rows)}")
    return [Access(when=event.created_at, name=who.name if who else "", email=who.email if who else "",
                   role=who.role if who else "", action=event.action, record_type=event.record_type,
                   record_id=event.record_id, ip=event.ip) for event, who in rows]


def access_csv(rows: list[Access]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for row in rows:
        writer.writerow([neutralise(value) for value in (
            row.when.strftime("%Y-%m-%d %H:%M:%S"), row.name, row.email, row.role, row.action, row.record_type,
            row.record_id, row.ip)])
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# Incidents
# ---------------------------------------------------------------------------------------------

def read_incident(form, *, visible_client_ids: set[str], today: date | None = None) -> FormResult:
    raw = {
        "summary": validation.clean_text(form.get("summary", ""), multiline=True)[:4000],
        "found_on": validation.clean_text(form.get("found_on", ""))[:20],
        "containment": validation.clean_text(form.get("containment", ""), multiline=True)[:4000],
        "client_ids": [value for value in form.getlist("client_ids")][:1000],
    }
    clean, errors = {}, {}
    clean["summary"], error = validation.text(raw["summary"], required=True, max_length=4000, multiline=True)
    if error:
        errors["summary"] = _l("Please say what happened.")
    clean["found_on"], error = validation.a_date(raw["found_on"], required=True, past=True, today=today)
    if error:
        errors["found_on"] = error
    clean["containment"], _error = validation.text(raw["containment"], max_length=4000, multiline=True)
    chosen = [value for value in dict.fromkeys(raw["client_ids"]) if value]
    if any(value not in visible_client_ids for value in chosen):
        errors["client_ids"] = _l("Please choose people from the list.")
    elif not chosen:
        errors["client_ids"] = _l("Please choose whose records were involved.")
    clean["client_ids"] = chosen
    return FormResult(values=raw, clean=clean, errors=errors)


def record_incident(session: Session, *, user: User, values: dict) -> PrivacyIncident:
    incident = PrivacyIncident(agency_id=user.agency_id, summary=values["summary"], found_on=values["found_on"],
                               containment=values["containment"], client_ids=values["client_ids"],
                               recorded_by_id=user.id)
    session.add(incident)
    session.flush()
    audit.record(session, action="privacy.incident_recorded", user=user, record_type="incident",
                 record_id=incident.id, detail=f"people={len(incident.client_ids)}")
    return incident


def get_incident(session: Session, *, user: User, incident_id) -> PrivacyIncident:
    incident = session.get(PrivacyIncident, access.parse_id(incident_id))
    if incident is None or incident.agency_id != user.agency_id:
        raise LookupError(incident_id)
    return incident


def affected_clients(session: Session, *, incident: PrivacyIncident) -> list[Client]:
    ids = [uuid.UUID(value) for value in incident.client_ids]
    if not ids:
        return []
    return list(session.exec(select(Client).where(Client.agency_id == incident.agency_id, Client.id.in_(ids))
                             .order_by(Client.family_name, Client.given_names)))


def notices(session: Session, *, incident: PrivacyIncident) -> list[IncidentNotice]:
    return list(session.exec(select(IncidentNotice).where(IncidentNotice.incident_id == incident.id)
                             .order_by(IncidentNotice.notified_on, IncidentNotice.created_at)))


def add_notice(session: Session, *, user: User, incident: PrivacyIncident, form, today: date | None = None
               ) -> IncidentNotice:
    """Record that someone was told: an affected person (chosen from the incident) or anyone else, named."""
    raw = {"client_id": validation.clean_text(form.get("client_id", ""))[:40],
           "recipient": validation.clean_text(form.get("recipient", ""))[:300],
           "method": validation.clean_text(form.get("method", ""))[:100],
           "notified_on": validation.clean_text(form.get("notified_on", ""))[:20]}
    errors = {}
    client_id = raw["client_id"] or None
    if client_id and client_id not in incident.client_ids:
        errors["client_id"] = _l("Please choose one of the people in this incident.")
    if not client_id and not raw["recipient"]:
        errors["recipient"] = _l("Please say who was told, or choose a person above.")
    notified_on, error = validation.a_date(raw["notified_on"], required=True, past=True, today=today)
    if error:
        errors["notified_on"] = error
    if errors:
        raise FormInvalid(errors, raw)
    recipient = raw["recipient"]
    if client_id and not recipient:
        client = session.get(Client, uuid.UUID(client_id))
        recipient = client.display_name if client else ""
    notice = IncidentNotice(agency_id=incident.agency_id, incident_id=incident.id,
                            client_id=uuid.UUID(client_id) if client_id else None, recipient=recipient,
                            method=raw["method"], notified_on=notified_on, recorded_by_id=user.id)
    session.add(notice)
    session.flush()
    audit.record(session, action="privacy.incident_notice", user=user, record_type="incident", record_id=incident.id,
                 detail=f"notice={notice.id}")
    return notice


def for_agency(session: Session, *, agency_id: uuid.UUID) -> list[PrivacyIncident]:
    return list(session.exec(select(PrivacyIncident).where(PrivacyIncident.agency_id == agency_id)
                             .order_by(PrivacyIncident.found_on.desc(), PrivacyIncident.created_at.desc())))
