"""A packet as pages read it: stored answers in their fields' shapes, whatever is in the database."""
from sqlalchemy.orm.attributes import set_committed_value

from portal.forms import find_packet_type
from portal.forms.stored import stored_answers, stored_meta
from portal.models import Packet


def readable(packet: Packet) -> Packet:
    """The packet with its stored answers in their fields' shapes (forms.stored), in memory only: whatever an
    older version or a hand repair left in the database, every page can show it and the next save corrects it."""
    packet_type = find_packet_type(packet.packet_type)
    if packet_type is not None:
        set_committed_value(packet, "answers", stored_answers(packet_type, packet.answers))
    set_committed_value(packet, "answer_meta", stored_meta(packet.answer_meta))
    return packet
