"""Time in court-ordered care, summed from the client file's care periods.

Periods may overlap (a new order before the old one formally ended) or be split (care, return home,
care again); each calendar day counts once. An ongoing period (no end) runs to `today`.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from portal.forms.rules.dates import as_date

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CareSum:
    days: int  # distinct calendar days in care up to `today`
    spans: tuple[tuple[date, date], ...]  # the periods merged where they overlap or touch
    skipped: tuple[int, ...]  # periods without a readable start, or ending before they start
    excluded: tuple[int, ...]  # periods whose kind of order does not count (see `counts`)
    working: tuple[str, ...]  # one line per merged span, shown on the review

    def at_least(self, minimum_days: int) -> bool:
        return self.days >= minimum_days


def care_days(periods, *, today: date, counts: Callable[[dict], bool] | None = None) -> CareSum:
    """`counts(period)` decides whether a kind of order counts (for example only court orders)."""
    ranges, skipped, excluded = [], [], []
    for index, period in enumerate(periods or ()):
        if counts is not None and not counts(period):
            excluded.append(index)
            continue
        start = as_date(period.get("start"))
        end = as_date(period.get("end")) if period.get("end") else today
        if start is None or end is None or end < start:
            skipped.append(index)
            continue
        if start > today:
            continue  # an order that has not started yet counts nothing today
        ranges.append((start, min(end, today)))
    spans: list[list[date]] = []
    for start, end in sorted(ranges):
        if spans and start <= spans[-1][1] + ONE_DAY:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    merged = tuple((start, end) for start, end in spans)
    days = [(end - start).days + 1 for start, end in merged]
    working = tuple(f"{start.isoformat()} to {end.isoformat()}: {count} days"
                    for (start, end), count in zip(merged, days, strict=True))
    return CareSum(sum(days), merged, tuple(skipped), tuple(excluded), working)
