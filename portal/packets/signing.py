"""The youth's signature, given only when what they vouch for is there: a youth can't say "my answers are
true and complete" while questions are unanswered or their own questions wait for the caseworker."""
from __future__ import annotations

from sqlmodel import Session

from portal.i18n import lazy_gettext as _l
from portal.models import Packet, Signature, User
from portal.packets import completeness, signatures


class NotReadyToSign(signatures.SignatureError):
    """Something the declaration covers is still missing: `missing` lists it for the sign page."""

    def __init__(self, missing: list):
        self.missing = missing
        super().__init__({"signer": _l("You can't sign yet: some questions are not answered. "
                                       "They are listed below. Your caseworker can help.")})


def blocking(session: Session, *, packet: Packet) -> list[completeness.Missing]:
    return completeness.of(session, packet=packet).blocking("sign")


def sign(session: Session, *, packet: Packet, user: User, **fields) -> Signature:
    """signatures.sign, refused with NotReadyToSign while the sign gate has something missing."""
    missing = blocking(session, packet=packet)
    if missing:
        raise NotReadyToSign(missing)
    return signatures.sign(session, packet=packet, user=user, **fields)
