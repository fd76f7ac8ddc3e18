"""Two-step sign-in for staff: an authenticator app's codes (RFC 6238) and ten single-use recovery codes.

A code is spent by one conditional UPDATE that raises the account's last accepted time step
(`... SET last_step = :step WHERE last_step < :step`), so one code cannot be used twice, even by two requests
at the same moment: the database, not the request, decides which one was first. Guesses are counted the
same way (accounts.limits) before any code is checked. Recovery codes are random, so a SHA-256 is enough
to keep them safe at rest, and each is spent by `... SET used_at = now WHERE used_at IS NULL`.
"""
from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
import qrcode
import qrcode.image.svg
from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from portal import audit
from portal.accounts import limits
from portal.i18n import lazy_gettext as _l
from portal.models import Agency, RecoveryCode, Role, StaffMfa, User, utcnow
from portal.validation import FormInvalid

ISSUER = "Passage"
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a phone's clock a step either side of ours is accepted
RECOVERY_CODE_COUNT = 10
GUESSES = limits.Limit("mfa-code", 10, timedelta(minutes=15))  # per account: ~1 in 3,000 a day to guess
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: they are read off paper


def required_for(user: User, agency: Agency | None) -> bool:
    """Managers and admins always; caseworkers when their agency says so; youth and clients never."""
    if user.role in (Role.admin, Role.manager):
        return True
    return user.role == Role.caseworker and agency is not None and agency.caseworkers_need_mfa


def enrolment(session: Session, user: User) -> StaffMfa | None:
    """The account's confirmed authenticator, or None."""
    row = session.get(StaffMfa, user.id)
    return row if row is not None and row.confirmed_at is not None and row.secret else None


def second_step(session: Session, *, user: User, agency: Agency | None) -> str | None:
    """What a right password leads to: "code", "enrol" (required, not set up yet), or None (signed in)."""
    if user.role not in (Role.admin, Role.manager, Role.caseworker):
        return None
    if enrolment(session, user) is not None:
        return "code"
    return "enrol" if required_for(user, agency) else None


def enrolled_ids(session: Session, *, agency_id) -> set:
    """The staff of an agency who have an authenticator (for the users page)."""
    return set(session.exec(select(StaffMfa.user_id).join(User, User.id == StaffMfa.user_id).where(
        User.agency_id == agency_id, StaffMfa.confirmed_at.is_not(None), StaffMfa.secret != "")))


def recovery_codes_left(session: Session, user: User) -> int:
    return session.exec(select(func.count()).select_from(RecoveryCode)
                        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).one()


# ---------------------------------------------------------------------------------------------
# Enrolment
# ---------------------------------------------------------------------------------------------

def start_enrolment(session: Session, *, user: User) -> str:
    """The secret being set up (a new one, or the one already waiting); the current one keeps working."""
    row = session.get(StaffMfa, user.id)
    if row is None:
        row = StaffMfa(user_id=user.id)
        session.add(row)
    if not row.pending_secret:
        row.pending_secret = pyotp.random_base32()
    session.flush()
    return row.pending_secret


def provisioning_uri(*, secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG, drawn on the server (no script, no image request)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue().decode().split("?>", 1)[-1].strip()  # no XML declaration inside HTML


def _step(now: datetime) -> int:
    return int(now.timestamp()) // STEP_SECONDS


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    totp = pyotp.TOTP(secret)
    current = _step(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def _digits(code: str) -> str:
    return "".join(ch for ch in code if not ch.isspace())


def confirm_enrolment(session: Session, *, user: User, code: str, now: datetime | None = None) -> list[str]:
    """Check a code from the pending secret; make it the account's authenticator; return new recovery codes.

    Raises FormInvalid({"code": ...}) for a wrong code or too many guesses.
    """
    now = now or utcnow()
    row = session.get(StaffMfa, user.id)
    if row is None or not row.pending_secret:
        raise FormInvalid({"code": _l("Please start setting up again.")})
    wait = limits.take(session, GUESSES, str(user.id), now=now)
    if wait:
        audit.record(session, action="mfa.throttled", user=user, record_type="user", record_id=user.id)
        raise FormInvalid({"code": _l("Too many attempts. Please try again in %(n)s seconds.", n=wait)})
    step = _matching_step(row.pending_secret, _digits(code), now)
    if step is None:
        audit.record(session, action="mfa.enrol_failed", user=user, record_type="user", record_id=user.id)
        raise FormInvalid({"code": _l("That code does not match. Enter the 6-digit code your app shows now.")})
    limits.give_back(session, GUESSES, str(user.id))
    row.secret, row.pending_secret, row.confirmed_at, row.last_step = row.pending_secret, "", now, step
    audit.record(session, action="mfa.enrolled", user=user, record_type="user", record_id=user.id)
    return new_recovery_codes(session, user=user)


def enrol_with_secret(session: Session, *, user: User, secret: str) -> None:
    """Set the authenticator directly: the demo's known secrets and the tests' staff."""
    row = session.get(StaffMfa, user.id) or StaffMfa(user_id=user.id)
    row.secret, row.pending_secret, row.confirmed_at = secret, "", row.confirmed_at or utcnow()
    session.add(row)
    session.flush()


def turn_off(session: Session, *, user: User, agency: Agency | None) -> bool:
    """Remove the authenticator and recovery codes; refused (False) where the second step is required."""
    if required_for(user, agency):
        return False
    remove(session, user=user)
    audit.record(session, action="mfa.turned_off", user=user, record_type="user", record_id=user.id)
    return True


def remove(session: Session, *, user: User) -> None:
    """The authenticator and recovery codes gone (turning it off, or an admin's reset)."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.execute(delete(StaffMfa).where(StaffMfa.user_id == user.id))


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.replace("-", "").strip().lower().encode()).hexdigest()


def new_recovery_codes(session: Session, *, user: User) -> list[str]:
    """Ten fresh codes (shown once); any earlier ones stop working."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(raw)))
    session.flush()
    audit.record(session, action="mfa.recovery_codes", user=user, record_type="user", record_id=user.id)
    return codes


# ---------------------------------------------------------------------------------------------
# Checking a code
# ---------------------------------------------------------------------------------------------

@dataclass
class CodeCheck:
    ok: bool = False
    wait_seconds: int = 0
    used_recovery_code: bool = False


def check_code(session: Session, *, user: User, code: str, now: datetime | None = None) -> CodeCheck:
    """Check an authenticator or recovery code and spend it. The caller commits (failures too)."""
    now = now or utcnow()
    row = enrolment(session, user)
    if row is None:
        return CodeCheck()
    wait = limits.take(session, GUESSES, str(user.id), now=now)
    if wait:
        audit.record(session, action="mfa.throttled", user=user, record_type="user", record_id=user.id)
        return CodeCheck(wait_seconds=wait)
    code = _digits(code)
    table = StaffMfa.__table__
    step = _matching_step(row.secret, code, now) if code.isdigit() and len(code) == 6 else None
    if step is not None and session.execute(
            update(table).where(table.c.user_id == user.id, table.c.last_step < step).values(last_step=step)
    ).rowcount == 1:
        limits.give_back(session, GUESSES, str(user.id))
        return CodeCheck(ok=True)
    if step is None and len(code.replace("-", "")) == 10:
        codes = RecoveryCode.__table__
        if session.execute(
                update(codes).where(codes.c.user_id == user.id, codes.c.code_hash == _code_hash(code),
                                    codes.c.used_at.is_(None)).values(used_at=now)
        ).rowcount == 1:
            limits.give_back(session, GUESSES, str(user.id))
            audit.record(session, action="mfa.recovery_code_used", user=user, record_type="user", record_id=user.id)
            return CodeCheck(ok=True, used_recovery_code=True)
    audit.record(session, action="mfa.failed", user=user, record_type="user", record_id=user.id,
                 detail="replayed" if step is not None else "")
    return CodeCheck()
