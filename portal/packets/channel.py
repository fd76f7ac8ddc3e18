"""Which channel a packet goes by (online or paper): its type's channel in facts.toml, and the caseworker's
choice when the type allows either."""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from portal import audit
from portal.forms import channels
from portal.i18n import lazy_gettext as _l
from portal.models import Packet, User
from portal.packets.lifecycle import is_editable
from portal.validation import FormInvalid


@dataclass(frozen=True)
class PacketChannel:
    channel: channels.Channel | None  # None: facts.toml has no [[channel]] for this type yet
    applies: str  # online | paper | "" when unknown

    @property
    def online(self) -> bool:
        return self.applies == channels.ONLINE

    @property
    def may_choose(self) -> bool:
        return self.channel is not None and self.channel.channel == channels.EITHER

    def not_needed(self, item_key: str) -> bool:
        return channels.not_needed(self.channel, self.applies, item_key)

    def notes(self) -> list[str]:
        return channels.checklist_notes(self.channel, self.applies)


def of(packet: Packet) -> PacketChannel:
    found = channels.find_channel(packet.packet_type)
    return PacketChannel(found, found.applies(packet.submit_channel) if found else "")


def choose(session: Session, *, packet: Packet, user: User, choice: str) -> None:
    """The caseworker sends this packet online or on paper (types that allow either). Caller commits."""
    current = of(packet)
    if not current.may_choose or choice not in (channels.ONLINE, channels.PAPER):
        raise FormInvalid({"submit_channel": _l("Please choose online or paper.")}, {"submit_channel": choice})
    if not is_editable(packet) and choice != current.applies:
        raise FormInvalid({"submit_channel": _l("This packet is with a reviewer or already sent; "
                                                "its channel cannot change now.")}, {"submit_channel": choice})
    packet.submit_channel = choice
    session.add(packet)
    session.flush()
    audit.record(session, action="packet.channel", user=user, record_type="packet", record_id=packet.id,
                 detail=f"channel={choice}")
