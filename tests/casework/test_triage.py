"""Triage: every row of the section 0 table, the age gates, and the state-care closing date."""
from datetime import date

import pytest

from portal.casework.triage import TriageAnswers, recommend, state_care_days_left

TODAY = date(2026, 11, 27)
SIGN = date(2026, 12, 15)


def born(age: int, days_after_birthday: int = 10) -> date:
    return date(SIGN.year - age, SIGN.month, SIGN.day) if not days_after_birthday else date(
        SIGN.year - age, 12, 15 - days_after_birthday)


def ask(**answers):
    answers.setdefault("planned_signing_date", SIGN)
    return recommend(TriageAnswers(**answers), today=TODAY)


@pytest.mark.parametrize(
    "answers, key",
    [
        # Born in Canada, or abroad to a Canadian parent: proof of citizenship.
        (dict(status="citizen", born_in_canada=True, date_of_birth=born(13)), "cit_0001"),
        (dict(status="unknown", born_abroad_to_canadian_parent=True, date_of_birth=born(15)), "cit_0001"),
        # PR minor, no Canadian parent: CIT 0403.
        (dict(status="permanent_resident", date_of_birth=born(12)), "cit_0403"),
        # PR minor with a citizen parent: CIT 0003.
        (dict(status="permanent_resident", parent_citizen=True, date_of_birth=born(10)), "cit_0003"),
        # PR minor failing presence: still the minor's form, with the s.5(4) note.
        (dict(status="permanent_resident", fails_presence=True, date_of_birth=born(9)), "cit_0403"),
        # PR 18+: adult grant.
        (dict(status="permanent_resident", date_of_birth=born(19)), "cit_0002"),
        # No status, came before 19, a year in care: state-care pathway (before H&C).
        (dict(status="no_status", came_before_19=True, care_one_year=True, date_of_birth=born(20)), "state_care_pr"),
        # No status, not eligible for the state-care pathway: H&C.
        (dict(status="no_status", date_of_birth=born(16)), "hc_pr"),
        # Unenforceable removal order, refugee claimant, H&C approved in principle: work permit.
        (dict(status="no_status", removal_order=True, date_of_birth=born(34)), "imm_5710"),
        (dict(status="refugee_claimant", date_of_birth=born(29)), "imm_5710"),
        (dict(status="temporary_resident", hc_approved_in_principle=True, date_of_birth=born(25)), "imm_5710"),
        # PR without documents: PR card (and VOS offered).
        (dict(status="permanent_resident", lacks_pr_documents=True, date_of_birth=born(15)), "pr_card"),
    ],
)
def test_every_row_of_the_triage_table(answers, key):
    assert ask(**answers).key == key


def test_state_care_pathway_comes_before_hc_and_shows_days_left():
    result = ask(status="no_status", came_before_19=True, care_one_year=True, removal_order=True,
                 date_of_birth=born(20))
    assert result.key == "state_care_pr"
    assert {option.key for option in result.alternatives} >= {"hc_pr", "imm_5710"}
    # Days on which IRCC can still receive it, today included: the same count the packet's own rules show.
    assert any("2027-01-21" in note and "56 days left" in note for note in result.notes)
    assert state_care_days_left(TODAY) == 56
    assert state_care_days_left(date(2027, 1, 21)) == 1
    assert state_care_days_left(date(2027, 1, 22)) == 0


def test_after_the_state_care_closing_date_hc_is_recommended():
    result = recommend(TriageAnswers(status="no_status", came_before_19=True, care_one_year=True,
                                     date_of_birth=date(2006, 1, 1), planned_signing_date=date(2027, 3, 1)),
                       today=date(2027, 2, 1))
    assert result.key == "hc_pr"
    assert any("closed" in note for note in result.notes)


def test_pr_without_documents_offers_vos_and_citizenship_next():
    result = ask(status="permanent_resident", lacks_pr_documents=True, date_of_birth=born(15))
    keys = [option.key for option in result.alternatives]
    assert "vos" in keys and "cit_0403" in keys


@pytest.mark.parametrize(
    "birth, key",
    [
        (date(2008, 12, 15), "cit_0002"),  # 18th birthday on the signing day: adult
        (date(2008, 12, 16), "cit_0403"),  # turns 18 the day after signing: still a minor
        (date(2008, 12, 14), "cit_0002"),
    ],
)
def test_age_at_signing_decides_the_citizenship_form(birth, key):
    result = ask(status="permanent_resident", date_of_birth=birth)
    assert result.key == key


def test_changing_the_signing_date_re_runs_the_age_rule():
    birth = date(2008, 12, 20)
    before = recommend(TriageAnswers(status="permanent_resident", date_of_birth=birth,
                                     planned_signing_date=date(2026, 12, 19)), today=TODAY)
    after = recommend(TriageAnswers(status="permanent_resident", date_of_birth=birth,
                                    planned_signing_date=date(2026, 12, 20)), today=TODAY)
    assert (before.key, before.age_at_signing) == ("cit_0403", 17)
    assert (after.key, after.age_at_signing) == ("cit_0002", 18)


def test_reason_and_age_are_given():
    result = ask(status="permanent_resident", date_of_birth=born(12))
    assert "no Canadian parent" in result.reason
    assert any("Age on the planned signing date (2026-12-15): 12" in note for note in result.notes)


def test_refugee_claim_work_permit_code_is_s61_and_removal_s62():
    assert "S61" in ask(status="refugee_claimant", date_of_birth=born(29)).reason
    assert "S62" in ask(status="no_status", removal_order=True, date_of_birth=born(34)).reason


def test_missing_date_of_birth_is_said():
    result = ask(status="permanent_resident")
    assert result.key == "cit_0403"
    assert any("date of birth is missing" in note for note in result.notes)


@pytest.mark.parametrize(
    "answers, key",
    [
        # The four situations added in issue 16.
        # Bill C-3: born abroad after 2025-12-15 to a parent also born abroad with 1,095 days in Canada: a citizen.
        (dict(status="unknown", born_abroad_to_canadian_parent=True, canadian_parent_born_abroad=True,
              parent_presence_days=1500, date_of_birth=date(2026, 2, 1)), "cit_0001"),
        # State care, under a removal order: the pathway, with the fee-free TRP offered (not S62).
        (dict(status="no_status", came_before_19=True, care_one_year=True, removal_order=True,
              date_of_birth=born(17)), "state_care_pr"),
        # Protected persons.
        (dict(status="protected_person", date_of_birth=born(16)), "pr_protected"),
        # Statelessness, s.5(5).
        (dict(status="unknown", born_abroad_to_canadian_parent=True, canadian_parent_born_abroad=True,
              parent_presence_days=10, stateless=True, date_of_birth=date(2026, 2, 1)), "cit_5_5"),
    ],
)
def test_the_new_situations_are_placed(answers, key):
    result = ask(**answers)
    assert result.key == key
    if key == "state_care_pr":
        assert "state_care_trp" in [option.key for option in result.alternatives]
    if key == "cit_5_5":
        assert "s.5(5)" in result.title and "no packet" in result.reason
