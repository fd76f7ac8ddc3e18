"""Stored answers as the shape their fields expect, whatever is in the database.

Every save is checked, but a stored value may still be odd: written by an older version, an import, a
repair by hand. Pages and rules read answers through these functions, so an odd value is shown as it is
(and can be corrected) instead of breaking the packet. A date's plausibility is separate: see
`rules.dates.as_date`, which reads a date outside the plausible range as no date.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from portal.forms.types import Field, PacketType


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def stored_value(item: Field, value: Any) -> Any:
    """One stored answer in the shape `item`'s kind expects (the value itself when it already has it)."""
    if value is None:
        return None
    if item.kind == "group":
        rows = value if isinstance(value, list) else []
        return [{column.name: stored_value(column, row.get(column.name)) for column in item.columns}
                for row in rows if isinstance(row, dict)]
    if item.kind == "checkbox":
        return value is True
    if item.kind == "number":
        return value if isinstance(value, int) and not isinstance(value, bool) else str(_scalar(value))
    if isinstance(value, bool):
        return value if item.kind in ("choice", "radio", "yesno") else str(value)
    scalar = _scalar(value)
    return scalar if isinstance(scalar, str) else str(scalar)


def stored_answers(packet_type: PacketType, answers: Any) -> dict[str, Any]:
    """All stored answers, each in its field's shape; keys that are no field are kept as they are."""
    answers = dict(answers) if isinstance(answers, dict) else {}
    for step in packet_type.steps:
        for item in step.fields:
            if item.name in answers:
                answers[item.name] = stored_value(item, answers[item.name])
    return answers


def stored_meta(meta: Any) -> dict[str, dict]:
    """Who gave each answer and when: entries that are not a mapping are left out."""
    if not isinstance(meta, dict):
        return {}
    return {name: entry for name, entry in meta.items() if isinstance(entry, dict)}
