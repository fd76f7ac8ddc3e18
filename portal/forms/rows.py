"""Repeatable rows, one way for every form: inputs named `<field>__<row>__<column>`, and row buttons
named `add_row__<field>`, `remove_row__<field>__<row>`, `up_row__...` and `down_row__...`.

Without JavaScript a row button submits the form, and the page comes back with the rows changed and
nothing saved; with htmx the same button swaps the rows in place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SEPARATOR = "__"
OPERATIONS = ("add_row", "remove_row", "up_row", "down_row")
MAX_ROWS = 50  # a crafted post cannot ask for thousands of rows


@dataclass(frozen=True)
class RowOperation:
    operation: str  # one of OPERATIONS
    field: str
    index: int | None = None


def row_key(name: str, index: int, column: str) -> str:
    return f"{name}{SEPARATOR}{index}{SEPARATOR}{column}"


def read_rows(form, name: str, columns) -> list[dict[str, str]]:
    """The rows of `name` as typed, in the order the form sent them (gaps in numbering closed)."""
    pattern = re.compile(rf"^{re.escape(name)}{SEPARATOR}(\d+){SEPARATOR}(\w+)$")
    wanted = set(columns)
    rows: dict[int, dict[str, str]] = {}
    for key in form:
        match = pattern.match(key)
        if match and match.group(2) in wanted and int(match.group(1)) < 10_000:
            rows.setdefault(int(match.group(1)), {})[match.group(2)] = form.get(key, "")
    return [{column: rows[index].get(column, "") for column in columns} for index in sorted(rows)][:MAX_ROWS]


def operation_in(form) -> RowOperation | None:
    """The row button that submitted the form, if one did."""
    for key in form:
        parts = key.split(SEPARATOR)
        if parts[0] in OPERATIONS and len(parts) >= 2:
            index = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
            return RowOperation(parts[0], parts[1], index)
    return None


def apply(rows: list[dict], operation: RowOperation) -> list[dict]:
    """The rows after the button: a blank row added, or one removed or moved."""
    rows, index = list(rows), operation.index
    if operation.operation == "add_row":
        if len(rows) < MAX_ROWS:
            rows.append({})
    elif index is not None and 0 <= index < len(rows):
        if operation.operation == "remove_row":
            rows.pop(index)
        elif operation.operation == "up_row" and index > 0:
            rows[index - 1], rows[index] = rows[index], rows[index - 1]
        elif operation.operation == "down_row" and index < len(rows) - 1:
            rows[index + 1], rows[index] = rows[index], rows[index + 1]
    return rows
