"""The physical presence count (domain I.0): window, half days and their cap, zero days, absences."""
from datetime import date, timedelta

import pytest

from portal.forms.rules.presence import Absence, Period, Sentence, calculate, window_for


def test_window_is_the_five_years_ending_the_day_before_signing():
    assert window_for(date(2018, 4, 1)) == (date(2013, 4, 1), date(2018, 3, 31))


def test_window_when_signing_on_29_february():
    assert window_for(date(2024, 2, 29)) == (date(2019, 3, 1), date(2024, 2, 28))


@pytest.mark.parametrize("offset, meets", [(1094, True), (1093, False), (1095, True)])
def test_exactly_1095_days_meets_the_rule(offset, meets):
    signing = date(2025, 1, 1)
    window_end = signing - timedelta(days=1)
    result = calculate(signing_date=signing, pr_date=window_end - timedelta(days=offset))
    assert result.pr_days == offset + 1
    assert result.meets is meets


def test_one_day_short_reports_the_shortfall():
    signing = date(2025, 1, 1)
    result = calculate(signing_date=signing, pr_date=signing - timedelta(days=1094))
    assert result.total == 1094
    assert result.shortfall == 1
    assert "1,094 of 1,095 needed (1 short)" in result.lines[-1]


@pytest.mark.parametrize(
    "tr_days, credit, capped",
    [(729, 364, False), (730, 365, False), (731, 365, False), (800, 365, True), (1, 0, False)],
)
def test_half_days_round_down_and_cap_at_365(tr_days, credit, capped):
    signing = date(2025, 1, 1)
    pr_date = date(2023, 1, 1)
    period = Period(pr_date - timedelta(days=tr_days), pr_date - timedelta(days=1), "temporary_resident")
    result = calculate(signing_date=signing, pr_date=pr_date, periods=[period])
    assert result.half_day_days == tr_days
    assert result.half_day_credit == credit
    assert result.cap_applied is capped
    assert result.total == result.pr_days + credit


def test_the_day_pr_was_granted_counts_as_a_full_pr_day():
    signing = date(2025, 1, 1)
    pr_date = date(2024, 1, 1)
    overlapping = Period(date(2023, 1, 1), pr_date, "temporary_resident")  # the row wrongly includes the PR day
    result = calculate(signing_date=signing, pr_date=pr_date, periods=[overlapping])
    assert result.pr_days == 366  # 2024 is a leap year: 2024-01-01 to 2024-12-31
    assert result.half_day_days == 365  # 2023-01-01 to 2023-12-31, not the PR day


@pytest.mark.parametrize("kind", ["refugee_claimant", "no_status"])
def test_refugee_claimant_and_no_status_days_count_zero(kind):
    signing = date(2025, 1, 1)
    pr_date = date(2022, 1, 1)
    result = calculate(signing_date=signing, pr_date=pr_date,
                       periods=[Period(date(2020, 1, 1), date(2021, 12, 31), kind)])
    assert result.half_day_credit == 0
    assert result.total == result.pr_days == (signing - pr_date).days


def test_protected_person_days_count_half():
    result = calculate(signing_date=date(2025, 1, 1), pr_date=date(2024, 1, 1),
                       periods=[Period(date(2023, 1, 1), date(2023, 12, 31), "protected_person")])
    assert result.half_day_credit == 182  # 365 / 2 rounded down


def test_absence_removes_the_days_between_leaving_and_returning():
    signing = date(2018, 4, 1)
    result = calculate(signing_date=signing, pr_date=date(2010, 1, 1),
                       absences=[Absence(date(2015, 1, 9), date(2015, 1, 16))])
    assert result.absent_days == 6
    assert result.pr_days == 1826 - 6
    assert any("6 days outside Canada" in line for line in result.lines)


def test_a_same_or_next_day_return_removes_nothing():
    result = calculate(signing_date=date(2018, 4, 1), pr_date=date(2010, 1, 1),
                       absences=[Absence(date(2015, 1, 9), date(2015, 1, 10)),
                                 Absence(date(2016, 5, 1), date(2016, 5, 1))])
    assert result.absent_days == 0


def test_trip_crossing_the_start_of_the_window_counts_only_days_inside():
    signing = date(2018, 4, 1)  # window starts 2013-04-01
    result = calculate(signing_date=signing, pr_date=date(2010, 1, 1),
                       absences=[Absence(date(2013, 3, 20), date(2013, 4, 5))])
    assert result.absent_days == 4  # 1, 2, 3, 4 April
    assert any("4 of them inside the window" in line for line in result.lines)


def test_trip_crossing_the_end_of_the_window_counts_only_days_inside():
    signing = date(2018, 4, 1)  # window ends 2018-03-31
    result = calculate(signing_date=signing, pr_date=date(2010, 1, 1),
                       absences=[Absence(date(2018, 3, 28), date(2018, 4, 10))])
    assert result.absent_days == 3  # 29, 30, 31 March


def test_leap_day_in_the_window_is_counted():
    result = calculate(signing_date=date(2024, 3, 1), pr_date=date(2010, 1, 1))
    assert (result.window_start, result.window_end) == (date(2019, 3, 1), date(2024, 2, 29))
    assert result.pr_days == 1827


def test_absence_over_a_leap_day():
    result = calculate(signing_date=date(2025, 1, 1), pr_date=date(2010, 1, 1),
                       absences=[Absence(date(2024, 2, 27), date(2024, 3, 2))])
    assert result.absent_days == 3  # 28, 29 February and 1 March


def test_sentence_days_count_zero_but_a_completed_youth_sentence_does_not():
    signing = date(2025, 1, 1)
    adult = calculate(signing_date=signing, pr_date=date(2010, 1, 1),
                      sentences=[Sentence(date(2022, 1, 1), date(2022, 1, 10))])
    youth = calculate(signing_date=signing, pr_date=date(2010, 1, 1),
                      sentences=[Sentence(date(2022, 1, 1), date(2022, 1, 10), completed_youth_sentence=True)])
    assert adult.pr_days == youth.pr_days - 10
    assert adult.sentence_days == 10


def test_days_before_pr_with_no_period_count_zero():
    result = calculate(signing_date=date(2025, 1, 1), pr_date=date(2024, 1, 1))
    assert result.total == 366


def test_pr_after_the_window_counts_nothing():
    result = calculate(signing_date=date(2025, 1, 1), pr_date=date(2025, 1, 1))
    assert result.total == 0


def test_working_shows_each_period_the_cap_and_the_total():
    signing = date(2025, 1, 1)
    result = calculate(signing_date=signing, pr_date=date(2023, 1, 1),
                       periods=[Period(date(2019, 1, 1), date(2022, 12, 31), "temporary_resident")],
                       absences=[Absence(date(2023, 6, 1), date(2023, 6, 12))])
    text = "\n".join(result.lines)
    assert "Window: 2020-01-01 to 2024-12-31" in text
    assert "as temporary resident" in text and "counts ½ a day" in text
    assert "capped at 365" in text
    assert "minus 10 days outside Canada" in text
    assert result.lines[-1].startswith("Total: ")
