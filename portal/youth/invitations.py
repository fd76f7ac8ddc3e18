"""Inviting a youth (or adult client) to their packet, and how their account signs in afterwards.

An invitation is a one-time link: a random token whose SHA-256 alone is stored, valid for 72 hours,
used once. Accepting it creates (or re-opens) the youth account tied to the client file. Agencies choose
how youth sign in after that: a password, or a short code sent by email each time.
"""
import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from portal import audit, mail
from portal.accounts import limits, sessions, users
from portal.i18n import gettext as _
from portal.i18n import language_of
from portal.i18n import lazy_gettext as _l
from portal.models import Agency, Client, Invitation, Packet, Role, SignInCode, User, utcnow
from portal.validation import FormInvalid
from portal.validation import email as valid_email

INVITATION_LIFETIME = timedelta(hours=72)
CODE_LIFETIME = timedelta(minutes=10)
CODE_TRIES = 5  # wrong guesses allowed on one code before it stops working
CODES_PER_WINDOW = 3  # codes one account, or one address, may ask for per window
CODE_WINDOW = timedelta(minutes=15)
CODES_FOR_ADDRESS = limits.Limit("code-address", CODES_PER_WINDOW, CODE_WINDOW)
CODES_FOR_ACCOUNT = limits.Limit("code-account", CODES_PER_WINDOW, CODE_WINDOW)
PASSWORD_MIN = 10
LOGIN_MODES = ("password", "one_time_code")


class InvitationError(FormInvalid):
    """An invitation or sign-in that cannot be done: a message per field."""


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; every time we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=utcnow().tzinfo)


def youth_account_for(session: Session, *, client: Client) -> User | None:
    return session.exec(select(User).where(User.client_id == client.id, User.role == Role.youth)).first()


def create_invitation(
    session: Session, *, client: Client, by: User, packet: Packet | None = None, channel: str = "qr", email: str = "",
    now: datetime | None = None,
) -> tuple[Invitation, str]:
    """A new invitation and its token (shown or sent once, never stored)."""
    if packet is not None and packet.client_id != client.id:
        raise InvitationError({"packet": _l("That application belongs to another client.")})
    if channel not in ("email", "qr"):
        raise InvitationError({"channel": _l("Please choose email or QR code.")})
    if channel == "email":
        email, error = valid_email(email, required=True)
        if error:
            raise InvitationError({"email": error})
    else:
        email = ""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        agency_id=client.agency_id, client_id=client.id, packet_id=packet.id if packet else None,
        token_hash=_hash(token), channel=channel, sent_to=email, created_by_id=by.id, created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    session.add(invitation)
    session.flush()
    audit.record(session, action="invitation.created", user=by, record_type="invitation", record_id=invitation.id,
                 detail=f"client={client.id} channel={channel}")
    return invitation, token


def send_invitation_email(*, invitation: Invitation, link: str, agency_name: str) -> str:
    """The email carries the link and nothing about the case."""
    body = "\n".join([
        _("Hello,"),
        "",
        _("Your caseworker at %(agency)s invited you to see and help with your application in Passage.",
          agency=agency_name),
        "",
        _("Open this link on your phone or computer to set up your account:"),
        link,
        "",
        _("The link works once and stops working after 72 hours. If it has expired, ask your caseworker for a new "
          "one."),
        _("If you were not expecting this, you can ignore this email."),
    ])
    return mail.send(to=invitation.sent_to, subject=_("Your invitation to Passage"), body=body)


def revoke_invitation(session: Session, *, invitation: Invitation, by: User, now: datetime | None = None) -> None:
    if invitation.used_at is None and invitation.revoked_at is None:
        invitation.revoked_at = now or utcnow()
        audit.record(session, action="invitation.revoked", user=by, record_type="invitation", record_id=invitation.id)


def invitation_state(invitation: Invitation, now: datetime | None = None) -> str:
    """pending | used | revoked | expired"""
    now = now or utcnow()
    if invitation.used_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if _aware(invitation.expires_at) <= now:
        return "expired"
    return "pending"


PROBLEMS = {
    "unknown": _l("This link does not work. Please check you copied all of it, or ask your caseworker for a new one."),
    "used": _l("This link was already used. Sign in instead, or ask your caseworker for a new link."),
    "revoked": _l("This link was cancelled by your caseworker. Please ask them for a new one."),
    "expired": _l("This link has expired (links last 72 hours). Please ask your caseworker for a new one."),
}


def find_invitation(session: Session, *, token: str,
                    now: datetime | None = None) -> tuple[Invitation | None, str | None]:
    """The invitation for a token and the problem with it (None when it can be accepted)."""
    if not token or len(token) > 100:
        return None, "unknown"
    invitation = session.exec(select(Invitation).where(Invitation.token_hash == _hash(token))).first()
    if invitation is None:
        return None, "unknown"
    state = invitation_state(invitation, now)
    return invitation, (None if state == "pending" else state)


@dataclass
class Acceptance:
    user: User
    invitation: Invitation
    created: bool
    errors: dict = field(default_factory=dict)


def login_mode(session: Session, *, agency_id: uuid.UUID) -> str:
    agency = session.get(Agency, agency_id)
    return agency.youth_login_mode if agency and agency.youth_login_mode in LOGIN_MODES else "password"


def accept_invitation(
    session: Session, *, token: str, email: str, password: str = "", confirm: str = "", now: datetime | None = None,
) -> Acceptance:
    """Use the invitation once: create or re-open the client's youth account; raises InvitationError."""
    now = now or utcnow()
    invitation, problem = find_invitation(session, token=token, now=now)
    if problem:
        raise InvitationError({"token": PROBLEMS[problem]})
    client = session.get(Client, invitation.client_id)
    mode = login_mode(session, agency_id=invitation.agency_id)
    errors = {}
    email, error = valid_email(email, required=True)
    if error:
        errors["email"] = error
    existing = youth_account_for(session, client=client)
    if not error:
        holder = session.exec(select(User).where(User.email == users.normalise_email(email))).first()
        if holder is not None and (existing is None or holder.id != existing.id):
            errors["email"] = _l("This email is already used by another account. Please use a different one.")
    if mode == "password":
        if len(password) < PASSWORD_MIN:
            errors["password"] = _l("Please choose a password of at least %(n)s characters.", n=PASSWORD_MIN)
        elif password != confirm:
            errors["confirm"] = _l("The two passwords are not the same. Please type them again.")
    if errors:
        raise InvitationError(errors)
    _claim(session, invitation=invitation, now=now)
    if existing is None:
        user = users.create_user(
            session, agency_id=invitation.agency_id, email=email, name=client.display_name or client.family_name,
            role=Role.youth, password=password if mode == "password" else None, client_id=client.id,
        )
        created = True
    else:
        user = existing
        user.email = users.normalise_email(email)
        user.active = True
        if mode == "password":
            user.password_hash = users.hash_password(password)
            sessions.end_all_sessions(session, user=user)  # a new password ends sessions opened with the old one
        created = False
    invitation.used_by_id = user.id
    session.flush()
    audit.record(session, action="invitation.accepted", user=user, record_type="invitation", record_id=invitation.id,
                 detail="account=created" if created else "account=reopened")
    return Acceptance(user=user, invitation=invitation, created=created)


def _claim(session: Session, *, invitation: Invitation, now: datetime) -> None:
    """Mark the invitation used, if nobody else has: one conditional UPDATE, so of parallel requests with the
    same link exactly one goes on (the others wait for it, then find the link used)."""
    claimed = session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.used_at.is_(None),
                                 Invitation.revoked_at.is_(None), Invitation.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        raise InvitationError({"token": PROBLEMS["used"]})
    invitation.used_at = now


# One-time sign-in codes --------------------------------------------------------------------------

def _code_hash(user_id: uuid.UUID, code: str) -> str:
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


def _code_user(session: Session, email: str) -> User | None:
    user = session.exec(select(User).where(User.email == users.normalise_email(email))).first()
    if user is None or not user.active or user.role != Role.youth:
        return None
    if login_mode(session, agency_id=user.agency_id) != "one_time_code":
        return None
    return user


def _take_code_request(session: Session, *, email: str, ip: str, now: datetime) -> int:
    """Take a code request from the address's allowance and the account's (asked for by email, so an unknown
    email is counted like a real one); 0 when both had one left."""
    wait = limits.take(session, CODES_FOR_ADDRESS, ip, now=now)
    if wait:
        return wait
    wait = limits.take(session, CODES_FOR_ACCOUNT, users.normalise_email(email), now=now)
    if wait:
        limits.give_back(session, CODES_FOR_ADDRESS, ip)
    return wait


def request_code(session: Session, *, email: str, ip: str, link: str, now: datetime | None = None) -> int:
    """Email a fresh code when the account uses codes; returns the seconds to wait (0 = done).

    The answer is the same whether or not the account exists, so the page cannot be used to find accounts.
    """
    now = now or utcnow()
    wait = _take_code_request(session, email=email, ip=ip, now=now)
    if wait:
        audit.record(session, action="sign_in_code.throttled")
        return wait
    user = _code_user(session, email)
    if user is None:
        return 0
    code = f"{secrets.randbelow(10 ** 6):06d}"
    session.execute(update(SignInCode).where(SignInCode.user_id == user.id, SignInCode.used_at.is_(None))
                    .values(used_at=now))  # only the newest code works
    session.add(SignInCode(user_id=user.id, code_hash=_code_hash(user.id, code), created_at=now,
                           expires_at=now + CODE_LIFETIME))
    audit.record(session, action="sign_in_code.sent", user=user, record_type="user", record_id=user.id)
    with language_of(user):
        subject = _("Your Passage sign-in code")
        body = "\n".join([
            _("Your sign-in code is %(code)s", code=code),
            "",
            _("It works once, for 10 minutes. Enter it here:"),
            link,
            "",
            _("If you did not ask for a code, you can ignore this email."),
        ])
    mail.send(to=user.email, subject=subject, body=body)
    return 0


def verify_code(session: Session, *, email: str, code: str, now: datetime | None = None) -> User | None:
    """The user when the code is right, fresh and unused.

    Every guess takes one of the code's tries with a conditional UPDATE before it is compared, so parallel
    guesses get no more tries between them than one person typing; the caller commits, failures included.
    """
    now = now or utcnow()
    user = _code_user(session, email)
    code = "".join(ch for ch in (code or "") if ch.isdigit())
    row = None if user is None else session.execute(
        select(SignInCode.id, SignInCode.code_hash).where(SignInCode.user_id == user.id, SignInCode.used_at.is_(None))
        .order_by(SignInCode.created_at.desc())
    ).first()
    unused = (SignInCode.id == row.id, SignInCode.used_at.is_(None)) if row is not None else ()
    tried = row is not None and session.execute(
        update(SignInCode).where(*unused, SignInCode.attempts < CODE_TRIES, SignInCode.expires_at > now)
        .values(attempts=SignInCode.attempts + 1)
    ).rowcount == 1
    right = tried and hmac.compare_digest(row.code_hash, _code_hash(user.id, code))
    if not right or session.execute(update(SignInCode).where(*unused).values(used_at=now)).rowcount != 1:
        audit.record(session, action="sign_in_code.failed", user=user, record_type="user" if user else "",
                     record_id=user.id if user else "")
        return None
    user.last_sign_in_at = now
    audit.record(session, action="sign_in", user=user, record_type="user", record_id=user.id, detail="method=code")
    return user


def pending_invitations(session: Session, *, client_id: uuid.UUID, packet_id: uuid.UUID | None = None,
                        now: datetime | None = None) -> list[Invitation]:
    statement = select(Invitation).where(Invitation.client_id == client_id, Invitation.used_at.is_(None),
                                         Invitation.revoked_at.is_(None), Invitation.expires_at > (now or utcnow()))
    if packet_id is not None:
        statement = statement.where(Invitation.packet_id == packet_id)
    return list(session.exec(statement.order_by(Invitation.created_at.desc())))

