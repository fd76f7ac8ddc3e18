"""History gaps and overlaps: one function for addresses, employment, education, travel and Schedule A."""
from datetime import date

import pytest

from portal.forms.rules.history import Gap, describe_gap, find_gaps_and_overlaps


def rows(*pairs):
    return [{"from": start, "to": end} for start, end in pairs]


@pytest.mark.parametrize("history, window, gaps", [
    # contiguous rows: no gap
    (rows(("2020-01-01", "2020-01-31"), ("2020-02-01", "2020-12-31")), ("2020-01-01", "2020-12-31"), []),
    # a gap of exactly one day, across a month end
    (rows(("2020-01-01", "2020-01-30"), ("2020-02-01", "2020-12-31")), ("2020-01-01", "2020-12-31"),
     [("2020-01-31", "2020-01-31")]),
    # leap day: February 2024 has 29 days, so a row ending on the 28th leaves the 29th uncovered
    (rows(("2024-01-01", "2024-02-28"), ("2024-03-01", "2024-06-30")), ("2024-01-01", "2024-06-30"),
     [("2024-02-29", "2024-02-29")]),
    (rows(("2024-01-01", "2024-02-29"), ("2024-03-01", "2024-06-30")), ("2024-01-01", "2024-06-30"), []),
    # ranges crossing a year end, with the start and the end of the window uncovered
    (rows(("2019-12-15", "2020-01-10")), ("2019-12-01", "2020-01-31"),
     [("2019-12-01", "2019-12-14"), ("2020-01-11", "2020-01-31")]),
    # rows outside the window are clipped; nothing at all is one gap over the whole window
    (rows(("2010-01-01", "2015-06-30")), ("2016-01-01", "2016-03-31"), [("2016-01-01", "2016-03-31")]),
    ([], ("2016-01-01", "2016-01-01"), [("2016-01-01", "2016-01-01")]),
    # rows in any order; a row inside another leaves no gap
    (rows(("2021-07-01", "2021-12-31"), ("2021-01-01", "2021-06-30"), ("2021-03-01", "2021-03-31")),
     ("2021-01-01", "2021-12-31"), []),
    # an ongoing row (no end) runs to the end of the window
    (rows(("2021-01-01", "2021-05-31"), ("2021-06-02", "")), ("2021-01-01", "2022-03-01"),
     [("2021-06-01", "2021-06-01")]),
    # month-only dates as on Schedule A: 2023-02 covers the whole of February
    (rows(("2023-01", "2023-02"), ("2023-03", "2023-12")), ("2023-01-01", "2023-12-31"), []),
    (rows(("2023-01", "2023-02"), ("2023-04", "2023-12")), ("2023-01-01", "2023-12-31"),
     [("2023-03-01", "2023-03-31")]),
])
def test_gaps(history, window, gaps):
    check = find_gaps_and_overlaps(history, *window)
    assert [(gap.start.isoformat(), gap.end.isoformat()) for gap in check.gaps] == gaps


def test_gap_of_one_day_is_described_with_its_date():
    check = find_gaps_and_overlaps(rows(("2020-01-01", "2020-01-30"), ("2020-02-01", "2020-02-10")),
                                   "2020-01-01", "2020-02-10")
    assert check.gaps == (Gap(date(2020, 1, 31), date(2020, 1, 31)),)
    assert check.gaps[0].days == 1
    assert describe_gap(check.gaps[0]) == "2020-01-31 is not covered (1 day)"


@pytest.mark.parametrize("history, touching_ok, overlaps", [
    (rows(("2020-01-01", "2020-03-31"), ("2020-03-01", "2020-06-30")), True, [(0, 1, "2020-03-01", "2020-03-31")]),
    # moving day: the old address ends the day the new one starts
    (rows(("2020-01-01", "2020-03-15"), ("2020-03-15", "2020-06-30")), True, []),
    (rows(("2020-01-01", "2020-03-15"), ("2020-03-15", "2020-06-30")), False, [(0, 1, "2020-03-15", "2020-03-15")]),
    # a row inside another, listed after a third
    (rows(("2020-01-01", "2020-12-31"), ("2021-01-01", "2021-02-01"), ("2020-02-28", "2020-03-01")), True,
     [(0, 2, "2020-02-28", "2020-03-01")]),
    (rows(("2020-01-01", "2020-01-31"), ("2020-02-01", "2020-02-29")), True, []),
])
def test_overlaps(history, touching_ok, overlaps):
    check = find_gaps_and_overlaps(history, "2020-01-01", "2021-02-01", touching_ok=touching_ok)
    assert [(o.first, o.second, o.start.isoformat(), o.end.isoformat()) for o in check.overlaps] == overlaps


def test_rows_without_dates_or_backwards_are_reported_not_counted():
    check = find_gaps_and_overlaps(rows(("", "2020-01-31"), ("2020-03-01", "2020-02-01"), ("2020-01-01", "2020-01-31")),
                                   "2020-01-01", "2020-01-31")
    assert check.invalid == (0, 1)
    assert check.gaps == ()
    assert not check.clean
