"""Time in court-ordered care, summed from the client file's care periods (each day counted once)."""
from datetime import date

import pytest

from portal.forms.rules.care import care_days

TODAY = date(2026, 11, 27)


def period(start, end=None):
    return {"start": start, "end": end, "order": "extended_society_care"}


@pytest.mark.parametrize("periods, days", [
    ([], 0),
    ([period("2020-01-01", "2020-12-31")], 366),  # 2020 is a leap year
    ([period("2021-01-01", "2021-12-31")], 365),
    # split periods add up: 6 months, home, 6 months again
    ([period("2021-01-01", "2021-06-30"), period("2022-01-01", "2022-06-30")], 181 + 181),
    # overlapping orders: each day once
    ([period("2021-01-01", "2021-06-30"), period("2021-06-01", "2021-12-31")], 365),
    # a period inside another, listed first
    ([period("2021-03-01", "2021-03-31"), period("2021-01-01", "2021-12-31")], 365),
    # touching periods merge without double counting the boundary
    ([period("2021-01-01", "2021-06-30"), period("2021-06-30", "2021-07-01")], 182),
    # ongoing: runs to today, inclusive
    ([period("2026-11-01")], 27),
    # an end in the future is cut at today; a period that has not started counts nothing
    ([period("2026-11-20", "2027-05-01"), period("2027-01-01", "2027-02-01")], 8),
    # one day
    ([period("2026-01-01", "2026-01-01")], 1),
])
def test_care_days(periods, days):
    assert care_days(periods, today=TODAY).days == days


def test_exactly_one_year_meets_the_minimum_and_a_day_less_does_not():
    assert care_days([period("2023-03-01", "2024-02-28")], today=TODAY).at_least(365)
    assert not care_days([period("2023-03-01", "2024-02-27")], today=TODAY).at_least(365)


def test_bad_periods_are_skipped_and_reported():
    periods = [period("", "2020-01-01"), period("2021-02-01", "2021-01-01"), period("2021-01-01", "2021-01-10")]
    result = care_days(periods, today=TODAY)
    assert result.skipped == (0, 1)
    assert result.days == 10
    assert result.working == ("2021-01-01 to 2021-01-10: 10 days",)


def test_a_filter_leaves_out_kinds_of_care_that_do_not_count():
    periods = [period("2021-01-01", "2021-01-10"), {"start": "2021-02-01", "end": "2021-02-10", "order": "agreement"}]
    result = care_days(periods, today=TODAY, counts=lambda p: p["order"] != "agreement")
    assert (result.days, result.excluded) == (10, (1,))
