"""State-care PR pathway, completed end to end through HTTP; eligibility from the client's care periods."""
from datetime import date
from types import SimpleNamespace

from portal.demo.status_packets import SIGNING, state_care_answers, tesfaye_care_periods
from portal.forms import get_packet_type
from portal.models import CareStatus, Role, StatusInCanada
from tests.support.forms import complete, rules_by_level, start_over_http, status_client, summary_of


def youth(make, agency, **fields):
    fields.setdefault("date_of_birth", date(2006, 10, 28))
    client = status_client(make, agency, family_name="Tesfaye", given_names="Yohannes", country_of_birth="Eritrea",
                           citizenships="Eritrea", preferred_language="Tigrinya",
                           status_in_canada=StatusInCanada.no_status, care_status=CareStatus.former_crown_ward,
                           **fields)
    return client


def test_completed_for_a_former_youth_in_care(app, make, auth):
    agency = make.agency(name="Peel CAS (test)")
    worker = make.user(agency, role=Role.caseworker)
    client = youth(make, agency, care_periods=tesfaye_care_periods(SimpleNamespace(date_of_birth=date(2006, 10, 28))))
    auth.login(worker)
    packet_id = start_over_http(auth, client, "state_care_pr", SIGNING)
    posted = complete(auth, packet_id, client, "state_care_pr", state_care_answers(client), SIGNING)
    assert posted == ["eligibility", "imm0008", "schedule_a", "imm5406", "care_proof", "declaration"]
    assert auth.client.get(f"/packets/{packet_id}/review").status_code == 200
    summary, _stored = summary_of(app, packet_id)
    assert summary.missing == ()
    assert rules_by_level(summary, "blocker") == []
    care = next(finding for finding in summary.findings if finding.rule == "state_care.care_days")
    assert care.level == "info" and len(care.working) == 3  # two split periods, each with its days, and the year
    assert [line.amount for line in summary.fees] == [0.0]
    assert "300-800 Burrard Street" in summary.packet_type.submission
    keys = [item.key for item in summary.checklist]
    assert {"proof_of_care", "proof_of_residence", "statutory_declaration"} <= set(keys)
    assert "identity_document" not in keys
    assert [signer.key for signer, _capacity in summary.signers] == ["applicant"]


def test_too_little_care_is_a_blocker_with_the_days_counted(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = youth(make, agency,
                   care_periods=[{"start": "2020-01-01", "end": "2020-06-30", "order": "interim_society_care"}])
    auth.login(worker)
    packet_id = start_over_http(auth, client, "state_care_pr", SIGNING)
    complete(auth, packet_id, client, "state_care_pr", state_care_answers(client), SIGNING)
    summary, _stored = summary_of(app, packet_id)
    care = next(finding for finding in summary.findings if finding.rule == "state_care.care_days")
    assert care.level == "blocker"
    assert "182 days counted" in care.message and "366 needed" in care.message  # 2020 holds 29 February


def test_family_member_age_locked_in_on_the_receipt_day(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = youth(make, agency,
                   care_periods=[{"start": "2019-01-01", "end": "2022-01-01", "order": "extended_society_care"}])
    auth.login(worker)
    packet_id = start_over_http(auth, client, "state_care_pr", SIGNING)
    receipt = date(2027, 1, 10)
    assert auth.post(f"/packets/{packet_id}/steps/eligibility", data={
        "arrival_date": "2018-06-01", "in_canada": "yes", "intended_province": "ON", "excluded_1f": "no",
        "continuous_since_19": "yes", "expected_receipt_date": receipt.isoformat()}).status_code == 303
    child_turns_22 = date(2027, 1, 10).replace(year=2005)  # 22 on the receipt day
    response = auth.post(f"/packets/{packet_id}/steps/imm5406", data={
        "family_members__0__relationship": "child", "family_members__0__given_names": "Abel",
        "family_members__0__date_of_birth": child_turns_22.isoformat(), "family_members__0__married": "no",
        "family_members__0__dependent_by_condition": "no", "family_members__0__in_canada": "yes"})
    assert response.status_code == 303
    summary, _stored = summary_of(app, packet_id)
    finding = next(finding for finding in summary.findings if finding.rule == "state_care.dependent_child")
    assert "aged 22 on 2027-01-10" in finding.message


def test_cannot_be_started_after_the_closing_date():
    packet_type = get_packet_type("state_care_pr")
    assert packet_type.available(date(2027, 1, 21)) == (True, "IRCC must receive the application by 2027-01-21 "
                                                               "(1 day left).")
    allowed, reason = packet_type.available(date(2027, 1, 22))
    assert not allowed and "closed" in reason


def test_triage_recommends_state_care_before_hc_for_a_youth_who_was_in_care(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = youth(make, agency,
                   care_periods=[{"start": "2019-01-01", "end": "2021-06-30", "order": "extended_society_care"}])
    auth.login(worker)
    page = auth.post(f"/clients/{client.id}/start", data={
        "status": "no_status", "planned_signing_date": SIGNING.isoformat(), "came_before_19": "yes",
        "care_one_year": "yes"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'name="packet_type" value="state_care_pr"' in text
    assert text.index("state-care PR pathway") < text.index("H&amp;C permanent residence")
