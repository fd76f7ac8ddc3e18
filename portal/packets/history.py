"""A packet's history as staff read it: every transition, milestone, signature and voided signature."""
from __future__ import annotations

from sqlmodel import Session, select

from portal.i18n import lazy_gettext as _l
from portal.models import Packet, PacketEvent, User

EVENT_LABELS = {
    "send": _l("Sent for review"),
    "recall": _l("Taken back to draft"),
    "request_changes": _l("Changes requested"),
    "approve": _l("Approved"),
    "reopen": _l("Reopened for changes: new version"),
    "new_revision": _l("Changed after approval: new version"),
    "submit": _l("Sent to IRCC"),
    "decide": _l("Decision recorded"),
    "return": _l("Returned as incomplete: back to draft, new version"),
    "withdraw": _l("Withdrawn"),
    "restore": _l("Restored to draft"),
    "milestone": _l("IRCC milestone"),
    "signature": _l("Signed"),
    "signature_voided": _l("A signature was voided because an answer changed"),
    "override": _l("A manager went ahead with something missing"),
}


def events(session: Session, *, packet: Packet, limit: int = 100) -> list[tuple[PacketEvent, str]]:
    """The packet's events, newest first, with who made them."""
    statement = (
        select(PacketEvent, User.name)
        .join(User, User.id == PacketEvent.actor_id, isouter=True)
        .where(PacketEvent.packet_id == packet.id)
        .order_by(PacketEvent.created_at.desc())
        .limit(limit)
    )
    return [(event, name or "") for event, name in session.exec(statement).all()]
