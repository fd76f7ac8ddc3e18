"""Guided forms: packet types declared as data (types), one module each (packets/), read by one engine.

Everything here is pure: no database session, no request. The registry finds the packet types.
"""
from portal.forms.engine import (
    NOT_APPLICABLE,
    age_at_signing,
    build_context,
    check_step,
    check_value,
    display_value,
    progress,
    step_done,
    summarize,
    visible_fields,
    visible_steps,
    with_answers,
)
from portal.forms.registry import PACKET_TYPES, find_packet_type, get_packet_type
from portal.forms.types import PacketType

__all__ = [
    "NOT_APPLICABLE",
    "age_at_signing",
    "build_context",
    "check_step",
    "check_value",
    "display_value",
    "progress",
    "step_done",
    "summarize",
    "visible_fields",
    "visible_steps",
    "with_answers",
    "PACKET_TYPES",
    "find_packet_type",
    "get_packet_type",
    "PacketType",
]
