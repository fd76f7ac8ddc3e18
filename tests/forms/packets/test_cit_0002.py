"""CIT 0002 (adult grant): age gates, language, presence, fees by date, signer, end to end."""
from datetime import date

import pytest

from portal.demo.citizenship import OKONKWO
from tests.support.forms import complete_over_http, rules_of, summarize_answers, summary

KEY = "cit_0002"


@pytest.mark.parametrize(
    "dob, rule, level",
    [
        (date(2008, 12, 16), "age.adult", "blocker"),  # 17 on the signing day
        (date(2008, 12, 15), "age.18_54", "info"),  # 18th birthday on the signing day
        (date(1971, 12, 16), "age.18_54", "info"),  # 54 on the signing day
    ],
)
def test_age_gates(dob, rule, level):
    assert rules_of(summarize_answers(KEY, dob=dob))[rule].level == level


def test_55_on_the_signing_day_has_no_language_or_test_rule():
    assert "age.18_54" not in rules_of(summarize_answers(KEY, dob=date(1971, 12, 15)))


@pytest.mark.parametrize(
    "dob, needs_language",
    [(date(1971, 12, 16), True), (date(1971, 12, 15), False), (date(2000, 1, 1), True)],
)
def test_language_proof_for_ages_18_to_54(dob, needs_language):
    result = summarize_answers(KEY, {"language_evidence": "none"}, dob=dob)
    assert ("language.clb4" in rules_of(result)) is needs_language
    assert ("language" in [section.step.key for section in result.sections]) is needs_language
    assert ("language_proof" in [item.key for item in result.checklist]) is needs_language


def test_language_evidence_clears_the_blocker():
    result = summarize_answers(KEY, {"language_evidence": "school"}, dob=date(2000, 1, 1))
    assert "language.clb4" not in rules_of(result)


@pytest.mark.parametrize(
    "signing, total, verify",
    [(date(2025, 3, 30), 630.00, False), (date(2025, 3, 31), 649.75, False), (date(2026, 3, 31), 653.00, True)],
)
def test_fees_by_signing_date(signing, total, verify):
    result = summarize_answers(KEY, dob=date(2000, 1, 1), signing=signing, today=signing)
    assert sum(fee.amount for fee in result.fees) == pytest.approx(total)
    assert any("VERIFY" in fee.note for fee in result.fees) is verify


def test_the_adult_signs_for_themself():
    result = summarize_answers(KEY, dob=date(2000, 1, 1))
    assert [(signer.key, capacity) for signer, capacity in result.signers] == [
        ("applicant", "the applicant, signing for themself")]


def test_presence_applies_to_adults():
    result = summarize_answers(KEY, {"pr_date": "2025-01-01"}, dob=date(2000, 1, 1))
    assert rules_of(result)["presence.1095"].level == "blocker"


def test_completed_end_to_end_over_http_for_the_demo_client(app, client, auth):
    packet_id, visited = complete_over_http(app, client, auth, client_key="okonkwo-daniel", key=KEY, answers=OKONKWO)
    assert "language" in visited and "applicant" not in visited
    result = summary(app, packet_id)
    assert result.missing == ()
    assert [f.rule for f in result.findings if f.level == "blocker"] == []
