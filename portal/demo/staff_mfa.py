"""The demo's managers and admins sign in with a second step like real ones, from secrets anyone can know:
`make run` prints them, and a code comes from `flask --app portal demo-code EMAIL` or any authenticator app."""
import base64
import hashlib

from sqlmodel import Session

from portal.accounts import mfa
from portal.models import Role


def demo_totp_secret(email: str) -> str:
    """The fixed, published secret of a demo account. Demo only: never for real data."""
    return base64.b32encode(hashlib.sha256(b"passage-demo-totp:" + email.encode()).digest()[:20]).decode()


def seed(session: Session, context: dict) -> None:
    for email, user in context["users"].items():
        if user.role in (Role.admin, Role.manager) and mfa.enrolment(session, user) is None:
            mfa.enrol_with_secret(session, user=user, secret=demo_totp_secret(email))
