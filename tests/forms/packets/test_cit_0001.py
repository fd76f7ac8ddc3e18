"""CIT 0001 (proof of citizenship): who files, the citizenship basis, checklist, fee, end to end."""
from datetime import date

from portal.demo.citizenship import MATEO
from tests.support.forms import complete_over_http, rules_of, summarize_answers, summary

KEY = "cit_0001"


def test_a_minor_is_filed_for_by_a_parent_or_guardian():
    result = summarize_answers(KEY, {"authority_kind": "agency"}, dob=date(2013, 1, 1), status="citizen")
    assert [signer.key for signer, _ in result.signers] == ["authorised_person"]
    assert "applicant" in [section.step.key for section in result.sections]
    assert "proof_of_authority" in [item.key for item in result.checklist]


def test_an_adult_signs_and_has_no_applicant_step():
    result = summarize_answers(KEY, dob=date(2000, 1, 1), status="citizen")
    assert [signer.key for signer, _ in result.signers] == ["applicant"]
    assert "applicant" not in [section.step.key for section in result.sections]


def test_born_abroad_needs_proof_of_the_parents_citizenship():
    result = summarize_answers(KEY, {"citizenship_basis": "born_abroad"}, status="citizen")
    assert "parent_citizenship_proof" in [item.key for item in result.checklist]
    basis = next(section for section in result.sections if section.step.key == "basis")
    assert next(line for line in basis.lines if line.field.name == "citizen_parent_name").applies


def test_bill_c3_note_for_a_second_generation_born_abroad():
    result = summarize_answers(KEY, {"citizenship_basis": "born_abroad", "parent_basis": "born_abroad"},
                               status="citizen")
    finding = rules_of(result)["citizenship.bill_c3"]
    assert "2025-12-15" in finding.message and "VERIFY" in finding.source


def test_not_shown_as_a_citizen_is_a_warning():
    assert rules_of(summarize_answers(KEY, status="permanent_resident"))["status.citizen"].level == "warning"


def test_fee_is_75_and_representative_form_only_when_used():
    result = summarize_answers(KEY, {"uses_representative": "yes"}, status="citizen")
    assert [fee.amount for fee in result.fees] == [75.00]
    assert "imm_5476" in [item.key for item in result.checklist]
    assert "imm_5476" not in [item.key for item in summarize_answers(KEY, status="citizen").checklist]


def test_completed_end_to_end_over_http_for_the_demo_client(app, client, auth):
    packet_id, visited = complete_over_http(app, client, auth, client_key="alvarez-mateo", key=KEY, answers=MATEO)
    assert visited[:2] == ["applicant", "identity"]
    result = summary(app, packet_id)
    assert result.missing == ()
    assert [f.rule for f in result.findings if f.level == "blocker"] == []
