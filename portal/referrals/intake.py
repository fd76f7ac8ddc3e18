"""Referrals into the centre: the public form, phone and email referrals entered by staff, and triage.

The public form asks for the minimum: who refers, a first name or initials, an age or date of birth,
the region and language, the concern, the urgency, and consent (or the legal basis for referring
without it). It is protected without third-party services: CSRF, a honeypot field, and a rate limit
per address kept in the database. Nothing about a case is ever shown back to an anonymous visitor.
"""
from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, timedelta

from sqlmodel import Session, func, select

from portal import access, audit, mail, validation
from portal.accounts import limits
from portal.casework import clients
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.models import (
    Agency,
    CareStatus,
    Client,
    Consultation,
    Referral,
    ReferralEvent,
    ReferralStatus,
    Role,
    StatusInCanada,
    User,
    utcnow,
)
from portal.validation import FormInvalid, FormResult

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud over the phone
RATE_LIMIT = 5  # referrals one address may send per window
RATE_WINDOW = timedelta(hours=1)
HONEYPOT = "website"

CHANNELS = (("online", _l("Online form")), ("phone", _l("Phone")), ("email", _l("Email")))
STATUSES = {
    ReferralStatus.new: _l("New"),
    ReferralStatus.info_requested: _l("More information asked"),
    ReferralStatus.accepted: _l("Accepted"),
    ReferralStatus.declined: _l("Declined"),
    ReferralStatus.consulted: _l("Consultation given"),
}
OPEN_STATUSES = (ReferralStatus.new, ReferralStatus.info_requested)
# Place names stay as they are; the words around them are translated.
REGIONS = (
    ("peel", "Peel (Brampton, Mississauga, Caledon)"), ("toronto", "Toronto"), ("york", "York"), ("durham", "Durham"),
    ("halton", "Halton"), ("hamilton", "Hamilton"), ("niagara", "Niagara"), ("waterloo", "Waterloo"),
    ("ottawa", "Ottawa"), ("london-middlesex", _l("London and Middlesex")), ("windsor-essex", _l("Windsor and Essex")),
    ("simcoe-muskoka", _l("Simcoe and Muskoka")), ("kingston", _l("Kingston and area")),
    ("northern", _l("Northern Ontario")), ("other-ontario", _l("Elsewhere in Ontario")),
    ("outside-ontario", _l("Outside Ontario")),
)
CONCERNS = (
    ("no_status", _l("No immigration status")),
    ("pr_citizenship", _l("Permanent resident who could get citizenship")),
    ("born_canadian", _l("May already be Canadian (born here or to a Canadian parent)")),
    ("documents", _l("Missing or expired status documents")),
    ("removal", _l("Removal order or deportation risk")),
    ("refugee", _l("Refugee claim")),
    ("work_study", _l("Needs a work or study permit")),
    ("unsure", _l("Not sure / other")),
)
URGENCIES = (
    ("none", _l("No specific date")),
    ("turning_18", _l("Youth turning 18 soon")),
    ("removal", _l("Removal date set")),
    ("other", _l("Other deadline")),
)
CONSENTS = (
    ("obtained", _l("Consent to refer was obtained")),
    ("without", _l("Referring without consent, under a legal basis")),
)
FIELDS = ("channel", "referrer_agency", "referrer_name", "referrer_email", "referrer_phone", "child_name", "child_age",
          "child_date_of_birth", "region", "language", "concern", "concern_detail", "urgency", "urgency_date",
          "urgency_note", "consent", "legal_basis")


class ReferralError(ValueError):
    pass


def _keep(result: FormResult, name: str, value_error: tuple) -> None:
    """Store a checked value, and its error if it has one."""
    value, error = value_error
    result.clean[name] = value
    if error:
        result.errors[name] = error


def _read_referrer(result: FormResult, raw: dict, *, staff: bool) -> None:
    """How the referral came in, and who sent it: an email or a phone number to reach them."""
    clean, errors = result.clean, result.errors
    if staff:
        _keep(result, "channel", validation.choice(raw["channel"], [key for key, _ in CHANNELS if key != "online"],
                                                   required=True))
    else:
        clean["channel"] = "online"
    _keep(result, "referrer_agency", validation.text(raw["referrer_agency"], required=True, max_length=200))
    _keep(result, "referrer_name", validation.name(raw["referrer_name"], required=True, max_length=200))
    _keep(result, "referrer_email", validation.email(raw["referrer_email"]))
    _keep(result, "referrer_phone", validation.phone(raw["referrer_phone"]))
    if not clean["referrer_email"] and not clean["referrer_phone"] and "referrer_email" not in errors \
            and "referrer_phone" not in errors:
        errors["referrer_email"] = _l("Please give an email or a phone number, so we can reach you.")


def _read_child(result: FormResult, raw: dict, *, today: date) -> None:
    """A first name or initials, and an age or a date of birth."""
    clean, errors = result.clean, result.errors
    _keep(result, "child_name", validation.name(raw["child_name"], required=True, max_length=60))
    if clean["child_name"] and len(clean["child_name"].split()) > 2:
        errors["child_name"] = _l("Only a first name or initials, please: "
                                  "we ask for the full name later, if we take the case.")
    age_text = validation.clean_text(raw["child_age"])
    clean["child_age"] = None
    if age_text:
        if not age_text.isdigit() or not 0 <= int(age_text) <= 30:
            errors["child_age"] = _l("Enter the age in years as a number from 0 to 30.")
        else:
            clean["child_age"] = int(age_text)
    _keep(result, "child_date_of_birth",
          validation.date_of_birth(raw["child_date_of_birth"], required=False, today=today))
    if clean["child_date_of_birth"] is not None and not isinstance(clean["child_date_of_birth"], date):
        clean["child_date_of_birth"] = None
    if clean["child_age"] is None and clean["child_date_of_birth"] is None and "child_age" not in errors \
            and "child_date_of_birth" not in errors:
        errors["child_age"] = _l("Please give the age or the date of birth (one is enough).")


def _read_urgency(result: FormResult, raw: dict, *, today: date) -> None:
    """How urgent it is: the date for a youth turning 18 or a removal, and a note for any other deadline."""
    clean, errors = result.clean, result.errors
    _keep(result, "urgency", validation.choice(raw["urgency"] or "none", [key for key, _ in URGENCIES], required=True))
    if clean["urgency"] in ("turning_18", "removal", "other"):
        _keep(result, "urgency_date", validation.a_date(raw["urgency_date"], required=clean["urgency"] != "other"))
        if isinstance(clean["urgency_date"], date) and clean["urgency_date"] < today - timedelta(days=1) \
                and "urgency_date" not in errors:
            errors["urgency_date"] = _l("This date has passed. "
                                        "If it is still urgent, choose 'Other deadline' and explain.")
        if not isinstance(clean["urgency_date"], date):
            clean["urgency_date"] = None
    else:
        clean["urgency_date"] = None
    _keep(result, "urgency_note",
          validation.text(raw["urgency_note"], max_length=500, required=clean["urgency"] == "other"))


def _read_consent(result: FormResult, raw: dict) -> None:
    """Consent to refer, or the legal basis for referring without it."""
    clean, errors = result.clean, result.errors
    _keep(result, "consent", validation.choice(raw["consent"], [key for key, _ in CONSENTS], required=True))
    if "consent" in errors:
        errors["consent"] = _l("Please confirm consent was obtained, or give the legal basis for referring without it.")
    _keep(result, "legal_basis", validation.text(raw["legal_basis"], max_length=1000, multiline=True,
                                                 required=clean["consent"] == "without"))
    if clean["consent"] == "without" and "legal_basis" in errors and not clean["legal_basis"]:
        errors["legal_basis"] = _l("Please give the legal basis for referring without consent "
                                   "(for example, the section of the law you rely on).")
    if clean["consent"] != "without":
        clean["legal_basis"] = ""


def read_form(form, *, staff: bool, today: date | None = None) -> FormResult:
    """Check a submitted referral; every error is tied to its field and says what to do."""
    today = today or date.today()
    raw = {name: form.get(name, "") for name in FIELDS}
    result = FormResult(values={name: validation.clean_text(value, multiline=name in ("concern_detail", "legal_basis"))
                                  for name, value in raw.items()})
    _read_referrer(result, raw, staff=staff)
    _read_child(result, raw, today=today)
    _keep(result, "region", validation.choice(raw["region"], [key for key, _ in REGIONS], required=True))
    _keep(result, "language", validation.text(raw["language"], max_length=60))
    _keep(result, "concern", validation.choice(raw["concern"], [key for key, _ in CONCERNS], required=True))
    _keep(result, "concern_detail", validation.text(raw["concern_detail"], max_length=2000, multiline=True))
    _read_urgency(result, raw, today=today)
    _read_consent(result, raw)
    return result


def centre_agency(session: Session) -> Agency | None:
    """The agency that receives referrals (the oldest centre, should there be more than one)."""
    return session.exec(select(Agency).where(Agency.is_centre.is_(True)).order_by(Agency.created_at)).first()


def new_reference() -> str:
    part = lambda: "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))  # noqa: E731
    return f"REF-{part()}-{part()}"


PUBLIC_FORM = limits.Limit("referral-address", RATE_LIMIT, RATE_WINDOW)


def rate_limit_wait(session: Session, *, ip: str, now: datetime | None = None) -> int:
    """Seconds before this address may send another referral; 0 when it may now (takes nothing)."""
    return limits.wait_seconds(session, PUBLIC_FORM, ip, now=now)


def take_public_slot(session: Session, *, ip: str, now: datetime | None = None) -> int:
    """Count one referral from this address, if it has one left in the hour: 0 when counted, else the seconds to
    wait. The database counts (a conditional UPDATE), so parallel posts cannot store more than the limit."""
    return limits.take(session, PUBLIC_FORM, ip, now=now)


def create_referral(session: Session, *, agency: Agency, clean: dict, entered_by: User | None = None,
                    now: datetime | None = None) -> Referral:
    now = now or utcnow()
    values = {name: clean[name] for name in FIELDS}
    referral = None
    for _attempt in range(5):
        reference = new_reference()
        if not session.exec(select(Referral.id).where(Referral.reference == reference)).first():
            referral = Referral(agency_id=agency.id, reference=reference,
                                entered_by_id=entered_by.id if entered_by else None,
                                created_at=now, updated_at=now, **values)
            break
    if referral is None:
        raise ReferralError("could not draw a free reference number")
    session.add(referral)
    session.flush()
    notified = tell_referrer(referral, what="received", centre_name=agency.name)
    add_event(session, referral, actor=entered_by, kind="received", note=referral.channel, notified=notified)
    audit.record(session, action="referral.received", user=entered_by, agency_id=agency.id, record_type="referral",
                 record_id=referral.id, detail=f"channel={referral.channel}")
    return referral


def add_event(session: Session, referral: Referral, *, actor: User | None, kind: str, note: str = "",
           notified: bool = False) -> ReferralEvent:
    event = ReferralEvent(agency_id=referral.agency_id, referral_id=referral.id, actor_id=actor.id if actor else None,
                          kind=kind, note=note[:1000], notified=notified)
    session.add(event)
    return event


def tell_referrer(referral: Referral, *, what: str, centre_name: str) -> bool:
    """Email the referring worker the reference number and the outcome only; False when no email went out."""
    if not referral.referrer_email:
        return False
    lines = {
        "received": _("We received your referral. We will contact you if we need anything."),
        "info_requested": _("We need a little more information about this referral. Please contact us and quote the "
                            "reference number. We do not put case details in email."),
        "accepted": _("We accepted this referral. A caseworker will contact you."),
        "declined": _("We are not able to accept this referral. Please contact us and quote the reference number "
                      "if you would like to talk about it."),
    }
    body = "\n".join([
        _("Hello,"),
        "",
        _("Reference number: %(reference)s", reference=referral.reference),
        "",
        lines[what],
        "",
        centre_name,
    ])
    try:
        mail.send(to=referral.referrer_email, subject=_("Referral %(reference)s", reference=referral.reference),
                  body=body)
    except mail.MailError:
        return False  # the history shows the referrer was not emailed; staff can phone instead
    return True


# Triage ------------------------------------------------------------------------------------------

def receives_referrals(session: Session, *, user: User) -> bool:
    agency = session.get(Agency, user.agency_id)
    return bool(agency and agency.is_centre) and user.role in (Role.manager, Role.caseworker)


def queue(session: Session, *, user: User, status: str = "open") -> list[Referral]:
    """The centre's referrals, urgent and oldest first among the open ones."""
    statement = access.scope(select(Referral), Referral, user, session)
    if status == "open":
        statement = statement.where(Referral.status.in_(OPEN_STATUSES))
    elif status in STATUSES:
        statement = statement.where(Referral.status == status)
    referrals = list(session.exec(statement.order_by(Referral.created_at)))
    far = date.max

    def urgency_order(referral: Referral):
        return (referral.urgency == "none", referral.urgency_date or far, referral.created_at)

    return sorted(referrals, key=urgency_order)


def counts(session: Session, *, user: User) -> dict[str, int]:
    statement = access.scope(select(Referral.status, func.count()).select_from(Referral), Referral, user, session)
    return dict(session.exec(statement.group_by(Referral.status)).all())


def open_referral(session: Session, *, user: User, referral_id) -> Referral:
    referral = access.get_or_404(session, Referral, referral_id, user)
    audit.record(session, action="referral.viewed", user=user, record_type="referral", record_id=referral.id)
    return referral


def history(session: Session, *, referral: Referral) -> list[tuple[ReferralEvent, str]]:
    rows = session.exec(
        select(ReferralEvent, User.name).join(User, User.id == ReferralEvent.actor_id, isouter=True)
        .where(ReferralEvent.referral_id == referral.id).order_by(ReferralEvent.created_at)
    ).all()
    return [(event, name or "") for event, name in rows]


def _centre_name(session: Session, referral: Referral) -> str:
    return session.get(Agency, referral.agency_id).name


def _require_open(referral: Referral) -> None:
    if referral.status not in OPEN_STATUSES:
        raise ReferralError(_l("This referral was already dealt with (%(status)s).", status=STATUSES[referral.status]))


def request_information(session: Session, *, referral: Referral, user: User, note: str) -> None:
    _require_open(referral)
    note, error = validation.text(note, required=True, max_length=1000, multiline=True)
    if error:
        raise ReferralError(_l("Please say what information is missing (for your team; it is not emailed)."))
    referral.status = ReferralStatus.info_requested
    referral.updated_at = utcnow()
    notified = tell_referrer(referral, what="info_requested", centre_name=_centre_name(session, referral))
    add_event(session, referral, actor=user, kind="info_requested", note=note, notified=notified)
    audit.record(session, action="referral.info_requested", user=user, record_type="referral", record_id=referral.id)


def add_note(session: Session, *, referral: Referral, user: User, note: str) -> None:
    """A note, for example the information the referrer gave by phone; reopens a referral waiting for it."""
    note, error = validation.text(note, required=True, max_length=1000, multiline=True)
    if error:
        raise ReferralError(_l("Please write the note."))
    if referral.status == ReferralStatus.info_requested:
        referral.status = ReferralStatus.new
    referral.updated_at = utcnow()
    add_event(session, referral, actor=user, kind="note", note=note)
    audit.record(session, action="referral.noted", user=user, record_type="referral", record_id=referral.id)


def decline(session: Session, *, referral: Referral, user: User, reason: str) -> None:
    _require_open(referral)
    reason, error = validation.text(reason, required=True, max_length=1000, multiline=True)
    if error:
        raise ReferralError(_l("Please give the reason for declining."))
    referral.status = ReferralStatus.declined
    referral.decision_reason = reason
    referral.updated_at = utcnow()
    notified = tell_referrer(referral, what="declined", centre_name=_centre_name(session, referral))
    add_event(session, referral, actor=user, kind="declined", note=reason, notified=notified)
    audit.record(session, action="referral.declined", user=user, record_type="referral", record_id=referral.id)


def accept_form_defaults(referral: Referral, *, user: User) -> dict:
    return {
        "given_names": referral.child_name,
        "family_name": "",
        "date_of_birth": referral.child_date_of_birth.isoformat() if referral.child_date_of_birth else "",
        "preferred_language": referral.language,
        "assigned_caseworker_id": str(user.id) if user.role == Role.caseworker else "",
    }


def accept(session: Session, *, referral: Referral, user: User, form, staff_ids: set[str],
           today: date | None = None) -> Client:
    """Open the client file from the referral and link them; raises FormInvalid with field errors.

    A referral first answered as a consultation may still be accepted later: the consultation then
    links to the new file."""
    if referral.status != ReferralStatus.consulted:
        _require_open(referral)
    values = {name: validation.clean_text(form.get(name, "")) for name in
              ("given_names", "family_name", "date_of_birth", "preferred_language", "assigned_caseworker_id")}
    errors = {}
    family, error = validation.name(values["family_name"], max_length=200)
    if error:
        errors["family_name"] = error
    given, error = validation.name(values["given_names"], max_length=200)
    if error:
        errors["given_names"] = error
    if not family and not given and "family_name" not in errors:
        errors["family_name"] = _l("Please enter the name as on the youth's documents (a one-word name goes here).")
    born, error = validation.date_of_birth(values["date_of_birth"], today=today)
    if error:
        errors["date_of_birth"] = error
    language, error = validation.text(values["preferred_language"], max_length=60)
    if error:
        errors["preferred_language"] = error
    worker = values["assigned_caseworker_id"]
    if worker and worker not in staff_ids:
        errors["assigned_caseworker_id"] = _l("Please choose a caseworker from the list.")
    if errors:
        raise FormInvalid(errors, values)
    client = clients.create(session, user=user, values={
        "family_name": family, "given_names": given, "date_of_birth": born, "preferred_language": language,
        "assigned_caseworker_id": uuid.UUID(worker) if worker else None,
        "status_in_canada": StatusInCanada.unknown, "care_status": CareStatus.not_in_care,
    })
    referral.status = ReferralStatus.accepted
    referral.client_file_id = client.id
    consultation = session.exec(select(Consultation).where(Consultation.referral_id == referral.id)).first()
    if consultation is not None and consultation.client_file_id is None:
        consultation.client_file_id = client.id
    referral.updated_at = utcnow()
    notified = tell_referrer(referral, what="accepted", centre_name=_centre_name(session, referral))
    add_event(session, referral, actor=user, kind="accepted", notified=notified)
    audit.record(session, action="referral.accepted", user=user, record_type="referral", record_id=referral.id,
                 detail=f"client={client.id}")
    return client

