"""The packet types of issue 16: the state-care temporary resident permit, the study permit from inside Canada
(IMM 5709) and permanent residence as a protected person; each completed over HTTP like the others."""
from datetime import date, timedelta

import pytest

from portal.demo.new_routes import protected_answers, study_answers, trp_answers
from portal.demo.status_packets import SIGNING
from portal.forms import get_packet_type
from portal.models import CareStatus, Role, StatusInCanada
from tests.support.forms import complete, rules_by_level, rules_of, start_over_http, status_client, summary_of

TODAY = date.today()
IN_CARE_SINCE_13 = [{"start": (TODAY - timedelta(days=5 * 365)).isoformat(), "end": None,
                     "order": "extended_society_care"}]


@pytest.mark.parametrize("key, form", [("state_care_trp", "IMM 5708"), ("imm_5709", "IMM 5709"),
                                       ("pr_protected", "IMM 0008")])
def test_declared_like_the_others(key, form):
    packet_type = get_packet_type(key)
    assert packet_type.triage is not None and form in packet_type.form_code
    assert all(step.form_section for step in packet_type.steps)  # every field listed under its form section
    assert all(item.why for item in packet_type.checklist)
    assert all(signer.role and signer.capacity for signer in packet_type.signers)
    assert any(item.form_code for item in packet_type.checklist)  # the checklist names the edition


def _youth(make, agency, **fields):
    fields.setdefault("care_periods", IN_CARE_SINCE_13)
    fields.setdefault("date_of_birth", date(TODAY.year - 18, 1, 15))
    return status_client(make, agency, family_name="Diallo", given_names="Mariama",
                         status_in_canada=StatusInCanada.no_status,
                         care_status=CareStatus.extended_society_care, **fields)


def test_state_care_trp_for_a_youth_under_a_removal_order(app, make, auth):
    agency = make.agency(name="Peel CAS (test)")
    worker = make.user(agency, role=Role.caseworker)
    client = _youth(make, agency)
    auth.login(worker)
    packet_id = start_over_http(auth, client, "state_care_trp", SIGNING)
    posted = complete(auth, packet_id, client, "state_care_trp", trp_answers(client), SIGNING)
    assert posted[0] == "eligibility" and posted[-1] == "declaration"
    summary, _stored = summary_of(app, packet_id)
    assert summary.missing == ()
    assert rules_by_level(summary, "blocker") == []
    assert "trp.removal_order" in rules_of(summary)
    assert [line.amount for line in summary.fees] == [0.0, 0.0]  # no TRP, work permit or biometrics fee
    keys = [item.key for item in summary.checklist]
    assert {"removal_order", "companion_work", "proof_of_care"} <= set(keys)
    imm5708 = next(item for item in summary.checklist if item.key == "imm5708")
    assert "edition" in imm5708.label
    assert auth.client.get(f"/packets/{packet_id}/review").status_code == 200


def test_state_care_trp_refuses_too_little_care(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = _youth(make, agency, care_periods=[{"start": "2020-01-01", "end": "2020-12-30",
                                                 "order": "extended_society_care"}])
    auth.login(worker)
    packet_id = start_over_http(auth, client, "state_care_trp", SIGNING)
    complete(auth, packet_id, client, "state_care_trp", trp_answers(client), SIGNING)
    summary, _stored = summary_of(app, packet_id)
    care = rules_of(summary)["trp.care"]
    assert care.level == "blocker" and "365 days counted" in care.message and "366 needed" in care.message


def test_study_permit_state_care_is_fee_free_and_other_bases_pay(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = _youth(make, agency, date_of_birth=date(TODAY.year - 17, 3, 1))
    auth.login(worker)
    packet_id = start_over_http(auth, client, "imm_5709", SIGNING)
    answers = study_answers(client)
    posted = complete(auth, packet_id, client, "imm_5709", answers, SIGNING)
    assert posted == [step.key for step in get_packet_type("imm_5709").steps]
    summary, _stored = summary_of(app, packet_id)
    assert summary.missing == ()
    assert rules_by_level(summary, "blocker") == []
    assert all(line.amount == 0.0 for line in summary.fees)
    assert [signer.key for signer, _capacity in summary.signers] == ["guardian"]
    assert "fee_receipt" not in [item.key for item in summary.checklist]
    assert auth.post(f"/packets/{packet_id}/steps/basis", data={"basis": "other"}).status_code == 303
    summary, _stored = summary_of(app, packet_id)
    assert summary.fees[0].amount == 150.0 and "VERIFY" in summary.fees[0].source
    assert "fee_receipt" in [item.key for item in summary.checklist]


def test_protected_person_pr_waives_the_right_of_pr_fee(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = status_client(make, agency, family_name="Haile", given_names="Meron",
                           date_of_birth=date(TODAY.year - 17, 5, 5),
                           status_in_canada=StatusInCanada.protected_person, care_status=CareStatus.in_care)
    auth.login(worker)
    packet_id = start_over_http(auth, client, "pr_protected", SIGNING)
    complete(auth, packet_id, client, "pr_protected", protected_answers(client), SIGNING)
    summary, _stored = summary_of(app, packet_id)
    assert summary.missing == ()
    assert rules_by_level(summary, "blocker") == []
    fees = {line.label: line.amount for line in summary.fees}
    assert fees["Right of permanent residence fee"] == 0.0
    assert fees["PR processing fee, protected person (principal applicant)"] == 635.0
    assert [signer.key for signer, _capacity in summary.signers] == ["guardian"]


def test_triage_places_the_new_routes():
    from portal.casework.triage import TriageAnswers, recommend

    protected = recommend(TriageAnswers(status="protected_person", date_of_birth=date(2010, 1, 1),
                                        planned_signing_date=date(2026, 12, 15)), today=date(2026, 11, 27))
    assert protected.key == "pr_protected"
    state_care = recommend(TriageAnswers(status="no_status", date_of_birth=date(2008, 1, 1), came_before_19=True,
                                         care_one_year=True, removal_order=True,
                                         planned_signing_date=date(2026, 12, 15)), today=date(2026, 11, 27))
    assert state_care.key == "state_care_pr"
    also = {option.key: option.reason for option in state_care.alternatives}
    assert "state_care_trp" in also and "imm_5709" in also
    assert "code S62" not in also["imm_5710"] and "fee-free" in also["imm_5710"]


def test_state_care_trp_is_for_people_without_valid_status():
    """IRCC's instructions for these TRPs: principal applicants must not have valid status when they apply."""
    from tests.support.forms import summarize_answers

    for status, blocked in (("no_status", False), ("temporary_resident", True), ("permanent_resident", True)):
        summary = summarize_answers("state_care_trp", {}, dob=date(2008, 1, 1), status=status)
        assert ("trp.status" in rules_of(summary)) is blocked, status
