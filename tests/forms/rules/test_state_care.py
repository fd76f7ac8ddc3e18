"""State-care PR pathway: the closing date (received by 2027-01-21), eligibility, and the triage hook."""
from datetime import date

import pytest

from portal.casework.triage import TriageAnswers, recommend
from portal.forms import get_packet_type
from portal.forms.facts import status_facts
from portal.forms.rules import state_care

FACTS = {"closes": date(2027, 1, 21), "arrival_before_age": 19, "min_care_months": 12, "residence_years": 3}
DOB = date(2006, 10, 28)
CARE = [{"start": "2018-03-01", "end": "2019-05-31", "order": "interim_society_care"},
        {"start": "2020-01-01", "end": "2024-10-27", "order": "extended_society_care"}]


@pytest.mark.parametrize("today, left, open_", [
    (date(2027, 1, 20), 2, True),  # the day before
    (date(2027, 1, 21), 1, True),  # the closing day: still open, its last day
    (date(2027, 1, 22), 0, False),  # the day after
    (date(2026, 11, 27), 56, True),
])
def test_deadline(today, left, open_):
    assert state_care.days_left(today, FACTS) == left
    allowed, reason = state_care.can_start(today, FACTS)
    assert allowed is open_
    assert "2027-01-21" in reason


def test_closing_date_comes_from_the_facts_file():
    assert status_facts()["state_care"]["closes"] == date(2027, 1, 21)
    packet_type = get_packet_type("state_care_pr")
    assert packet_type.available(date(2027, 1, 21))[0] is True
    allowed, reason = packet_type.available(date(2027, 1, 22))
    assert allowed is False and "closed" in reason


def blockers(findings):
    return sorted(finding.rule for finding in findings if finding.level == "blocker")


BASE = dict(date_of_birth=DOB, care_periods=CARE, today=date(2026, 11, 27), receipt_date=date(2026, 12, 15),
            facts=FACTS, arrival_date=date(2017, 6, 1), province="ON", in_canada=True, identity="passport",
            continuous_since_19=True)


@pytest.mark.parametrize("changes, expected", [
    ({}, []),
    ({"arrival_date": date(2025, 10, 28)}, ["state_care.arrival_age", "state_care.residence"]),  # arrived at 19
    ({"arrival_date": date(2025, 10, 27)}, ["state_care.residence"]),  # arrived the day before turning 19
    ({"care_periods": CARE[:1]}, []),  # one split period alone: 457 days, enough
    # 12 months, not 365 days: 2020 holds 29 February, so a year from 2020-01-01 is 366 days
    ({"care_periods": [{"start": "2020-01-01", "end": "2020-12-30"}]}, ["state_care.care_days"]),
    ({"care_periods": [{"start": "2020-01-01", "end": "2020-12-31"}]}, []),
    ({"care_periods": [{"start": "2021-01-01", "end": "2021-12-31"}]}, []),  # 365 days are a year here
    ({"care_periods": [{"start": "2021-01-01", "end": "2021-12-30"}]}, ["state_care.care_days"]),  # 364 days
    ({"care_periods": []}, ["state_care.care_days"]),
    ({"province": "QC"}, ["state_care.quebec"]),
    ({"in_canada": False}, ["state_care.in_canada"]),
    ({"identity": "statutory_declaration"}, []),
    ({"identity": "none"}, ["state_care.identity"]),
    ({"continuous_since_19": False}, ["state_care.since_19"]),
    ({"receipt_date": date(2027, 1, 22)}, ["state_care.closed"]),
    ({"excluded_1f": True}, ["state_care.1f"]),
])
def test_eligibility(changes, expected):
    assert blockers(state_care.eligibility(**{**BASE, **changes})) == expected


def test_care_finding_shows_its_working():
    finding = next(f for f in state_care.eligibility(**BASE) if f.rule == "state_care.care_days")
    assert finding.level == "info"
    assert finding.working == ("2018-03-01 to 2019-05-31: 457 days", "2020-01-01 to 2024-10-27: 1762 days",
                               "12 months from the first day in care (2018-03-01) are 365 days")


@pytest.mark.parametrize("status, care, today, eligible", [
    ("no_status", CARE, date(2026, 11, 27), True),
    ("refugee_claimant", CARE, date(2026, 11, 27), True),
    ("permanent_resident", CARE, date(2026, 11, 27), False),
    ("no_status", [], date(2026, 11, 27), False),
    ("no_status", CARE, date(2027, 1, 22), False),
])
def test_eligible_for_triage(status, care, today, eligible):
    result = state_care.eligible_for_triage(status_in_canada=status, date_of_birth=DOB, care_periods=care,
                                            today=today, facts=FACTS)
    assert result.eligible is eligible
    assert result.reason


def test_triage_points_a_youth_who_was_in_care_to_state_care_before_hc():
    today = date(2026, 11, 27)
    hook = state_care.eligible_for_triage(status_in_canada="no_status", date_of_birth=DOB, care_periods=CARE,
                                          today=today)
    answers = TriageAnswers(status="no_status", date_of_birth=DOB, came_before_19=True, care_one_year=hook.eligible)
    recommendation = recommend(answers, today=today)
    assert recommendation.key == "state_care_pr"
    assert "hc_pr" in [option.key for option in recommendation.alternatives]
    without_care = recommend(TriageAnswers(status="no_status", date_of_birth=DOB, came_before_19=True), today=today)
    assert without_care.key == "hc_pr"


def test_only_court_ordered_care_counts():
    agreement = {"start": "2018-01-01", "end": "2020-12-31", "order": "temporary_care_agreement"}
    short_order = {"start": "2021-01-01", "end": "2021-06-30", "order": "extended_society_care"}
    findings = state_care.eligibility(**{**BASE, "care_periods": [agreement, short_order]})
    care = next(f for f in findings if f.rule == "state_care.care_days")
    assert care.level == "blocker" and "181 days counted" in care.message
    assert "state_care.not_court_ordered" in [f.rule for f in findings]
    unclear = state_care.eligibility(**{**BASE, "care_periods": [{**short_order, "order": "other"}] + CARE})
    assert "state_care.check_order" in [f.rule for f in unclear if f.level == "warning"]
