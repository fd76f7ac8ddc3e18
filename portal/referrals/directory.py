"""The partner directory (legal clinics, pro bono lawyers, settlement agencies, local immigration
partnerships, other services) and the referrals out that caseworkers record from a client file.

Each agency keeps its own directory: managers maintain it, caseworkers read it. Every query goes
through access.scope(), so another agency's partner or referral is simply not found.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, func, select

from portal import access, audit, listing, validation
from portal.casework.clients import fold
from portal.i18n import lazy_gettext as _l
from portal.models import Client, Partner, ReferralOut, Role, User, utcnow
from portal.referrals.intake import REGIONS
from portal.validation import FormResult

KINDS = (
    ("legal_clinic", _l("Legal aid clinic")),
    ("pro_bono", _l("Lawyer (pro bono or legal aid certificate)")),
    ("settlement", _l("Settlement agency")),
    ("lip", _l("Local immigration partnership")),
    ("other", _l("Other service")),
)
OUTCOMES = (
    ("pending", _l("Waiting to hear")),
    ("connected", _l("Connected: the partner is helping")),
    ("waitlisted", _l("On a waiting list")),
    ("declined", _l("The partner could not help")),
    ("no_response", _l("No response")),
    ("client_declined", _l("The client chose not to go")),
)
PARTNER_FIELDS = ("name", "kind", "region", "services", "languages", "contact_name", "phone", "email", "website",
                  "address", "notes")


def may_manage(user: User) -> bool:
    return user.role == Role.manager


@dataclass
class Filters(listing.Filters):
    kind: str = ""
    region: str = ""
    language: str = ""
    q: str = ""

    @classmethod
    def read(cls, args) -> tuple[Filters, dict]:
        """The directory's filters; an unknown kind or region falls back to 'any'."""
        kinds, regions = {key for key, _ in KINDS}, {key for key, _ in REGIONS}
        kind = validation.clean_text(args.get("kind", ""))
        region = validation.clean_text(args.get("region", ""))
        return cls(kind=kind if kind in kinds else "", region=region if region in regions else "",
                   language=validation.clean_text(args.get("language", ""))[:60],
                   q=validation.clean_text(args.get("q", ""))[:100]), {}


def partners(session: Session, *, user: User, filters: Filters | None = None,
             include_inactive: bool = False) -> list[Partner]:
    filters = filters or Filters()
    statement = access.scope(select(Partner), Partner, user, session)
    if not include_inactive:
        statement = statement.where(Partner.active.is_(True))
    if filters.kind:
        statement = statement.where(Partner.kind == filters.kind)
    if filters.region:
        statement = statement.where(Partner.region == filters.region)
    found = list(session.exec(statement.order_by(Partner.name)))
    # Languages and free text are folded in Python so "francais" finds "Français" on SQLite and PostgreSQL alike.
    if filters.language:
        wanted = fold(filters.language)
        found = [partner for partner in found if wanted in fold(partner.languages)]
    if filters.q:
        wanted = fold(filters.q)
        found = [partner for partner in found if wanted in fold(f"{partner.name} {partner.services} {partner.notes}")]
    return found


def get_partner(session: Session, *, user: User, partner_id) -> Partner:
    return access.get_or_404(session, Partner, partner_id, user)


def partner_form(partner: Partner | None) -> FormResult:
    return FormResult(values={name: getattr(partner, name) if partner else "" for name in PARTNER_FIELDS})


def read_partner_form(form) -> FormResult:
    result = FormResult(values={name: validation.clean_text(form.get(name, ""), multiline=name in ("services", "notes"))
                                 for name in PARTNER_FIELDS})
    checks = {
        "name": validation.text(form.get("name"), required=True, max_length=200),
        "kind": validation.choice(form.get("kind"), [key for key, _ in KINDS], required=True),
        "region": validation.choice(form.get("region"), [key for key, _ in REGIONS], required=True),
        "services": validation.text(form.get("services"), max_length=1000, multiline=True),
        "languages": validation.text(form.get("languages"), max_length=300),
        "contact_name": validation.text(form.get("contact_name"), max_length=200),
        "phone": validation.phone(form.get("phone")),
        "email": validation.email(form.get("email")),
        "website": _website(form.get("website", "")),
        "address": validation.text(form.get("address"), max_length=500),
        "notes": validation.text(form.get("notes"), max_length=1000, multiline=True),
    }
    for name, (value, error) in checks.items():
        result.clean[name] = value
        if error:
            result.errors[name] = error
    if (not result.clean["phone"] and not result.clean["email"]
            and "phone" not in result.errors and "email" not in result.errors):
        result.errors["phone"] = _l("Please give a phone number or an email, so caseworkers can reach this partner.")
    return result


def _website(value: str):
    cleaned = validation.clean_text(value)
    if not cleaned:
        return "", None
    if not cleaned.lower().startswith(("https://", "http://")) or " " in cleaned or len(cleaned) > 300:
        return cleaned, _l("Enter the full web address, starting with https://")
    return cleaned, None


def save_partner(session: Session, *, user: User, clean: dict, partner: Partner | None = None) -> Partner:
    if not may_manage(user):
        raise PermissionError("only managers maintain the directory")
    if partner is None:
        partner = Partner(agency_id=user.agency_id, updated_by_id=user.id, **clean)
        session.add(partner)
        session.flush()
        audit.record(session, action="partner.created", user=user, record_type="partner", record_id=partner.id)
        return partner
    changed = [name for name, value in clean.items() if getattr(partner, name) != value]
    for name in changed:
        setattr(partner, name, clean[name])
    if changed:
        partner.updated_at = utcnow()
        partner.updated_by_id = user.id
        audit.record(session, action="partner.updated", user=user, record_type="partner", record_id=partner.id,
                     detail="fields=" + ",".join(changed))
    return partner


def set_partner_active(session: Session, *, user: User, partner: Partner, active: bool) -> None:
    if not may_manage(user):
        raise PermissionError("only managers maintain the directory")
    if partner.active != active:
        partner.active = active
        partner.updated_at = utcnow()
        audit.record(session, action="partner.reactivated" if active else "partner.deactivated", user=user,
                     record_type="partner", record_id=partner.id)


# Referrals out -----------------------------------------------------------------------------------

def read_referral_out(session: Session, *, user: User, form, today: date | None = None) -> FormResult:
    names = ("partner_id", "reason", "referred_on", "outcome", "outcome_note")
    result = FormResult(values={name: validation.clean_text(form.get(name, ""), multiline=name != "partner_id")
                                     for name in names})
    clean, errors = result.clean, result.errors
    partner_id = result.values["partner_id"]
    partner = None
    if partner_id:
        try:
            partner = session.exec(access.scope(select(Partner).where(Partner.id == uuid.UUID(partner_id)),
                                                Partner, user, session)).first()
        except ValueError:
            partner = None
    if partner is None:
        errors["partner_id"] = _l("Please choose a partner from the directory.")
    clean["partner_id"] = partner.id if partner else None
    for name, check in (
        ("reason", validation.text(form.get("reason"), required=True, max_length=1000, multiline=True)),
        ("referred_on", validation.a_date(form.get("referred_on"), required=True, past=True, today=today,
                                          earliest=date(2000, 1, 1))),
        ("outcome", validation.choice(form.get("outcome") or "pending", [key for key, _ in OUTCOMES], required=True)),
        ("outcome_note", validation.text(form.get("outcome_note"), max_length=1000, multiline=True)),
    ):
        clean[name], error = check
        if error:
            errors[name] = error
    if "reason" in errors and not clean["reason"]:
        errors["reason"] = _l("Please say why you are referring (a few words are enough).")
    return result


def record_referral_out(session: Session, *, user: User, client: Client, clean: dict) -> ReferralOut:
    referral = ReferralOut(agency_id=client.agency_id, client_id=client.id, created_by_id=user.id, **clean)
    session.add(referral)
    session.flush()
    audit.record(session, action="referral_out.created", user=user, record_type="client", record_id=client.id,
                 detail=f"referral_out={referral.id} partner={referral.partner_id}")
    return referral


def update_outcome(session: Session, *, user: User, referral: ReferralOut, outcome: str, note: str) -> dict:
    errors = {}
    outcome, error = validation.choice(outcome, [key for key, _ in OUTCOMES], required=True)
    if error:
        errors["outcome"] = error
    note, error = validation.text(note, max_length=1000, multiline=True)
    if error:
        errors["outcome_note"] = error
    if errors:
        return errors
    if (referral.outcome, referral.outcome_note) != (outcome, note):
        referral.outcome, referral.outcome_note, referral.updated_at = outcome, note, utcnow()
        audit.record(session, action="referral_out.updated", user=user, record_type="client",
                     record_id=referral.client_id, detail=f"referral_out={referral.id} outcome={outcome}")
    return {}


def get_referral_out(session: Session, *, user: User, referral_id) -> ReferralOut:
    return access.get_or_404(session, ReferralOut, referral_id, user)


def referrals_out_for(session: Session, *, user: User, client: Client) -> list[tuple[ReferralOut, Partner]]:
    statement = access.scope(
        select(ReferralOut, Partner).join(Partner, Partner.id == ReferralOut.partner_id)
        .where(ReferralOut.client_id == client.id),
        ReferralOut, user, session,
    )
    return list(session.exec(statement.order_by(ReferralOut.referred_on.desc(), ReferralOut.created_at.desc())))


def referral_out_counts(session: Session, *, agency_id: uuid.UUID, since: date | datetime | None = None) -> dict:
    """For the manager's dashboard: referrals out by partner kind and by outcome, and the total.

    Returns {"total": n, "by_kind": {kind: n}, "by_outcome": {outcome: n}, "by_partner": [(name, n), ...]}
    counting referrals made on or after `since` (a date) when given. Aggregates only: no client data.
    """
    if isinstance(since, datetime):
        since = since.date()
    where = [ReferralOut.agency_id == agency_id]
    if since is not None:
        where.append(ReferralOut.referred_on >= since)
    joined = (select(Partner.kind, func.count()).select_from(ReferralOut)
              .join(Partner, Partner.id == ReferralOut.partner_id))
    by_kind = dict(session.exec(joined.where(*where).group_by(Partner.kind)).all())
    by_outcome = dict(session.exec(
        select(ReferralOut.outcome, func.count()).select_from(ReferralOut).where(*where).group_by(ReferralOut.outcome)
    ).all())
    by_partner = session.exec(
        select(Partner.name, func.count()).select_from(ReferralOut).join(Partner, Partner.id == ReferralOut.partner_id)
        .where(*where).group_by(Partner.name).order_by(func.count().desc(), Partner.name)
    ).all()
    return {"total": sum(by_outcome.values()), "by_kind": by_kind, "by_outcome": by_outcome,
            "by_partner": [(name, count) for name, count in by_partner]}


def kind_label(kind: str) -> str:
    return str(dict(KINDS).get(kind, kind))


def region_label(region: str) -> str:
    return str(dict(REGIONS).get(region, region))


def outcome_label(outcome: str) -> str:
    return str(dict(OUTCOMES).get(outcome, outcome))



def labels() -> dict:
    """The directory's option lists and their labels, as its pages and panels show them."""
    return {"kinds": KINDS, "regions": REGIONS, "outcomes": OUTCOMES, "kind_labels": dict(KINDS),
            "region_labels": dict(REGIONS), "outcome_labels": dict(OUTCOMES)}
