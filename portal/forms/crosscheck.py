"""Answers checked against the client file: a date of birth, a name or a UCI that differs is flagged beside
the field, which offers both values (the caseworker decides which is right; nothing is changed for them)."""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any

# Packet field -> client file field. Names are compared without case, accents' forms or extra spaces,
# a UCI by its digits, a date by its ISO form.
CLIENT_FILE_FIELDS = {"dob": "dob", "family_name": "family_name", "given_names": "given_names", "uci": "uci"}


def _comparable(name: str, value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = unicodedata.normalize("NFC", str(value or "")).strip()
    if name == "uci":
        return re.sub(r"\D", "", text)
    return " ".join(text.casefold().split())


def _as_text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def client_file_differences(values: dict[str, Any], client: dict[str, Any]) -> dict[str, str]:
    """{field name: the client file's value} for answers that differ from it; blanks on either side are not
    a difference (a missing answer is reported as missing, an empty client file has nothing to say)."""
    differences = {}
    for name, client_name in CLIENT_FILE_FIELDS.items():
        answer, on_file = values.get(name), client.get(client_name)
        if isinstance(answer, (list, dict)):
            continue
        mine, theirs = _comparable(name, answer), _comparable(name, on_file)
        if mine and theirs and mine != theirs:
            differences[name] = _as_text(on_file)
    return differences


def client_file_value(name: str, client: dict[str, Any]) -> str:
    """The client file's value for a packet field, as a form shows it."""
    value = client.get(CLIENT_FILE_FIELDS[name])
    return "" if value is None else _as_text(value)
