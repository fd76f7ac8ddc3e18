"""What staff change on their own account: confirming who they are again, their password, their email."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, func, select

from portal import audit, validation
from portal.accounts import limits, mfa, sessions
from portal.accounts.password_links import PASSWORD_MIN
from portal.accounts.users import hash_password, normalise_email, password_matches
from portal.i18n import lazy_gettext as _l
from portal.models import User, utcnow
from portal.validation import FormInvalid


def confirm_identity(session: Session, *, user: User, password: str, code: str, now: datetime | None = None) -> None:
    """Check the password (and a code, for an account with an authenticator) before a sensitive change.

    Tries count against the same allowances as signing in. Raises FormInvalid naming the field at fault.
    """
    now = now or utcnow()
    wait = limits.take(session, sessions.ACCOUNT, user.email, now=now)
    if wait:
        raise FormInvalid({"password": _l("Too many attempts. Please try again in %(n)s seconds.", n=wait)})
    if not password_matches(user.password_hash, password):
        audit.record(session, action="reauth.failed", user=user, record_type="user", record_id=user.id)
        raise FormInvalid({"password": _l("That is not your current password.")})
    limits.give_back(session, sessions.ACCOUNT, user.email)
    if mfa.enrolment(session, user) is not None:
        check = mfa.check_code(session, user=user, code=code, now=now)
        if check.wait_seconds:
            raise FormInvalid({"code": _l("Too many attempts. Please try again in %(n)s seconds.",
                                          n=check.wait_seconds)})
        if not check.ok:
            raise FormInvalid({"code": _l("That code did not work. Enter the 6-digit code your app shows now.")})
    audit.record(session, action="reauth", user=user, record_type="user", record_id=user.id)


def change_password(session: Session, *, user: User, password: str, confirm: str) -> None:
    """A new password; every other session ends (the caller opens a new one for this browser)."""
    if len(password) < PASSWORD_MIN:
        raise FormInvalid({"password": _l("Please choose a password of at least %(n)s characters.", n=PASSWORD_MIN)})
    if len(password) > 200:
        raise FormInvalid({"password": _l("Please choose a password of at most 200 characters.")})
    if password != confirm:
        raise FormInvalid({"confirm": _l("The two passwords are not the same. Please type them again.")})
    user.password_hash = hash_password(password)
    sessions.end_all_sessions(session, user=user)
    audit.record(session, action="user.password_changed", user=user, record_type="user", record_id=user.id)


def change_email(session: Session, *, user: User, email: str) -> None:
    value, error = validation.email(email, required=True)
    if error:
        raise FormInvalid({"email": error}, {"email": email})
    value = normalise_email(value)
    if value == user.email:
        return
    taken = session.exec(select(func.count()).select_from(User).where(User.email == value)).one()
    if taken:
        raise FormInvalid({"email": _l("Another account already uses this email.")}, {"email": email})
    user.email = value
    audit.record(session, action="user.email_changed", user=user, record_type="user", record_id=user.id)
