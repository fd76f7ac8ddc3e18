"""The packet's lifecycle: one place owns every transition and who may make it."""
from portal.models import Packet, PacketStatus

# Answers can change in these states; a change to an approved packet starts a new revision.
EDITABLE_STATUSES = {PacketStatus.draft, PacketStatus.changes_requested, PacketStatus.approved}


def is_editable(packet: Packet) -> bool:
    return packet.status in EDITABLE_STATUSES
