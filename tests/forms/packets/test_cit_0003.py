"""CIT 0003 (minor with a citizen parent, s.5(2)): the parent rule, signers, checklist, end to end."""
from datetime import date

import pytest

from portal.demo.citizenship import SHARMA
from tests.support.forms import complete_over_http, rules_of, summarize_answers, summary

KEY = "cit_0003"


@pytest.mark.parametrize(
    "answers, blocked",
    [
        ({"parent1_citizen": "yes", "parent1_relationship": "natural"}, False),
        ({"parent1_citizen": "applying", "parent1_relationship": "adoptive"}, False),
        ({"parent1_citizen": "no", "parent2_citizen": "yes", "parent2_relationship": "natural"}, False),
        ({"parent1_citizen": "yes", "parent1_relationship": "step"}, True),  # step-parent, not adopted
        ({"parent1_citizen": "yes", "parent1_relationship": "other"}, True),  # grandparent with custody
        ({"parent1_citizen": "no", "parent1_relationship": "natural"}, True),
    ],
)
def test_a_natural_or_adoptive_parent_must_be_a_citizen(answers, blocked):
    finding = rules_of(summarize_answers(KEY, answers)).get("parent.citizen")
    assert (finding is not None and finding.level == "blocker") is blocked


def test_step_parent_message_explains_adoption():
    finding = rules_of(summarize_answers(KEY, {"parent1_citizen": "yes", "parent1_relationship": "step"}))
    assert "legally adopted is not the same as custody" in finding["parent.citizen"].message


def test_no_presence_tax_or_language_rules():
    result = summarize_answers(KEY, {"parent1_citizen": "yes", "parent1_relationship": "natural"})
    assert not {"presence.1095", "tax.3_of_5", "language.clb4"} & set(rules_of(result))
    assert "presence" not in [section.step.key for section in result.sections]


def test_guardian_applying_needs_proof_and_is_explained():
    result = summarize_answers(KEY, {"authority_kind": "agency", "parent1_citizen": "yes",
                                     "parent1_relationship": "natural"}, dob=date(2011, 1, 1))
    assert "proof_of_guardianship" in [item.key for item in result.checklist]
    assert rules_of(result)["signer.guardian"].level == "info"
    assert [signer.key for signer, _ in result.signers] == ["authorised_person", "minor"]


def test_parent_applying_needs_no_proof_of_guardianship():
    result = summarize_answers(KEY, {"authority_kind": "parent"})
    assert "proof_of_guardianship" not in [item.key for item in result.checklist]


def test_adult_on_the_signing_day_is_blocked_and_fee_is_100():
    result = summarize_answers(KEY, dob=date(2008, 12, 15))
    assert rules_of(result)["age.minor"].level == "blocker"
    assert [fee.amount for fee in result.fees] == [100.00]


def test_completed_end_to_end_over_http_for_the_demo_client(app, client, auth):
    packet_id, visited = complete_over_http(app, client, auth, client_key="sharma-priya", key=KEY, answers=SHARMA)
    assert "parents" in visited
    result = summary(app, packet_id)
    assert result.missing == ()
    assert [f.rule for f in result.findings if f.level == "blocker"] == []
