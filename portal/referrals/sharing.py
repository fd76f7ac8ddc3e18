"""Consent-gated referrals out: a partner reads only the fields the youth agreed to share.

The caseworker and the youth choose the fields one by one and record the consent. The partner gets an
email with an expiring link (no personal data in it); the link opens only after a one-time code sent to
the partner's address in the agency's directory. The youth can withdraw consent at any time (from
their own portal, or through their caseworker): the link stops working at once, because every read
checks the share's state. Every send, open, read, decision and withdrawal is in the audit log.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from portal import audit, mail, validation
from portal.i18n import format_date
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.models import Agency, Client, Partner, PartnerShare, ReferralOut, User, utcnow
from portal.policy import disclosures
from portal.validation import FormInvalid

LINK_LIFETIME = timedelta(days=14)
CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5  # wrong guesses on one code before it stops working
CODES_PER_SHARE = 5  # codes one link may ask for in its life
CONSENT_WAYS = (("in_person", _l("In person, with me")), ("phone", _l("By phone")),
                ("video", _l("By video call")))
# The fields a youth may choose to share, in the order the partner sees them.
SHAREABLE = (
    ("given_names", _l("Given names")),
    ("family_name", _l("Family name")),
    ("date_of_birth", _l("Date of birth")),
    ("preferred_language", _l("Preferred language")),
    ("phone", _l("Phone")),
    ("email", _l("Email")),
    ("address", _l("Address")),
    ("country_of_birth", _l("Country of birth")),
    ("citizenships", _l("Citizenships")),
    ("status_in_canada", _l("Status in Canada")),
    ("care_status", _l("Care status")),
    ("uci", _l("IRCC client number (UCI)")),
)
SHAREABLE_KEYS = tuple(key for key, _label in SHAREABLE)


class SharingError(ValueError):
    pass


@dataclass(frozen=True)
class Consent:
    fields: tuple[str, ...]
    given_on: date
    how: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; they are UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


def read_consent(form, *, today: date | None = None) -> Consent:
    """The fields the youth chose and how they consented; raises FormInvalid naming each problem."""
    today = today or date.today()
    chosen = tuple(key for key in SHAREABLE_KEYS if form.get(f"share_{key}") == "yes")
    values = {f"share_{key}": "yes" for key in chosen}
    values.update({name: validation.clean_text(form.get(name, "")) for name in ("consent_on", "consent_how",
                                                                                   "confirm")})
    errors = {}
    if not chosen:
        errors["share_given_names"] = _l("Fields to share: choose at least one, with the youth.")
    given_on, error = validation.a_date(form.get("consent_on"), required=True, past=True, today=today,
                                        earliest=today - timedelta(days=90))
    if error:
        errors["consent_on"] = _l("Date of consent: %(problem)s", problem=error)
    how, error = validation.choice(form.get("consent_how"), [key for key, _ in CONSENT_WAYS], required=True)
    if error:
        errors["consent_how"] = _l("How the youth consented: choose one.")
    if form.get("confirm") != "yes":
        errors["confirm"] = _l("Consent: confirm the youth chose these fields and agreed to share them.")
    if errors:
        raise FormInvalid(errors, values)
    return Consent(chosen, given_on, how)


def create(session: Session, *, user: User, referral: ReferralOut, consent: Consent, link_base: str,
           now: datetime | None = None) -> PartnerShare:
    """Record the consent and email the partner an expiring link; one share per referral out."""
    now = now or utcnow()
    partner = session.get(Partner, referral.partner_id)
    if not partner.email:
        raise SharingError(_l("This partner has no email in the directory, so no secure link can be sent. "
                              "A manager can add it on the partner's page."))
    if session.exec(select(PartnerShare.id).where(PartnerShare.referral_out_id == referral.id)).first():
        raise SharingError(_l("A secure link was already sent for this referral."))
    try:
        disclosures.record(session, user=user, agency_id=referral.agency_id, kind="referral_out", recipient="partner",
                           recipient_name=partner.name, basis="consent", client_id=referral.client_id,
                           citation=f"consent {consent.given_on.isoformat()} ({consent.how})",
                           detail=f"referral_out={referral.id} fields={' '.join(consent.fields)}")
    except disclosures.DisclosureRefused as refused:
        raise SharingError(refused) from refused
    token = secrets.token_urlsafe(32)
    share = PartnerShare(agency_id=referral.agency_id, client_id=referral.client_id, referral_out_id=referral.id,
                         partner_id=partner.id, fields=" ".join(consent.fields), consent_on=consent.given_on,
                         consent_how=consent.how, consent_recorded_by_id=user.id, sent_to=partner.email,
                         token_hash=_hash(token), expires_at=now + LINK_LIFETIME, created_at=now)
    session.add(share)
    session.flush()
    agency = session.get(Agency, referral.agency_id)
    _send(to=partner.email, subject=_("A referral from %(agency)s", agency=agency.name), body="\n".join([
        _("Hello,"),
        "",
        _("%(agency)s has referred someone to %(partner)s, with their consent.", agency=agency.name,
          partner=partner.name),
        _("Open the secure link below. You will be sent a one-time code at this address to open it."),
        "",
        f"{link_base}{token}",
        "",
        _("The link works until %(day)s, unless the person withdraws consent.",
          day=format_date(share.expires_at.date())),
        _("No personal information is in this email."),
    ]))
    audit.record(session, action="partner_share.sent", user=user, record_type="client", record_id=referral.client_id,
                 detail=f"referral_out={referral.id} partner={partner.id} fields={share.fields}")
    return share


def _send(*, to: str, subject: str, body: str) -> None:
    """Mail that did not go is an error the caller rolls back: no share or code exists that nobody received."""
    try:
        mail.send(to=to, subject=subject, body=body)
    except mail.MailError as error:
        raise SharingError(_l("The email could not be sent just now, so nothing was shared. Please try again "
                              "in a few minutes.")) from error


def find(session: Session, *, token: str) -> PartnerShare | None:
    if not token or len(token) > 100:
        return None
    return session.exec(select(PartnerShare).where(PartnerShare.token_hash == _hash(token))).first()


def state(share: PartnerShare, *, now: datetime | None = None) -> str:
    """open, withdrawn, declined or expired: only an open share (or an accepted one) can be read."""
    now = now or utcnow()
    if share.withdrawn_at is not None:
        return "withdrawn"
    if share.decision == "declined":
        return "declined"
    if _aware(share.expires_at) <= now:
        return "expired"
    return "accepted" if share.decision == "accepted" else "open"


def readable(share: PartnerShare, *, now: datetime | None = None) -> bool:
    return state(share, now=now) in ("open", "accepted")


def masked_address(address: str) -> str:
    name, _at, domain = address.partition("@")
    return f"{name[:1]}•••@{domain}" if domain else "•••"


def send_code(session: Session, *, share: PartnerShare, now: datetime | None = None) -> None:
    """Email a fresh one-time code to the partner's address as the directory has it now."""
    now = now or utcnow()
    if not readable(share, now=now):
        raise SharingError(_l("This link no longer works."))
    taken = session.execute(
        update(PartnerShare).where(PartnerShare.id == share.id, PartnerShare.codes_sent < CODES_PER_SHARE)
        .values(codes_sent=PartnerShare.codes_sent + 1).execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise SharingError(_l("Too many codes were asked for this link. Please contact the agency."))
    partner = session.get(Partner, share.partner_id)
    address = partner.email or share.sent_to
    code = f"{secrets.randbelow(10 ** 6):06d}"
    session.execute(update(PartnerShare).where(PartnerShare.id == share.id).values(
        code_hash=_hash(f"{share.id}:{code}"), code_expires_at=now + CODE_LIFETIME, code_attempts=0)
        .execution_options(synchronize_session=False))
    _send(to=address, subject=_("Your code to open a referral"),
          body=_("Your one-time code is %(code)s. It works for 10 minutes.", code=code) + "\n\n"
          + _("If you did not ask for it, you can ignore this email."))
    audit.record(session, action="partner_share.code_sent", agency_id=share.agency_id, record_type="client",
                 record_id=share.client_id, detail=f"share={share.id}")


def verify_code(session: Session, *, share: PartnerShare, code: str, now: datetime | None = None) -> bool:
    """True when the code is right and fresh; each guess takes a try first (a conditional UPDATE), so
    parallel guesses get no more tries than one person typing. The caller commits, failures included."""
    now = now or utcnow()
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    tried = readable(share, now=now) and session.execute(
        update(PartnerShare).where(PartnerShare.id == share.id, PartnerShare.code_hash != "",
                                   PartnerShare.code_attempts < CODE_TRIES, PartnerShare.code_expires_at > now)
        .values(code_attempts=PartnerShare.code_attempts + 1).execution_options(synchronize_session=False)
    ).rowcount == 1
    session.refresh(share)
    right = tried and hmac.compare_digest(share.code_hash, _hash(f"{share.id}:{code}"))
    if right:
        # A code opens once: spend it, so a second use (or a parallel one) finds nothing to match.
        right = session.execute(update(PartnerShare).where(PartnerShare.id == share.id,
                                                           PartnerShare.code_hash == share.code_hash)
                                .values(code_hash="", verified_at=now)
                                .execution_options(synchronize_session=False)).rowcount == 1
    audit.record(session, action="partner_share.opened" if right else "partner_share.code_failed",
                 agency_id=share.agency_id, record_type="client", record_id=share.client_id,
                 detail=f"share={share.id}")
    return right


def shared_values(session: Session, *, share: PartnerShare) -> list[tuple[str, str]]:
    """(label, value) of the chosen fields only, plus why the person was referred; audited as a read."""
    client = session.get(Client, share.client_id)
    referral = session.get(ReferralOut, share.referral_out_id)
    chosen = set(share.fields.split())
    rows = []
    for key, label in SHAREABLE:
        if key in chosen:
            value = getattr(client, key)
            rows.append((str(label), value.isoformat() if isinstance(value, date) else str(value or "")))
    rows.append((str(_l("Why they were referred")), referral.reason))
    audit.record(session, action="partner_share.read", agency_id=share.agency_id, record_type="client",
                 record_id=share.client_id, detail=f"share={share.id} fields={share.fields}")
    return rows


def decide(session: Session, *, share: PartnerShare, decision: str, note: str, now: datetime | None = None) -> None:
    """The partner accepts or declines, once; the referral's outcome follows."""
    now = now or utcnow()
    if decision not in ("accepted", "declined"):
        raise SharingError(_l("Please choose to accept or decline."))
    note, error = validation.text(note, max_length=1000, multiline=True)
    if error:
        raise SharingError(error)
    moved = session.execute(
        update(PartnerShare).where(PartnerShare.id == share.id, PartnerShare.decision == "",
                                   PartnerShare.withdrawn_at.is_(None), PartnerShare.expires_at > now)
        .values(decision=decision, decision_note=note, decided_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise SharingError(_l("This referral was already answered, or the link no longer works."))
    referral = session.get(ReferralOut, share.referral_out_id)
    referral.outcome = "connected" if decision == "accepted" else "declined"
    referral.outcome_note = (f"Partner {decision}" + (f": {note}" if note else ""))[:1000]
    referral.updated_at = now
    session.refresh(share)
    audit.record(session, action=f"partner_share.{decision}", agency_id=share.agency_id, record_type="client",
                 record_id=share.client_id, detail=f"share={share.id}")


def withdraw(session: Session, *, share: PartnerShare, by: User, note: str = "", now: datetime | None = None) -> bool:
    """End the partner's access at once; False when it had already ended by withdrawal."""
    now = now or utcnow()
    moved = session.execute(
        update(PartnerShare).where(PartnerShare.id == share.id, PartnerShare.withdrawn_at.is_(None))
        .values(withdrawn_at=now, withdrawn_note=(note or "")[:500]).execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(share)
    if moved:
        audit.record(session, action="partner_share.withdrawn", user=by, record_type="client",
                     record_id=share.client_id, detail=f"share={share.id} by={by.role}")
    return bool(moved)


def for_client(session: Session, *, client_id) -> list[tuple[PartnerShare, Partner]]:
    return list(session.exec(select(PartnerShare, Partner).join(Partner, Partner.id == PartnerShare.partner_id)
                             .where(PartnerShare.client_id == client_id)
                             .order_by(PartnerShare.created_at.desc())).all())


def field_labels(share: PartnerShare) -> list[str]:
    chosen = set(share.fields.split())
    return [str(label) for key, label in SHAREABLE if key in chosen]
