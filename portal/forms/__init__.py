"""Guided forms: packet types declared as data (see types.py) and the one engine that reads them.

Each packet type lives in its own module under portal/forms/ and calls register() on import.
To add a packet type, write its module and add ONE import line to the list at the bottom.
"""
from portal.forms.engine import NOT_APPLICABLE, age_at_signing, age_on, build_context, check_step, check_value, display_value, progress, step_done, summarize, visible_fields, visible_steps, with_answers
from portal.forms.types import PacketType

PACKET_TYPES: dict[str, PacketType] = {}


def register(packet_type: PacketType) -> PacketType:
    if packet_type.key in PACKET_TYPES and PACKET_TYPES[packet_type.key] is not packet_type:
        raise ValueError(f"packet type {packet_type.key!r} is registered twice")
    PACKET_TYPES[packet_type.key] = packet_type
    return packet_type


def get_packet_type(key: str) -> PacketType:
    """The registered packet type; KeyError when there is none by that key."""
    return PACKET_TYPES[key]


def find_packet_type(key: str) -> PacketType | None:
    """The registered packet type, or None for a key no longer registered (old packets keep their key)."""
    return PACKET_TYPES.get(key)


# The packet types, one import line per module (each module registers itself).
from portal.forms.packets import cit_0403  # noqa: E402,F401
from portal.forms.packets import cit_0003  # noqa: E402,F401
from portal.forms.packets import cit_0002  # noqa: E402,F401
from portal.forms.packets import cit_0001  # noqa: E402,F401
from portal.forms.packets import imm_5710  # noqa: E402,F401
from portal.forms.packets import state_care_pr  # noqa: E402,F401
from portal.forms.packets import hc_pr  # noqa: E402,F401
from portal.forms.packets import pr_card  # noqa: E402,F401
from portal.forms.packets import vos  # noqa: E402,F401
