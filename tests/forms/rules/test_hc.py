"""H&C bars (concurrent H&C, one year after a negative refugee decision and its exceptions, pending claim)
and H&C fees per person by date."""
from datetime import date

import pytest

from portal.forms.facts import status_facts
from portal.forms.rules.hc_bars import hc_bars, hc_fees, one_year_bar_ends

APPLYING = date(2026, 11, 27)


def levels(findings):
    return sorted((finding.level, finding.rule) for finding in findings)


@pytest.mark.parametrize("decision_date, first_day", [
    (date(2025, 11, 27), date(2026, 11, 27)),
    (date(2024, 2, 29), date(2025, 3, 1)),  # leap day: 12 full months end on 1 March
    (date(2025, 1, 31), date(2026, 1, 31)),
])
def test_one_year_bar_ends(decision_date, first_day):
    assert one_year_bar_ends(decision_date) == first_day


@pytest.mark.parametrize("answers, expected", [
    ({}, []),
    ({"other_hc_pending": True}, [("blocker", "hc.concurrent")]),
    ({"refugee_claim_pending": True}, [("blocker", "hc.pending_claim")]),
    # negative RAD decision a year and a day ago: the bar has ended
    ({"negative_decision": "rad", "negative_decision_date": date(2025, 11, 26)}, []),
    # exactly 12 months ago: applying today is allowed
    ({"negative_decision": "rpd", "negative_decision_date": date(2025, 11, 27)}, []),
    # a day less than 12 months: barred
    ({"negative_decision": "rad", "negative_decision_date": date(2025, 11, 28)}, [("blocker", "hc.one_year")]),
    ({"negative_decision": "abandoned", "negative_decision_date": date(2025, 11, 28)}, [("blocker", "hc.one_year")]),
    # a negative PRRA does not start the H&C bar (IRPA 25(1.2)(c) names the RPD and RAD only; s.112(2)(b.1))
    ({"negative_decision": "prra", "negative_decision_date": date(2025, 11, 28)}, [("info", "hc.prra_no_bar")]),
    # the exceptions lift the one-year bar
    ({"negative_decision": "rpd", "negative_decision_date": date(2026, 6, 1), "child_best_interests": True},
     [("info", "hc.one_year_exception")]),
    ({"negative_decision": "rpd", "negative_decision_date": date(2026, 6, 1), "health_risk": True},
     [("info", "hc.one_year_exception")]),
    # but not the other bars
    ({"negative_decision": "rpd", "negative_decision_date": date(2026, 6, 1), "child_best_interests": True,
      "other_hc_pending": True}, [("blocker", "hc.concurrent"), ("info", "hc.one_year_exception")]),
    ({"negative_decision": "rad"}, [("warning", "hc.decision_date")]),
    ({"security_inadmissible": True}, [("blocker", "hc.a34_37")]),
])
def test_bars(answers, expected):
    assert levels(hc_bars(applying_on=APPLYING, **answers)) == expected


def test_one_year_finding_shows_the_earliest_date_and_its_source():
    finding = hc_bars(applying_on=APPLYING, negative_decision="rpd", negative_decision_date=date(2026, 3, 15))[0]
    assert "2027-03-15" in finding.message
    assert "IRPA s.25(1.2)(c)" in finding.source
    assert finding.working == ("negative Refugee Protection Division decision 2026-03-15 + 12 months = 2027-03-15",)


@pytest.mark.parametrize("on, people, total, verify", [
    # before 2026-04-30: PA $635 + RPRF $575
    (date(2026, 4, 29), ["principal"], 635 + 575, False),
    (date(2026, 4, 29), ["principal", "spouse", "child"], 635 + 635 + 175 + 575 + 575, False),
    # from 2026-04-30: RPRF $600; processing fee estimates marked VERIFY
    (date(2026, 4, 30), ["principal"], 665 + 600, True),
    (date(2026, 11, 27), ["principal", "child", "child"], 665 + 185 + 185 + 600, True),
])
def test_fees_by_date_from_the_facts_file(on, people, total, verify):
    lines = hc_fees(people=people, facts=status_facts(on)["hc"])
    assert sum(line.amount for line in lines) == total
    assert any("VERIFY" in line.note for line in lines) is verify
    assert all(line.source for line in lines)


def test_rprf_exempt():
    lines = hc_fees(people=["principal"], facts=status_facts(date(2026, 5, 1))["hc"], rprf_exempt=True)
    assert [line.amount for line in lines] == [665, 0]
