"""The seven rules that disagreed with the law (issue 16), one table each, naming the legal source.

Where the domain notes and the law disagreed, the law won; docs/status-packets.md says where.
"""
from datetime import date

import pytest

from portal.casework.triage import TriageAnswers, recommend
from portal.forms.rules import receipt
from portal.forms.rules.care import care_days
from portal.forms.rules.hc_bars import hc_bars
from portal.forms.rules.r206 import basis_findings
from portal.forms.types import Situation
from tests.support.forms import rules_of, summarize_answers

TODAY = date(2026, 11, 27)
SIGN = date(2026, 12, 15)


def ask(**answers):
    answers.setdefault("planned_signing_date", SIGN)
    answers.setdefault("date_of_birth", date(2000, 1, 1))
    return recommend(TriageAnswers(**answers), today=TODAY)


# 1. H&C approved in principle: IRPR s.207(d), code A70 (domain E.1), not R206(1)(b)/S62; and no second H&C while
#    one is pending, IRPA s.25(1.2)(a).
@pytest.mark.parametrize("flags, code, basis", [
    (dict(hc_approved_in_principle=True), "A70", "R207(d)"),
    (dict(hc_approved_in_principle=True, removal_order=True), "A70", "R207(d)"),  # the AIP stays removal (R233)
    (dict(hc_approved_in_principle=True, refugee_claim=True), "A70", "R207(d)"),
    (dict(removal_order=True), "S62", "R206(1)(b)"),
    (dict(refugee_claim=True), "S61", "R206(1)(a)"),
])
def test_work_permit_code_follows_the_regulation(flags, code, basis):
    situation = Situation(status="no_status", **flags)
    assert (situation.work_permit_code, situation.work_permit_basis) == (code, basis)
    result = ask(status="no_status", **flags)
    assert result.key == "imm_5710"
    assert code in result.reason and basis in result.reason
    if code == "A70":
        assert "S62" not in result.reason and "removal order" not in result.reason


@pytest.mark.parametrize("flags", [dict(hc_approved_in_principle=True), dict(hc_pending=True),
                                   dict(hc_pending=True, removal_order=True)])
def test_no_second_hc_while_one_is_pending(flags):
    """IRPA s.25(1.2)(a)."""
    result = ask(status="no_status", **flags)
    assert "hc_pr" not in [result.key, *(option.key for option in result.alternatives)]


def test_hc_is_still_offered_when_none_is_pending():
    assert ask(status="no_status").key == "hc_pr"


# 2. A citizen step-parent who never adopted: Citizenship Act s.5(2) needs a natural or adoptive parent, so the
#    minor applies under s.5(1) on CIT 0403 (IRCC guide 0003; domain B).
@pytest.mark.parametrize("relationship, blocks_0403, blocks_0003", [
    ("step", False, True),
    ("other", False, True),
    ("natural", True, False),
    ("adoptive", True, False),
])
def test_the_parent_relationship_decides_5_1_or_5_2(relationship, blocks_0403, blocks_0003):
    answers = {"parent1_citizen": "yes", "parent1_relationship": relationship}
    on_0403 = rules_of(summarize_answers("cit_0403", answers))
    on_0003 = rules_of(summarize_answers("cit_0003", answers))
    assert ("parent.not_citizen" in on_0403) is blocks_0403
    assert ("parent.citizen" in on_0003 and on_0003["parent.citizen"].level == "blocker") is blocks_0003
    assert blocks_0403 != blocks_0003  # never both: one of the two forms fits
    if relationship == "step":
        assert on_0403["parent.step_parent"].level == "info"
        assert "s.5(1)" in on_0403["parent.step_parent"].message


# 3. The one-year H&C bar: IRPA s.25(1.2)(c) names a claim rejected (or abandoned / withdrawn after evidence) by the
#    RPD or the RAD within 12 months; a negative PRRA does not trigger it (its own bar is s.112(2)(b.1)).
@pytest.mark.parametrize("decision, barred", [
    ("rpd", True), ("rad", True), ("abandoned", True), ("prra", False),
])
def test_one_year_bar_only_after_the_rpd_or_rad(decision, barred):
    findings = hc_bars(applying_on=TODAY, negative_decision=decision, negative_decision_date=date(2026, 6, 1))
    rules = {finding.rule: finding for finding in findings}
    assert ("hc.one_year" in rules) is barred
    if not barred:
        assert "s.112(2)(b.1)" in rules["hc.prra_no_bar"].source


# 4. Who signs CIT 0001 for a minor: the signature matrix (domain I.1 [C]): the parent or guardian, and the minor
#    too from age 14; an adult signs alone.
@pytest.mark.parametrize("age, signers", [
    (12, ["authorised_person"]),
    (14, ["authorised_person", "minor"]),
    (17, ["authorised_person", "minor"]),
    (18, ["applicant"]),
])
def test_cit_0001_signers_follow_the_matrix(age, signers):
    born = date(SIGN.year - age, 1, 1)
    summary = summarize_answers("cit_0001", {}, dob=born, status="citizen")
    assert [signer.key for signer, _capacity in summary.signers] == signers


# 5. "At least one year" of state care is 12 calendar months (Interpretation Act s.28; domain F and corrections):
#    a year that holds 29 February needs 366 days.
@pytest.mark.parametrize("periods, met", [
    ([("2020-01-01", "2020-12-30")], False),  # 365 days, but 2020 holds 29 February
    ([("2020-01-01", "2020-12-31")], True),  # 366 days
    ([("2021-01-01", "2021-12-31")], True),  # 365 days, no 29 February
    ([("2021-01-01", "2021-12-30")], False),
    ([("2019-03-01", "2020-02-28")], False),  # the year ends on 2020-02-29
    ([("2019-03-01", "2020-02-29")], True),
    ([("2021-01-01", "2021-06-30"), ("2022-01-01", "2022-07-01")], False),  # added up: 181 + 182 = 363
    ([("2021-01-01", "2021-06-30"), ("2022-01-01", "2022-07-03")], True),  # 181 + 184 = 365
])
def test_one_year_of_care_is_twelve_months(periods, met):
    rows = [{"start": start, "end": end, "order": "extended_society_care"} for start, end in periods]
    care = care_days(rows, today=TODAY)
    assert care.at_least_months(12) is met, (care.days, care.months_in_days(12))


# 6. Fees by the date IRCC receives the application (domain I.6 and corrections), with a warning when a fee changes
#    between signing and receipt.
@pytest.mark.parametrize("kwargs, day", [
    (dict(), date(2026, 3, 20)),  # nothing planned yet: the signing date, with a warning
    (dict(send_on=date(2026, 3, 25), method="online"), date(2026, 3, 25)),
    (dict(send_on=date(2026, 3, 25), method="mail", transit_days={"mail": 10}), date(2026, 4, 4)),
    (dict(expected_on=date(2026, 4, 2), send_on=date(2026, 3, 25), method="mail"), date(2026, 4, 2)),
    (dict(received_on=date(2026, 4, 1), expected_on=date(2026, 4, 2)), date(2026, 4, 1)),
])
def test_the_receipt_day_chooses_the_fees(kwargs, day):
    assert receipt.expected_receipt(signing_date=date(2026, 3, 20), **kwargs).day == day


def test_a_fee_change_between_signing_and_receipt_is_flagged():
    # CIT 0002 signed 2026-03-20, mailed 2026-03-25: received 2026-04-04, after the Right of Citizenship fee change
    # of 2026-03-31 (facts.toml).
    answers = {"send_method": "mail", "send_on": "2026-03-25"}
    summary = summarize_answers("cit_0002", answers, dob=date(1990, 1, 1), signing=date(2026, 3, 20),
                                today=date(2026, 3, 1))
    rules = rules_of(summary)
    assert "2026-04-04" in rules["fees.receipt_date"].message
    change = rules["fees.change_before_receipt"]
    assert change.level == "warning"
    assert "$119.75 on the signing date, $123.00 on the receipt date" in change.working[0]
    assert {line.amount for line in summary.fees} >= {123.0}
    unplanned = rules_of(summarize_answers("cit_0002", {}, dob=date(1990, 1, 1), signing=date(2026, 3, 20),
                                           today=date(2026, 3, 1)))
    assert unplanned["fees.receipt_date"].level == "warning"
    assert "fees.change_before_receipt" not in unplanned


# 7. Designated countries: IRPR s.206(2)'s 180-day wait only for a country the facts file lists (none since 2019).
@pytest.mark.parametrize("listed, nationality, waits", [
    ((), "Hungary", False),
    ((), "", False),
    (("Hungary",), "Hungary", True),
    (("Hungary",), "Mexico", False),
])
def test_designated_country_wait_only_from_the_list(listed, nationality, waits):
    facts = {"designated_country_wait_days": 180, "designated_countries": listed}
    findings = basis_findings(basis="r206_1_a", today=date(2026, 2, 1), facts=facts, needs_work_to_support=True,
                              referral_date=date(2026, 1, 1), nationality=nationality)
    assert ("r206.wait_180" in [finding.rule for finding in findings]) is waits


def test_the_facts_file_lists_no_designated_country():
    from portal.forms.facts import status_facts

    assert status_facts()["work_permit"]["designated_countries"] == ()
