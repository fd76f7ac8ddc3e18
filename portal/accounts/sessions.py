"""Signing in, with throttling, and server-side sessions that can be ended."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from portal import audit
from portal.accounts import limits, mfa
from portal.accounts.users import normalise_email, password_matches
from portal.models import Agency, Role, User, UserSession, utcnow

FAILURES_ALLOWED = 5  # per account, from any address
ADDRESS_FAILURES_ALLOWED = 20  # per address, for any accounts: an office behind one address is not one person
FAILURE_WINDOW = timedelta(minutes=1)
ACCOUNT = limits.Limit("sign-in-account", FAILURES_ALLOWED, FAILURE_WINDOW)
ADDRESS = limits.Limit("sign-in-address", ADDRESS_FAILURES_ALLOWED, FAILURE_WINDOW)


def throttle_wait_seconds(session: Session, *, email: str, ip: str, now: datetime | None = None) -> int:
    """Seconds until another attempt is allowed; 0 when it is allowed now."""
    return max(limits.wait_seconds(session, ACCOUNT, normalise_email(email), now=now),
               limits.wait_seconds(session, ADDRESS, ip, now=now))


def _take_try(session: Session, *, email: str, ip: str, now: datetime) -> int:
    """Take a try from the account's allowance and the address's; 0 when both had one left."""
    wait = limits.take(session, ACCOUNT, email, now=now)
    if wait:
        return wait  # the address keeps its try: one account's lockout holds up nobody else
    wait = limits.take(session, ADDRESS, ip, now=now)
    if wait:
        limits.give_back(session, ACCOUNT, email)
    return wait


@dataclass
class SignInResult:
    user: User | None = None
    wait_seconds: int = 0
    needs_code: bool = False  # a youth whose agency signs youth in with one-time codes, not passwords
    pending: User | None = None  # the password was right; the second step ("code" or "enrol") is still to come
    second_step: str | None = None


def sign_in(session: Session, *, email: str, password: str, ip: str, now: datetime | None = None) -> SignInResult:
    """Check the credentials; record a failure or the success in the audit log.

    The try is taken before the password is checked, so however many requests arrive at once, no more
    passwords are checked than the allowance; a right password gives its try back.
    """
    now = now or utcnow()
    email = normalise_email(email)
    wait = _take_try(session, email=email, ip=ip, now=now)
    if wait:
        audit.record(session, action="sign_in.throttled")
        return SignInResult(wait_seconds=wait)
    user = session.exec(select(User).where(User.email == email)).first()
    if user is not None and user.active and password_matches(user.password_hash, password):
        limits.clear(session, ACCOUNT, email)
        limits.give_back(session, ADDRESS, ip)
        agency = session.get(Agency, user.agency_id)
        if user.role == Role.youth and agency is not None and agency.youth_login_mode == "one_time_code":
            audit.record(session, action="sign_in.needs_code", user=user, record_type="user", record_id=user.id)
            return SignInResult(needs_code=True)
        step = mfa.second_step(session, user=user, agency=agency)
        if step:
            audit.record(session, action="sign_in.password_ok", user=user, record_type="user", record_id=user.id,
                         detail=f"next={step}")
            return SignInResult(pending=user, second_step=step)
        return SignInResult(user=signed_in(session, user=user, now=now))
    if user is None:
        password_matches("", password)
    audit.record(
        session,
        action="sign_in.failed",
        agency_id=user.agency_id if user else None,
        record_type="user" if user else "",
        record_id=user.id if user else "",
    )
    return SignInResult()


def signed_in(session: Session, *, user: User, now: datetime | None = None, how: str = "") -> User:
    """Record a completed sign-in (after the password, and the second step where there is one)."""
    user.last_sign_in_at = now or utcnow()
    audit.record(session, action="sign_in", user=user, record_type="user", record_id=user.id, detail=how)
    return user


def open_session(session: Session, *, user: User, ip: str) -> str:
    """A new session token for the cookie; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    session.add(UserSession(id=_token_hash(token), user_id=user.id, ip=ip[:64]))
    return token


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_user(session: Session, *, token: str, user_id: str, idle: timedelta, touch: bool = True,
                 force: bool = False) -> User | None:
    """The user of a live session; None when it ended, idled out, or the user was deactivated.

    `touch=False` for background requests (a status poll): they read the session but are not activity, so an
    open page cannot keep a session alive on its own. `force` counts the request as activity at once ("Stay
    signed in")."""
    # One query for the session, the user and their agency: this runs on every signed-in request, and
    # the access checks that follow find the agency in the session instead of asking again.
    found = session.exec(
        select(UserSession, User, Agency).join(User, User.id == UserSession.user_id, isouter=True)
        .join(Agency, Agency.id == User.agency_id, isouter=True)
        .where(UserSession.id == _token_hash(token))
    ).first()
    now = utcnow()
    if found is None:
        return None
    row, user, agency = found
    session.info["agency"] = agency  # the session's identity map holds objects weakly: keep it for this request
    if row.ended_at is not None or str(row.user_id) != user_id:
        return None
    if now - row.last_seen_at > idle:
        row.ended_at = now
        session.commit()
        return None
    if user is None or not user.active:
        return None
    # Write the heartbeat at most once a minute: reads should not cost a write each.
    if force or (touch and now - row.last_seen_at > timedelta(minutes=1)):
        row.last_seen_at = now
        session.commit()
    return user


def end_session(session: Session, *, token: str) -> None:
    row = session.get(UserSession, _token_hash(token))
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()


def end_all_sessions(session: Session, *, user: User) -> None:
    """Sign out everywhere: every session of the user ends, on every device."""
    for row in session.exec(select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))):
        row.ended_at = utcnow()


def sign_out_everywhere(session: Session, *, user: User) -> None:
    end_all_sessions(session, user=user)
    audit.record(session, action="sign_out.everywhere", user=user, record_type="user", record_id=user.id)
