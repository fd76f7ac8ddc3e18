"""One-time links for new staff to choose their own password: nobody who makes an account sets or learns it.

The link is a random token whose SHA-256 alone is stored, valid for 72 hours, used once (a conditional
UPDATE claims it, so two tabs or two people with the same link cannot both set a password).
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from portal import audit, mail
from portal.accounts import sessions, users
from portal.i18n import gettext as _
from portal.i18n import language_of
from portal.i18n import lazy_gettext as _l
from portal.models import PasswordLink, User, utcnow
from portal.validation import FormInvalid

LIFETIME = timedelta(hours=72)
PASSWORD_MIN = 10
PROBLEMS = {
    "unknown": _l("This link does not work. Please check you copied all of it, or ask for a new account link."),
    "used": _l("This link was already used. Sign in with the password you chose."),
    "expired": _l("This link has expired (links last 72 hours). Please ask whoever made your account for a new one."),
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def issue(session: Session, *, user: User, by: User, channel: str, now: datetime | None = None) -> str:
    """A new link for the user; the token is returned once (to email or show) and never stored."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    session.add(PasswordLink(user_id=user.id, token_hash=_hash(token), channel=channel, created_by_id=by.id,
                             created_at=now, expires_at=now + LIFETIME))
    audit.record(session, action="user.password_link", user=by, record_type="user", record_id=user.id,
                 detail=f"channel={channel}")
    return token


def send(*, user: User, link: str, agency_name: str) -> str:
    """The email carries the link and nothing else about the agency's work."""
    with language_of(user):
        subject = _("Your Passage account")
        body = "\n".join([
            _("Hello %(name)s,", name=user.name),
            "",
            _("An account was made for you in Passage at %(agency)s.", agency=agency_name),
            _("Open this link to choose your password:"),
            link,
            "",
            _("The link works once and stops working after 72 hours."),
            _("If you were not expecting this, tell your agency's administrator."),
        ])
    return mail.send(to=user.email, subject=subject, body=body)


def find(session: Session, *, token: str, now: datetime | None = None) -> tuple[PasswordLink | None, str | None]:
    """The link for a token and the problem with it (None when it can be used)."""
    if not token or len(token) > 100:
        return None, "unknown"
    link = session.exec(select(PasswordLink).where(PasswordLink.token_hash == _hash(token))).first()
    if link is None:
        return None, "unknown"
    if link.used_at is not None:
        return link, "used"
    if _aware(link.expires_at) <= (now or utcnow()):
        return link, "expired"
    return link, None


def use(session: Session, *, token: str, password: str, confirm: str, now: datetime | None = None) -> User:
    """Set the password with the link, once; raises FormInvalid (errors by field, "token" for the link)."""
    now = now or utcnow()
    link, problem = find(session, token=token, now=now)
    if problem:
        raise FormInvalid({"token": PROBLEMS[problem]})
    if len(password) < PASSWORD_MIN:
        raise FormInvalid({"password": _l("Please choose a password of at least %(n)s characters.", n=PASSWORD_MIN)})
    if len(password) > 200:
        raise FormInvalid({"password": _l("Please keep this to %(n)s characters or fewer.", n=200)})
    if password != confirm:
        raise FormInvalid({"confirm": _l("The two passwords are not the same. Please type them again.")})
    claimed = session.execute(
        update(PasswordLink).where(PasswordLink.id == link.id, PasswordLink.used_at.is_(None),
                                   PasswordLink.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise FormInvalid({"token": PROBLEMS["used"]})
    user = session.get(User, link.user_id)
    user.password_hash = users.hash_password(password)
    sessions.end_all_sessions(session, user=user)
    audit.record(session, action="user.password_set", user=user, record_type="user", record_id=user.id)
    return user
