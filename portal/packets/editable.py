"""Which states let a packet's answers change: read by the lifecycle, signatures and the completeness model,
kept apart so those can import it without importing one another."""
from __future__ import annotations

from portal.models import Packet, PacketStatus

# Answers can change in these states; a change to an approved packet starts a new revision.
EDITABLE_STATUSES = {PacketStatus.draft, PacketStatus.changes_requested, PacketStatus.approved}


def is_editable(packet: Packet) -> bool:
    return packet.status in EDITABLE_STATUSES
