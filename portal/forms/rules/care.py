"""Time in court-ordered care, summed from the client file's care periods.

Periods may overlap (a new order before the old one formally ended) or be split (care, return home,
care again); each calendar day counts once. An ongoing period (no end) runs to `today`.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from portal.forms.rules.dates import add_months, as_date
from portal.i18n import format_date, ngettext

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

    def months_in_days(self, months: int) -> int:
        """Days in `months` calendar months from the first day in care: a year holding 29 February is 366 days.

        Exact for one continuous period (Interpretation Act s.28); for periods added up, the months are laid from
        the first day in care, Passage's reading of "12 months, in a row or added up" [G].
        """
        first = self.spans[0][0] if self.spans else None
        if first is None:
            return (add_months(date(2021, 1, 1), months) - date(2021, 1, 1)).days
        return (add_months(first, months) - first).days

    def at_least_months(self, months: int) -> bool:
        return bool(self.spans) and self.days >= self.months_in_days(months)


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
    working = tuple(ngettext("%(start)s to %(end)s: %(num)s day", "%(start)s to %(end)s: %(num)s days", count,
                             start=format_date(start), end=format_date(end))
                    for (start, end), count in zip(merged, days, strict=True))
    return CareSum(sum(days), merged, tuple(skipped), tuple(excluded), working)
