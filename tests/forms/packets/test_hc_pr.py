"""H&C permanent residence, completed end to end through HTTP: bars, best interests of the child, fees."""
from datetime import date, timedelta

from portal.demo.status_packets import SIGNING, hc_answers
from portal.forms import get_packet_type
from portal.models import CareStatus, Role, StatusInCanada
from tests.support.forms import complete, rules_by_level, start_over_http, status_client, summary_of


def test_sections_in_form_order_with_bioc_on_its_own():
    packet_type = get_packet_type("hc_pr")
    assert [step.key for step in packet_type.steps] == ["bars", "imm0008", "schedule_a", "imm5406", "hc_history",
                                                        "bioc", "hardship", "sending", "fees_declaration"]
    assert "best interests of a child" in packet_type.step("bioc").form_section
    assert all(item.why for item in packet_type.checklist)


def test_completed_for_a_minor_without_status(app, make, auth):
    agency = make.agency(name="Peel CAS (test)")
    worker = make.user(agency, role=Role.caseworker)
    client = status_client(make, agency, family_name="Kovalenko", given_names="Olena", date_of_birth=date(2010, 11, 17),
                           country_of_birth="Ukraine", citizenships="Ukraine", preferred_language="Ukrainian",
                           status_in_canada=StatusInCanada.no_status, care_status=CareStatus.not_in_care)
    auth.login(worker)
    packet_id = start_over_http(auth, client, "hc_pr", SIGNING)
    posted = complete(auth, packet_id, client, "hc_pr", hc_answers(client), SIGNING)
    assert "schedule_a" not in posted and "bioc" in posted  # under 18: no Schedule A; a child is affected
    assert auth.client.get(f"/packets/{packet_id}/review").status_code == 200
    summary, _stored = summary_of(app, packet_id)
    assert summary.missing == ()
    assert rules_by_level(summary, "blocker") == []
    assert rules_by_level(summary, "info") == ["fees.receipt_date", "hc.one_year_exception"]  # BIOC relied on
    assert [signer.key for signer, _capacity in summary.signers] == ["guardian"]
    fees = {line.label: line.amount for line in summary.fees}
    assert fees["Right of permanent residence fee (principal applicant)"] == 600.0  # from 2026-04-30


def test_one_year_bar_without_exception_is_a_blocker(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = status_client(make, agency, date_of_birth=date(1995, 1, 1))
    auth.login(worker)
    packet_id = start_over_http(auth, client, "hc_pr", SIGNING)
    decided = SIGNING - timedelta(days=100)
    assert auth.post(f"/packets/{packet_id}/steps/bars", data={
        "other_hc_pending": "no", "refugee_claim_pending": "no", "negative_decision": "rad",
        "negative_decision_date": decided.isoformat(), "health_risk": "no", "security_inadmissible": "no",
        "children_affected": "no"}).status_code == 303
    summary, _stored = summary_of(app, packet_id)
    assert [rule for rule in rules_by_level(summary, "blocker") if rule.startswith("hc.")] == ["hc.one_year"]


def test_fees_per_person_with_family_members(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = status_client(make, agency, date_of_birth=date(1990, 1, 1))
    auth.login(worker)
    packet_id = start_over_http(auth, client, "hc_pr", SIGNING)
    assert auth.post(f"/packets/{packet_id}/steps/imm5406", data={
        "family_members__0__relationship": "spouse", "family_members__0__given_names": "Ana",
        "family_members__0__date_of_birth": "1991-02-02", "family_members__0__married": "yes",
        "family_members__0__in_canada": "yes",
        "family_members__1__relationship": "child", "family_members__1__given_names": "Leo",
        "family_members__1__date_of_birth": "2019-03-03", "family_members__1__married": "no",
        "family_members__1__in_canada": "yes"}).status_code == 303
    # Fees follow the day IRCC receives the application (domain I.6), not the signing day.
    before = {"send_method": "online", "send_on": "2026-04-29"}
    assert auth.post(f"/packets/{packet_id}/steps/sending", data=before).status_code == 303
    summary, _stored = summary_of(app, packet_id)
    assert sum(line.amount for line in summary.fees) == 635 + 635 + 175 + 575 + 575
    after = dict(before, send_on="2026-05-01")
    assert auth.post(f"/packets/{packet_id}/steps/sending", data=after).status_code == 303
    summary, _stored = summary_of(app, packet_id)
    assert sum(line.amount for line in summary.fees) == 665 + 665 + 185 + 600 + 600
    assert any("VERIFY" in line.note for line in summary.fees)
