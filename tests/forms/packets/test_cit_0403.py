"""CIT 0403 (minor without a Canadian parent, s.5(1)): rules, signers, checklist, fees, end to end."""
from datetime import date

import pytest

from portal.demo.citizenship import HADDAD
from tests.support.forms import SIGNING, complete_over_http, rules_of, summarize_answers, summary

KEY = "cit_0403"
AGENCY = {"applying_as": "authorised_person", "authority_kind": "agency", "order_kind": "extended_society_care"}


def signer_keys(result):
    return [signer.key for signer, _capacity in result.signers]


@pytest.mark.parametrize(
    "dob, rule, level",
    [
        (date(2008, 12, 15), "age.minor", "blocker"),  # 18th birthday on the signing day
        (date(2008, 12, 16), "age.14_17", "info"),  # 17 on the signing day
        (date(2012, 12, 15), "age.14_17", "info"),  # 14th birthday on the signing day
    ],
)
def test_age_at_signing(dob, rule, level):
    assert rules_of(summarize_answers(KEY, dob=dob))[rule].level == level


def test_under_14_no_countersignature():
    result = summarize_answers(KEY, AGENCY, dob=date(2012, 12, 16))  # 13 on the signing day
    assert "age.14_17" not in rules_of(result)
    assert signer_keys(result) == ["authorised_person"]


def test_14_to_17_countersigns():
    result = summarize_answers(KEY, AGENCY, dob=date(2010, 1, 1))
    assert signer_keys(result) == ["authorised_person", "minor"]


def test_agency_signs_under_its_court_order_with_proof_in_the_checklist():
    result = summarize_answers(KEY, AGENCY)
    capacity = dict((signer.key, capacity) for signer, capacity in result.signers)["authorised_person"]
    assert "Peel Children's Aid Society" in capacity and "extended society care order" in capacity
    item = next(item for item in result.checklist if item.key == "proof_of_authority")
    assert "signs for the minor" in item.why


def test_waiver_route_when_no_authorised_person():
    answers = {"applying_as": "minor_waiver"}
    result = summarize_answers(KEY, answers, dob=date(2010, 1, 1))
    assert signer_keys(result) == ["minor_waiver"]
    keys = [item.key for item in result.checklist]
    assert "waiver_letter" in keys and "proof_of_authority" not in keys
    assert rules_of(result)["signer.waiver"].level == "warning"
    declaration = next(section for section in result.sections if section.step.key == "declaration")
    assert next(line for line in declaration.lines if line.field.name == "waiver_box").applies


def test_a_citizen_parent_points_to_cit_0003():
    result = summarize_answers(KEY, {"parent1_citizen": "yes", "parent1_relationship": "natural"})
    assert rules_of(result)["parent.not_citizen"].level == "blocker"
    assert "CIT 0003" in rules_of(result)["parent.not_citizen"].message


@pytest.mark.parametrize(
    "answers, rule",
    [
        ({"removal_order": "yes"}, "prohibition.removal_order"),
        ({"prohib_charged": "yes"}, "prohibition.s21_22"),
        ({"pr_conditions": "yes"}, "status.pr_conditions"),
        ({"tax_required": "yes", "tax_years_filed": 2}, "tax.3_of_5"),
    ],
)
def test_blocking_answers(answers, rule):
    assert rules_of(summarize_answers(KEY, answers))[rule].level == "blocker"


def test_not_a_permanent_resident_is_blocked():
    assert rules_of(summarize_answers(KEY, status="protected_person"))["status.pr"].level == "blocker"


def test_presence_shortfall_names_the_numbers_and_shows_the_working():
    pr_date = date(2024, 1, 1)  # 714 PR days before 2026-12-15
    finding = rules_of(summarize_answers(KEY, {"pr_date": pr_date.isoformat(), "before_pr_in_canada": "no",
                                              "absent": "no"}))["presence.1095"]
    assert finding.level == "blocker"
    assert finding.message.startswith("fewer than 1,095 days of physical presence: 1,079 counted")
    assert any(line.startswith("Window: 2021-12-15 to 2026-12-14") for line in finding.working)


def test_presence_counts_half_days_and_absences_from_the_answers():
    answers = {"pr_date": "2023-01-01", "before_pr_in_canada": "yes",
               "status_periods": [{"from": "2019-01-01", "to": "2022-12-31", "status": "temporary_resident"}],
               "absent": "yes", "absences": [{"left": "2024-07-01", "returned": "2024-07-12", "destination": "US"}]}
    finding = rules_of(summarize_answers(KEY, answers))["presence.1095"]
    assert finding.level == "info"
    # PR 2023-01-01..2026-12-14 = 1,444 days, minus 10 absent; TR in window 2021-12-15..2022-12-31 = 382 -> 191
    assert finding.message.startswith("1,625 days of physical presence counted")


def test_presence_not_counted_without_the_pr_date():
    assert rules_of(summarize_answers(KEY))["presence.1095"].level == "warning"


def test_fee_and_form_version():
    result = summarize_answers(KEY)
    assert [fee.amount for fee in result.fees] == [100.00]
    assert "10-2020" in rules_of(result)["form.version"].message


def test_summary_sections_follow_the_form_and_fill_na():
    result = summarize_answers(KEY, {"applying_as": "authorised_person", "special_needs": "no"})
    assert [section.step.key for section in result.sections][:3] == ["applicant", "service", "identity"]
    service = {line.field.name: line for line in result.sections[1].lines}
    assert service["special_needs"].display == "No"
    assert service["special_needs_details"].display == "N/A" and not service["special_needs_details"].applies
    assert service["language_of_service"].missing and service["language_of_service"].display == ""


def test_completed_end_to_end_over_http_for_the_demo_client(app, client, auth):
    packet_id, visited = complete_over_http(app, client, auth, client_key="haddad-amira", key=KEY, answers=HADDAD)
    assert visited[0] == "applicant" and visited[-1] == "declaration"
    result = summary(app, packet_id)
    assert result.missing == ()
    assert [f.rule for f in result.findings if f.level == "blocker"] == []
    review = client.get(f"/packets/{packet_id}/review").get_data(as_text=True)
    assert "Every question that applies has an answer." in review
    assert "How physical presence was counted" in review and "presence.1095" in review
    assert result.context.signing_date == SIGNING


def test_review_shows_the_shortfall_its_working_and_who_answered(app, client, auth, make):
    from portal.models import Role
    from tests.support.forms import save, start

    agency = make.agency(name="Peel CAS")
    worker = make.user(agency, role=Role.caseworker, name="Samira Benali")
    person = make.client(agency, status_in_canada="permanent_resident", date_of_birth=date(2012, 5, 17))
    packet = start(app, client=person, user=worker)
    save(app, packet=packet, user=worker, in_person=True, changes={
        "pr_date": "2024-01-01", "before_pr_in_canada": "no", "absent": "yes",
        "absences": [{"left": "2025-07-01", "returned": "2025-07-12", "destination": "Lebanon", "reason": ""}]})
    auth.login(worker)
    html = client.get(f"/packets/{packet.id}/review").get_data(as_text=True)
    assert "fewer than 1,095 days of physical presence: 1,069 counted (26 short)" in html
    assert "How physical presence was counted" in html and "Window: 2021-12-15 to 2026-12-14" in html
    assert "minus 10 days outside Canada" in html and "Absence: left 2025-07-01, returned 2025-07-12" in html
    assert "Answered by Samira Benali (caseworker)" in html and "given by the youth in person" in html
    assert f"/packets/{packet.id}/steps/presence?next=review" in html
    assert "<td dir=\"auto\">Lebanon</td>" in html
