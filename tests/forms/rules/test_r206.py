"""Open work permit bases (IMM 5710): R206(1)(a)/(b), R207(d), R208(b), state care; the 180-day wait; fees."""
from datetime import date

import pytest

from portal.forms.facts import status_facts
from portal.forms.rules.r206 import basis_findings, designated_wait_ends, work_permit_fees

FACTS = {"processing_fee": 155, "holder_fee": 100, "fees_effective": "test table", "designated_country_wait_days": 180,
         "designated_countries": ("Hungary",)}


def rules(findings, level="blocker"):
    return sorted(finding.rule for finding in findings if finding.level == level)


@pytest.mark.parametrize("referral, first_day", [
    (date(2026, 1, 1), date(2026, 6, 30)),
    (date(2024, 1, 1), date(2024, 6, 29)),  # 2024 is a leap year
    (date(2026, 9, 15), date(2027, 3, 14)),
])
def test_designated_wait_ends(referral, first_day):
    assert designated_wait_ends(referral, wait_days=180) == first_day


@pytest.mark.parametrize("today, nationality, blocked", [
    (date(2026, 6, 29), "Hungary", True),   # the day before the 180 days have passed
    (date(2026, 6, 30), "hungary ", False),  # the first day
    (date(2026, 7, 1), "Hungary", False),
    (date(2026, 2, 1), "Mexico", False),  # not on the list: no wait
    (date(2026, 2, 1), "", False),
])
def test_180_day_wait_for_designated_country_claimants(today, nationality, blocked):
    """IRPR s.206(2), only for a country the facts file lists (domain E.1)."""
    findings = basis_findings(basis="r206_1_a", today=today, facts=FACTS, needs_work_to_support=True,
                              referral_date=date(2026, 1, 1), nationality=nationality)
    assert ("r206.wait_180" in rules(findings)) is blocked
    if blocked:
        wait = next(finding for finding in findings if finding.rule == "r206.wait_180")
        assert "2026-06-30" in wait.message and "1 day from now" in wait.message


@pytest.mark.parametrize("basis, answers, blockers", [
    ("r206_1_b", {"needs_work_to_support": True, "removal_order": True, "unenforceable_reason": "prra"}, []),
    ("r206_1_b", {"needs_work_to_support": False, "removal_order": True, "unenforceable_reason": "prra"},
     ["r206.need"]),
    ("r206_1_b", {"needs_work_to_support": True, "removal_order": False}, ["r206.removal_order"]),
    ("r206_1_b", {"needs_work_to_support": True, "removal_order": True, "unenforceable_reason": "no_passport_only"},
     ["r206.no_passport"]),
    ("r206_1_a", {"needs_work_to_support": True, "referral_date": date(2025, 1, 1), "claim_decided": True},
     ["r206.claim_decided"]),
    ("r206_1_a", {"needs_work_to_support": True, "referral_date": date(2025, 1, 1)}, []),
    ("r207_d", {}, ["r207.aip"]),
    ("r207_d", {"approval_in_principle_date": date(2026, 5, 1)}, []),
    ("r208_b", {"needs_work_to_support": True, "trp_expiry": date(2027, 5, 26)}, ["r208.trp_6_months"]),
    ("r208_b", {"needs_work_to_support": True, "trp_expiry": date(2027, 5, 27)}, []),
    ("state_care", {"state_care_eligible": True}, []),
    ("nonsense", {}, ["r206.basis"]),
])
def test_basis_rules(basis, answers, blockers):
    assert rules(basis_findings(basis=basis, today=date(2026, 11, 27), facts=FACTS, **answers)) == blockers


def test_family_members_are_not_covered_by_r206():
    findings = basis_findings(basis="r206_1_b", today=date(2026, 11, 27), facts=FACTS, needs_work_to_support=True,
                              removal_order=True, unenforceable_reason="court_stay", family_members=2)
    assert "r206.family" in rules(findings, "info")


@pytest.mark.parametrize("basis, processing, holder", [
    ("r206_1_b", 155, 0),  # S62: pays processing, exempt from the holder fee
    ("r206_1_a", 0, 0),  # S61: fee-exempt
    ("r207_d", 155, 0),
    ("r208_b", 155, 100),
    ("state_care", 0, 0),
])
def test_work_permit_fees(basis, processing, holder):
    lines = work_permit_fees(basis=basis, facts=FACTS)
    assert [line.amount for line in lines] == [processing, holder]


def test_fees_come_from_the_facts_file():
    facts = status_facts(date(2026, 11, 27))["work_permit"]
    s62 = work_permit_fees(basis="r206_1_b", facts=facts)
    assert sum(line.amount for line in s62) == 155
    assert "No, I am exempt" in s62[1].note
    assert facts["designated_country_wait_days"] == 180
