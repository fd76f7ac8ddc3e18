"""Consultations: the centre advises another agency's worker about a case without opening a file.

A consultation records the question, the advice given, the sources cited, the time spent and any
follow-ups promised. It comes from a referral answered this way, or from a call staff enter directly.
No client file is opened; if one is opened later, the consultation links to it. Counts leave the
agency only as aggregates (by topic and referring agency), with counts under 5 suppressed.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import Session, func, select
from werkzeug.exceptions import NotFound

from portal import access, audit, validation
from portal.i18n import lazy_gettext as _l
from portal.models import (
    Client,
    Consultation,
    ConsultationFollowUp,
    Referral,
    ReferralStatus,
    User,
    utcnow,
)
from portal.referrals import intake
from portal.validation import FormInvalid, FormResult

TOPICS = intake.CONCERNS
CHANNELS = (("phone", _l("Phone call")), ("email", _l("Email")), ("meeting", _l("Meeting")),
            ("referral", _l("Referral form")))
FIELDS = ("channel", "asker_agency", "asker_name", "asker_contact", "topic", "question", "advice", "sources",
          "minutes_spent", "consulted_on", "follow_up_what", "follow_up_due")
SOON = timedelta(days=7)  # a follow-up shows in "My work" this many days before it is due
REFERENCE_PREFIX = "CON"


class ConsultationError(ValueError):
    pass


@dataclass(frozen=True)
class Row:
    consultation: Consultation
    staff_name: str
    next_follow_up: ConsultationFollowUp | None


def _keep(result: FormResult, name: str, value_error: tuple) -> None:
    value, error = value_error
    result.clean[name] = value
    if error:
        result.errors[name] = error


def _read_asker(result: FormResult, raw: dict) -> None:
    _keep(result, "channel", validation.choice(raw["channel"], [key for key, _ in CHANNELS], required=True))
    _keep(result, "asker_agency", validation.text(raw["asker_agency"], required=True, max_length=200))
    _keep(result, "asker_name", validation.name(raw["asker_name"], required=True, max_length=200))
    _keep(result, "asker_contact", validation.text(raw["asker_contact"], max_length=254))


def _read_minutes(result: FormResult, raw: dict) -> None:
    text = validation.clean_text(raw["minutes_spent"])
    result.clean["minutes_spent"] = 0
    if not text:
        result.errors["minutes_spent"] = _l("Time spent: enter the minutes, for example 30.")
    elif not text.isdigit() or not 1 <= int(text) <= 24 * 60:
        result.errors["minutes_spent"] = _l("Time spent: enter a whole number of minutes from 1 to 1440.")
    else:
        result.clean["minutes_spent"] = int(text)


def _read_follow_up(result: FormResult, raw: dict, *, today: date) -> None:
    """An optional follow-up: what was promised and when; one without the other is an error."""
    clean, errors = result.clean, result.errors
    _keep(result, "follow_up_what", validation.text(raw["follow_up_what"], max_length=500))
    _keep(result, "follow_up_due", validation.a_date(raw["follow_up_due"], today=today))
    due = clean["follow_up_due"]
    if clean["follow_up_what"] and not due and "follow_up_due" not in errors:
        errors["follow_up_due"] = _l("Follow-up date: enter the date it is due.")
    if due and not clean["follow_up_what"] and "follow_up_due" not in errors:
        errors["follow_up_what"] = _l("Follow-up: say what was promised.")
    if isinstance(due, date) and due > today + timedelta(days=366) and "follow_up_due" not in errors:
        errors["follow_up_due"] = _l("Follow-up date: choose a date within the next year.")


def read_form(form, *, today: date | None = None) -> FormResult:
    """Check a consultation; every error names its question, and every typed value is kept."""
    today = today or date.today()
    raw = {name: form.get(name, "") for name in FIELDS}
    multiline = ("question", "advice", "sources")
    result = FormResult(values={name: validation.clean_text(value, multiline=name in multiline)
                                for name, value in raw.items()})
    _read_asker(result, raw)
    _keep(result, "topic", validation.choice(raw["topic"], [key for key, _ in TOPICS], required=True))
    _keep(result, "question", validation.text(raw["question"], required=True, max_length=4000, multiline=True))
    _keep(result, "advice", validation.text(raw["advice"], required=True, max_length=8000, multiline=True))
    _keep(result, "sources", validation.text(raw["sources"], max_length=2000, multiline=True))
    _read_minutes(result, raw)
    _keep(result, "consulted_on", validation.a_date(raw["consulted_on"], required=True, past=True, today=today,
                                                    earliest=date(2000, 1, 1)))
    _read_follow_up(result, raw, today=today)
    labels = {"asker_agency": _l("Agency"), "asker_name": _l("Worker's name"), "question": _l("Question"),
              "advice": _l("Advice given"), "topic": _l("Topic"), "channel": _l("How they asked"),
              "consulted_on": _l("Date")}
    for name, label in labels.items():  # "Question: Please fill this in." rather than a bare message
        if name in result.errors and not str(result.errors[name]).startswith(str(label)):
            result.errors[name] = f"{label}: {result.errors[name]}"
    return result


def defaults(*, referral: Referral | None, today: date | None = None) -> dict:
    today = today or date.today()
    values = {"consulted_on": today.isoformat(), "channel": "phone"}
    if referral is not None:
        contact = referral.referrer_email or referral.referrer_phone
        values.update(channel="referral", asker_agency=referral.referrer_agency, asker_name=referral.referrer_name,
                      asker_contact=contact, topic=referral.concern, question=referral.concern_detail)
    return values


def _new_reference(session: Session) -> str:
    for _attempt in range(5):
        part = lambda: "".join(secrets.choice(intake.REFERENCE_ALPHABET) for _ in range(4))  # noqa: E731
        reference = f"{REFERENCE_PREFIX}-{part()}-{part()}"
        if not session.exec(select(Consultation.id).where(Consultation.reference == reference)).first():
            return reference
    raise ConsultationError("could not draw a free reference number")


def record(session: Session, *, user: User, clean: dict, referral: Referral | None = None) -> Consultation:
    """Keep a consultation; a referral answered this way leaves the triage queue as "Consultation given"."""
    if referral is not None:
        # Conditional UPDATE: two staff answering the same referral at once make one consultation, not two.
        moved = session.execute(
            sa.update(Referral)
            .where(Referral.id == referral.id, Referral.status.in_(intake.OPEN_STATUSES))
            .values(status=ReferralStatus.consulted, updated_at=utcnow()).execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            raise ConsultationError(_l("This referral was already dealt with."))
        session.refresh(referral)
    consultation = Consultation(
        agency_id=user.agency_id, reference=_new_reference(session), staff_id=user.id,
        referral_id=referral.id if referral else None,
        **{name: clean[name] for name in FIELDS if not name.startswith("follow_up")},
    )
    session.add(consultation)
    session.flush()
    if clean.get("follow_up_what"):
        add_follow_up(session, consultation=consultation, user=user, what=clean["follow_up_what"],
                      due_on=clean["follow_up_due"])
    if referral is not None:
        intake.add_event(session, referral, actor=user, kind="consulted", note=consultation.reference)
    audit.record(session, action="consultation.recorded", user=user, record_type="consultation",
                 record_id=consultation.id, detail=f"topic={consultation.topic} channel={consultation.channel}")
    return consultation


def open_consultation(session: Session, *, user: User, consultation_id) -> Consultation:
    consultation = access.get_or_404(session, Consultation, consultation_id, user)
    audit.record(session, action="consultation.viewed", user=user, record_type="consultation",
                 record_id=consultation.id)
    return consultation


def update(session: Session, *, consultation: Consultation, user: User, clean: dict) -> None:
    for name in FIELDS:
        if not name.startswith("follow_up"):
            setattr(consultation, name, clean[name])
    consultation.updated_at = utcnow()
    audit.record(session, action="consultation.updated", user=user, record_type="consultation",
                 record_id=consultation.id)


def add_follow_up(session: Session, *, consultation: Consultation, user: User, what: str, due_on: date,
                  assigned_to: User | None = None) -> ConsultationFollowUp:
    follow_up = ConsultationFollowUp(agency_id=consultation.agency_id, consultation_id=consultation.id, what=what,
                                     due_on=due_on, assigned_to_id=(assigned_to or user).id)
    session.add(follow_up)
    session.flush()
    audit.record(session, action="consultation.follow_up_added", user=user, record_type="consultation",
                 record_id=consultation.id, detail=f"due={due_on.isoformat()}")
    return follow_up


def read_follow_up(form, *, today: date | None = None) -> tuple[str, date]:
    """(what, due) from the add-a-follow-up form; raises FormInvalid naming each field."""
    result = FormResult(values={name: validation.clean_text(form.get(name, ""))
                                for name in ("follow_up_what", "follow_up_due")})
    _read_follow_up(result, {name: form.get(name, "") for name in ("follow_up_what", "follow_up_due")},
                    today=today or date.today())
    if not result.clean["follow_up_what"] and "follow_up_what" not in result.errors:
        result.errors["follow_up_what"] = _l("Follow-up: say what was promised.")
    if not result.ok:
        raise FormInvalid(result.errors, result.values)
    return result.clean["follow_up_what"], result.clean["follow_up_due"]


def complete_follow_up(session: Session, *, consultation: Consultation, user: User, follow_up_id,
                       today: date | None = None) -> None:
    follow_up = session.exec(select(ConsultationFollowUp).where(
        ConsultationFollowUp.id == access.parse_id(follow_up_id),
        ConsultationFollowUp.consultation_id == consultation.id)).first()
    if follow_up is None:
        raise ConsultationError(_l("That follow-up is not part of this consultation."))
    if follow_up.done_on is None:
        follow_up.done_on = today or date.today()
        audit.record(session, action="consultation.follow_up_done", user=user, record_type="consultation",
                     record_id=consultation.id)


def link_client(session: Session, *, consultation: Consultation, user: User, client_id) -> Client:
    """Link to a client file opened later; only a file this person may open."""
    try:
        client = access.get_or_404(session, Client, client_id, user)
    except NotFound as error:
        raise ConsultationError(_l("Client file: choose one of your agency's client files.")) from error
    consultation.client_file_id = client.id
    consultation.updated_at = utcnow()
    audit.record(session, action="consultation.linked", user=user, record_type="consultation",
                 record_id=consultation.id, detail=f"client={client.id}")
    return client


def follow_ups(session: Session, *, consultation: Consultation) -> list[tuple[ConsultationFollowUp, str]]:
    rows = session.exec(
        select(ConsultationFollowUp, User.name)
        .join(User, User.id == ConsultationFollowUp.assigned_to_id, isouter=True)
        .where(ConsultationFollowUp.consultation_id == consultation.id)
        .order_by(ConsultationFollowUp.done_on.is_not(None), ConsultationFollowUp.due_on)
    ).all()
    return [(follow_up, name or "") for follow_up, name in rows]


def listing(session: Session, *, user: User, show: str = "open", limit: int = 200) -> list[Row]:
    """The agency's consultations, newest first; "open" keeps those with a follow-up still to do."""
    statement = access.scope(select(Consultation, User.name), Consultation, user, session)
    statement = statement.join(User, User.id == Consultation.staff_id, isouter=True)
    pending = select(ConsultationFollowUp.consultation_id).where(ConsultationFollowUp.done_on.is_(None))
    if show == "open":
        statement = statement.where(Consultation.id.in_(pending))
    found = session.exec(statement.order_by(Consultation.consulted_on.desc(), Consultation.created_at.desc())
                         .limit(limit)).all()
    ids = [consultation.id for consultation, _name in found]
    nexts: dict = {}
    if ids:
        for follow_up in session.exec(select(ConsultationFollowUp).where(
                ConsultationFollowUp.consultation_id.in_(ids), ConsultationFollowUp.done_on.is_(None))
                .order_by(ConsultationFollowUp.due_on)):
            nexts.setdefault(follow_up.consultation_id, follow_up)
    return [Row(consultation, name or "", nexts.get(consultation.id)) for consultation, name in found]


def due_for(session: Session, *, user: User, today: date) -> list[tuple[ConsultationFollowUp, Consultation]]:
    """Open follow-ups assigned to this person, due within a week or overdue."""
    statement = access.scope(select(ConsultationFollowUp, Consultation), Consultation, user, session)
    statement = statement.join(Consultation, Consultation.id == ConsultationFollowUp.consultation_id).where(
        ConsultationFollowUp.assigned_to_id == user.id, ConsultationFollowUp.done_on.is_(None),
        ConsultationFollowUp.due_on <= today + SOON)
    return list(session.exec(statement.order_by(ConsultationFollowUp.due_on)).all())


def counts(session: Session, *, user: User, start: date | None = None, end: date | None = None) -> dict:
    """How many consultations, and the minutes they took, by referring agency and by topic, in a period."""
    where = [Consultation.agency_id == user.agency_id]
    if start:
        where.append(Consultation.consulted_on >= start)
    if end:
        where.append(Consultation.consulted_on <= end)

    def by(column):
        rows = session.exec(select(column, func.count(), func.sum(Consultation.minutes_spent))
                            .where(*where).group_by(column).order_by(func.count().desc(), column)).all()
        return [(key, n, int(minutes or 0)) for key, n, minutes in rows]

    total = session.exec(select(func.count()).select_from(Consultation).where(*where)).one()
    return {"total": total, "by_agency": by(Consultation.asker_agency), "by_topic": by(Consultation.topic)}
