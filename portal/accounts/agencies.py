"""Agencies: creation, settings, and the staff accounts managed from the admin pages."""
import re

from sqlalchemy import update
from sqlmodel import Session, select

from portal import audit, validation
from portal.accounts import mfa, password_links, sessions, users
from portal.i18n import lazy_gettext as _l
from portal.models import CASE_ROLES, Agency, Role, User
from portal.validation import FormResult


class AgencyError(ValueError):
    pass


def create(session: Session, *, slug: str, name: str, **settings) -> Agency:
    slug = slug.strip().lower()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{1,58}", slug):
        raise AgencyError("An agency slug uses 2 to 59 lower-case letters, digits and hyphens, for example peel-cas.")
    if not name.strip():
        raise AgencyError("Please give the agency a name.")
    if session.exec(select(Agency).where(Agency.slug == slug)).first():
        raise AgencyError(f"An agency with the slug {slug!r} already exists.")
    agency = Agency(slug=slug, name=name.strip(), **settings)
    session.add(agency)
    session.flush()
    return agency


# ---------------------------------------------------------------------------------------------
# Settings and staff, as managed from the admin pages

# Each retention period's allowed range in days (the defaults are on Agency and in docs/privacy.md). A year is the
# least for records a youth may still need; a superseded PDF may go after a week.
RETENTION_RANGES = {
    "retain_closed_files_days": (365, 9125),
    "retain_finished_packets_days": (365, 9125),
    "retain_superseded_renders_days": (7, 3650),
    "retain_abandoned_drafts_days": (365, 3650),
    "retain_referrals_days": (90, 3650),
    "retain_audit_days": (365, 9125),
}
RETENTION_FIELDS = tuple(RETENTION_RANGES)
RETENTION_LABELS = {
    "retain_closed_files_days": _l("Keep a closed (archived) client file for this many days after its last change"),
    "retain_finished_packets_days": _l("Keep a withdrawn or decided packet for this many days"),
    "retain_superseded_renders_days": _l("Keep a PDF that a newer PDF replaced for this many days"),
    "retain_abandoned_drafts_days": _l("Keep a draft nobody has changed for this many days"),
    "retain_referrals_days": _l("Keep a referral that was declined or never taken up for this many days"),
    "retain_audit_days": _l("Keep audit log events for this many days"),
}


def retention_settings() -> list[tuple]:
    """(field, label, lowest, highest) for the settings page."""
    return [(name, RETENTION_LABELS[name], low, high) for name, (low, high) in RETENTION_RANGES.items()]

SETTINGS_FIELDS = (
    "caseworkers_see_all_clients", "caseworkers_may_approve", "self_approval_allowed",
    "youth_login_mode", "stuck_after_days", *RETENTION_FIELDS, "caseworkers_need_mfa",
)
YOUTH_LOGIN_MODES = ("password", "one_time_code")
STAFF_ROLES_CREATABLE = {
    Role.admin: (Role.admin, Role.manager, Role.caseworker),
    Role.manager: (Role.manager, Role.caseworker),  # a manager never creates an admin
}


def _whole_number(raw: str, *, low: int, high: int):
    text = validation.clean_text(raw)
    if not text.isdigit() or not low <= int(text[:7]) <= high:
        return text, _l("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)
    return int(text), None


def read_settings(form) -> FormResult:
    """The settings form: as typed, clean, and a message per field that cannot be used."""
    raw = {
        "caseworkers_see_all_clients": form.get("caseworkers_see_all_clients", ""),
        "caseworkers_may_approve": form.get("caseworkers_may_approve", ""),
        "self_approval_allowed": form.get("self_approval_allowed", ""),
        "youth_login_mode": validation.clean_text(form.get("youth_login_mode", "")),
        "caseworkers_need_mfa": form.get("caseworkers_need_mfa", ""),
        "stuck_after_days": validation.clean_text(form.get("stuck_after_days", ""))[:20],
        **{name: validation.clean_text(form.get(name, ""))[:20] for name in RETENTION_FIELDS},
    }
    values, errors = {}, {}
    values["caseworkers_see_all_clients"] = raw["caseworkers_see_all_clients"] == "all"
    if raw["caseworkers_see_all_clients"] not in ("all", "assigned"):
        errors["caseworkers_see_all_clients"] = _l("Please choose one of the options.")
    values["caseworkers_may_approve"] = raw["caseworkers_may_approve"] == "yes"
    values["self_approval_allowed"] = raw["self_approval_allowed"] == "yes"
    values["caseworkers_need_mfa"] = raw["caseworkers_need_mfa"] == "yes"
    values["youth_login_mode"], error = validation.choice(raw["youth_login_mode"], YOUTH_LOGIN_MODES, required=True)
    if error:
        errors["youth_login_mode"] = error
    values["stuck_after_days"], error = _whole_number(raw["stuck_after_days"], low=1, high=365)
    if error:
        errors["stuck_after_days"] = error
    for name, (low, high) in RETENTION_RANGES.items():
        values[name], error = _whole_number(raw[name], low=low, high=high)
        if error:
            errors[name] = error
    return FormResult(values=raw, clean=values, errors=errors)


def update_settings(session: Session, *, agency: Agency, values: dict, by: User) -> list[str]:
    """Apply the settings; the audit event names the settings changed."""
    changed = [name for name in SETTINGS_FIELDS if getattr(agency, name) != values[name]]
    for name in changed:
        setattr(agency, name, values[name])
    if changed:
        audit.record(session, action="agency.settings_changed", user=by, record_type="agency", record_id=agency.id,
                     detail="fields=" + ",".join(changed))
    return changed


def roles_creatable_by(user: User) -> tuple:
    return STAFF_ROLES_CREATABLE.get(user.role, ())


DELIVERIES = ("email", "shown")


def read_new_user(form, *, by: User) -> FormResult:
    """The new-user form: as typed, clean, and a message per field. There is no password: the new person
    chooses it with a one-time link, emailed or shown once to hand over in person."""
    raw = {
        "email": validation.clean_text(form.get("email", "")),
        "name": validation.clean_text(form.get("name", "")),
        "role": validation.clean_text(form.get("role", "")),
        "delivery": validation.clean_text(form.get("delivery", "")),
    }
    values, errors = {}, {}
    values["email"], error = validation.email(raw["email"], required=True)
    if error:
        errors["email"] = error
    values["name"], error = validation.text(raw["name"], required=True, max_length=200)
    if error:
        errors["name"] = error
    values["role"], error = validation.choice(raw["role"], roles_creatable_by(by), required=True)
    if error:
        errors["role"] = error
    values["delivery"], error = validation.choice(raw["delivery"], DELIVERIES, required=True)
    if error:
        errors["delivery"] = _l("Please choose how they get the link to choose their password.")
    return FormResult(values=raw, clean=values, errors=errors)


def needs_confirmation(*, by: User, role: str) -> bool:
    """An account that can see case content, made by someone who cannot vouch for case access (an admin)."""
    return role in CASE_ROLES and by.role != Role.manager


def add_staff(session: Session, *, by: User, values: dict) -> tuple[User, str]:
    """Create a staff account in the creator's agency, without a password, and its one-time password link.

    Returns the account and the link's token; raises ValueError for a duplicate email. An admin's new manager
    or caseworker stays inactive until a manager of the agency confirms it (confirm_access).
    """
    if values["role"] not in roles_creatable_by(by):
        raise PermissionError("role not allowed")
    user = users.create_user(session, agency_id=by.agency_id, email=values["email"], name=values["name"],
                             role=values["role"], password=None)
    waiting = needs_confirmation(by=by, role=user.role)
    user.active, user.awaiting_confirmation = not waiting, waiting
    audit.record(session, action="user.created", user=by, record_type="user", record_id=user.id,
                 detail=f"role={user.role}" + (" awaiting_confirmation=1" if waiting else ""))
    token = password_links.issue(session, user=user, by=by, channel=values["delivery"])
    return user, token


def may_confirm(actor: User, target: User) -> bool:
    return (actor.role == Role.manager and actor.agency_id == target.agency_id and actor.id != target.id
            and target.awaiting_confirmation)


def confirm_access(session: Session, *, user: User, by: User) -> bool:
    """A manager confirms a new account's access to case content; False when it was not waiting (any more)."""
    if not may_confirm(by, user):
        return False
    confirmed = session.execute(
        update(User).where(User.id == user.id, User.awaiting_confirmation.is_(True))
        .values(awaiting_confirmation=False, active=True).execution_options(synchronize_session=False)
    ).rowcount
    if confirmed:
        user.awaiting_confirmation, user.active = False, True
        audit.record(session, action="user.access_granted", user=by, record_type="user", record_id=user.id,
                     detail=f"role={user.role}")
    return bool(confirmed)


def may_manage(actor: User, target: User) -> bool:
    """Same agency, not oneself, and a manager never changes an admin."""
    if actor.agency_id != target.agency_id or actor.id == target.id:
        return False
    return not (actor.role == Role.manager and target.role == Role.admin)


def agency_users(session: Session, *, agency_id) -> list[User]:
    return list(session.exec(select(User).where(User.agency_id == agency_id)
                             .order_by(User.active.desc(), User.role, User.name)))


def set_active(session: Session, *, user: User, active: bool, by: User) -> None:
    """Deactivating a user also ends every session they have open. An account waiting for a manager's
    confirmation is only ever activated by confirm_access."""
    if active and user.awaiting_confirmation:
        raise PermissionError("waiting for a manager's confirmation")
    user.active = active
    if not active:
        sessions.end_all_sessions(session, user=user)
    audit.record(session, action="user.activated" if active else "user.deactivated", user=by, record_type="user",
                 record_id=user.id)


def reset_two_step(session: Session, *, user: User, by: User) -> bool:
    """Someone lost their phone and their recovery codes: an admin or manager removes their authenticator.
    Their sessions end; where their role needs a second step, they set up a new one at their next sign-in."""
    if not may_manage(by, user) or mfa.enrolment(session, user) is None:
        return False
    mfa.remove(session, user=user)
    sessions.end_all_sessions(session, user=user)
    audit.record(session, action="mfa.reset", user=by, record_type="user", record_id=user.id)
    return True
