"""Gaps and overlaps in a history (addresses, employment, education, travel, Schedule A).

IRCC returns a history with an unexplained gap, so the review shows the exact days that no row covers.
Rows are inclusive: a row ending 2024-01-31 and the next starting 2024-02-01 leave no gap.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from portal.forms.rules.dates import month_bound
from portal.i18n import format_date, ngettext
from portal.i18n import gettext as _

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Gap:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Overlap:
    first: int  # row indexes, first < second
    second: int
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class HistoryCheck:
    gaps: tuple[Gap, ...]
    overlaps: tuple[Overlap, ...]
    invalid: tuple[int, ...]  # rows whose dates are missing or end before they start

    @property
    def clean(self) -> bool:
        return not (self.gaps or self.overlaps or self.invalid)


def row_range(row: dict, *, start_key: str = "from", end_key: str = "to", until: date) -> tuple[date, date] | None:
    """A row's (first day, last day); an empty end means "to now" (`until`). Month-only dates cover the month."""
    first = month_bound(row.get(start_key), last=False)
    raw_end = row.get(end_key)
    last = until if raw_end in (None, "", "present") else month_bound(raw_end, last=True)
    if first is None or last is None or last < first:
        return None
    return first, last


def find_gaps_and_overlaps(rows, start, end, *, start_key: str = "from", end_key: str = "to",
                           touching_ok: bool = True) -> HistoryCheck:
    """The days between `start` and `end` (inclusive) that no row covers, and each pair of rows that overlap.

    `touching_ok`: a row ending on the day the next one starts (moving day) is not an overlap.
    """
    start, end = month_bound(start, last=False), month_bound(end, last=True)
    ranges, invalid = [], []
    for index, row in enumerate(rows or ()):
        found = row_range(row, start_key=start_key, end_key=end_key, until=end)
        if found is None:
            invalid.append(index)
        else:
            ranges.append((index, *found))

    overlaps = []
    for position, (i, first_i, last_i) in enumerate(ranges):
        for j, first_j, last_j in ranges[position + 1:]:
            shared_first, shared_last = max(first_i, first_j), min(last_i, last_j)
            if shared_first > shared_last:
                continue
            if touching_ok and shared_first == shared_last and (last_i == first_j or last_j == first_i):
                continue
            overlaps.append(Overlap(min(i, j), max(i, j), shared_first, shared_last))

    gaps = []
    cursor = start  # the first day not yet covered
    for _index, first, last in sorted(ranges, key=lambda item: (item[1], item[2])):
        if last < cursor:
            continue
        if first > end:
            break
        if first > cursor:
            gaps.append(Gap(cursor, first - ONE_DAY))
        cursor = max(cursor, last + ONE_DAY)
    if cursor <= end:
        gaps.append(Gap(cursor, end))
    overlaps.sort(key=lambda item: (item.start, item.first, item.second))
    return HistoryCheck(tuple(gaps), tuple(overlaps), tuple(invalid))


def describe_gap(gap: Gap) -> str:
    if gap.start == gap.end:
        return _("%(day)s is not covered (1 day)", day=format_date(gap.start))
    return ngettext("%(start)s to %(end)s is not covered (%(num)s day)",
                    "%(start)s to %(end)s is not covered (%(num)s days)", gap.days,
                    start=format_date(gap.start), end=format_date(gap.end))


def describe_overlap(overlap: Overlap) -> str:
    return ngettext("rows %(first)s and %(second)s overlap from %(start)s to %(end)s (%(num)s day)",
                    "rows %(first)s and %(second)s overlap from %(start)s to %(end)s (%(num)s days)", overlap.days,
                    first=overlap.first + 1, second=overlap.second + 1, start=format_date(overlap.start),
                    end=format_date(overlap.end))
