"""How every list page works: filters read from the query string, and pages of rows.

A list's filters are a dataclass deriving from Filters, read by its classmethod read(args) as
(filters, errors); a page of rows is a Page, fetched by paginate() with its total in the same query.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session

MAX_PAGE = 100_000


def page_number(value) -> int:
    """A page number from the query string; anything else is the first page."""
    text = str(value or "1")
    return max(1, min(int(text), MAX_PAGE)) if text.isdigit() else 1


class Filters:
    """What a list is narrowed by; subclasses are dataclasses whose fields are the query string's names."""

    def query_args(self, **override) -> dict[str, Any]:
        """The filters as URL arguments: empty ones left out, and page 1 too."""
        args = {key: value for key, value in {**asdict(self), **override}.items() if value not in ("", None)}
        if args.get("page") == 1:
            args.pop("page")
        return {key: str(value) for key, value in args.items()}


@dataclass
class Page:
    rows: list
    total: int
    number: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first_number(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last_number(self) -> int:
        return min(self.total, self.number * self.size)


def paginate(session: Session, statement, *, number: int, size: int, count=None) -> Page:
    """One page of rows of a SELECT (already ordered), and the total; a page past the end shows the last one.

    The total rides along with the rows (a window count), so most pages are one query; `count` is the
    COUNT statement used when the page asked for is past the end.
    """
    number = max(1, number)
    found = session.execute(statement.add_columns(func.count().over()).offset((number - 1) * size).limit(size)).all()
    if found:
        return Page(rows=[_row(row[:-1]) for row in found], total=found[0][-1], number=number, size=size)
    total = session.exec(count).one() if count is not None else 0
    last = max(1, math.ceil(total / size))
    if total and number > last:
        return paginate(session, statement, number=last, size=size, count=count)
    return Page(rows=[], total=total, number=number, size=size)


def _row(columns):
    """An entity alone for a SELECT of one entity; the tuple for a SELECT of columns."""
    return columns[0] if len(columns) == 1 else tuple(columns)
