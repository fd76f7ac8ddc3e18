"""IMM 5710 open work permit, completed end to end through HTTP with plain form posts."""
from datetime import date, timedelta

from portal.demo.status_packets import SIGNING, imm_5710_answers
from portal.forms import facts, get_packet_type
from portal.models import CareStatus, Role, StatusInCanada
from tests.support.forms import complete, rules_by_level, start_over_http, status_client, summary_of

STEP_ORDER = ["basis", "application", "personal", "languages_passport", "contact", "entry", "work", "history",
              "background", "medical", "biometrics", "sending", "declaration"]


def test_steps_follow_the_form(app):
    packet_type = get_packet_type("imm_5710")
    assert [step.key for step in packet_type.steps] == STEP_ORDER
    sections = [step.form_section for step in packet_type.steps[1:9]]
    assert [section.split(":")[0] for section in sections] == [f"IMM 5710 Section {n}" for n in range(1, 9)]
    assert all(item.why for item in packet_type.checklist)
    assert all(signer.role and signer.capacity for signer in packet_type.signers)


def test_s62_for_a_community_case_management_participant(app, make, auth):
    agency = make.agency(name="John Howard Society – CCMS (test)")
    worker = make.user(agency, role=Role.caseworker)
    client = status_client(make, agency, family_name="Mensah", given_names="Kwame", date_of_birth=date(1992, 8, 19),
                         country_of_birth="Ghana", citizenships="Ghana", status_in_canada=StatusInCanada.no_status,
                         care_status=CareStatus.not_in_care, address="100 Queen Street West, Toronto ON M5H 2N2")
    auth.login(worker)
    packet_id = start_over_http(auth, client, "imm_5710", SIGNING)
    answers = imm_5710_answers(client, basis="r206_1_b", ccms=True)
    posted = complete(auth, packet_id, client, "imm_5710", answers, SIGNING)
    assert posted == STEP_ORDER

    assert auth.client.get(f"/packets/{packet_id}/review").status_code == 200
    summary, stored = summary_of(app, packet_id)
    assert summary.missing == ()
    assert rules_by_level(summary, "blocker") == []
    assert stored["cover_letter_mentions_program"] == "yes"
    assert stored["employment"][0]["activity"] == "Unemployed"
    # S62: $155 processing, no holder fee, no biometrics fee (given as a claimant within 10 years)
    assert [(line.label, line.amount) for line in summary.fees] == [
        ("Work permit processing fee", 155.0), ("Open work permit holder fee", 0.0), ("Biometrics fee", 0.0)]
    keys = [item.key for item in summary.checklist]
    assert {"removal_order", "proof_of_need", "ccms_referral_letter", "ccms_reporting_conditions",
            "fee_receipt"} <= set(keys)
    assert "rpd_referral" not in keys and "proof_of_authority" not in keys
    assert [signer.key for signer, _capacity in summary.signers] == ["applicant"]


def test_s61_for_a_minor_refugee_claimant_in_care(app, make, auth):
    agency = make.agency(name="Peel CAS (test)")
    worker = make.user(agency, role=Role.caseworker)
    client = status_client(make, agency, family_name="Singh", given_names="Harpreet Kaur",
                           date_of_birth=date(2010, 3, 22),
                         status_in_canada=StatusInCanada.refugee_claimant, care_status=CareStatus.in_care)
    auth.login(worker)
    packet_id = start_over_http(auth, client, "imm_5710", SIGNING)
    answers = imm_5710_answers(client, basis="r206_1_a", ccms=False)
    complete(auth, packet_id, client, "imm_5710", answers, SIGNING)
    summary, _stored = summary_of(app, packet_id)
    assert summary.missing == ()
    assert rules_by_level(summary, "blocker") == []
    assert sum(line.amount for line in summary.fees) == 0  # S61 is fee-exempt; biometrics already given
    signers = dict((signer.key, capacity) for signer, capacity in summary.signers)
    assert list(signers) == ["guardian"] and "Peel CAS (test)" in signers["guardian"]
    assert "proof_of_authority" in [item.key for item in summary.checklist]


def test_designated_country_claimant_waits_180_days_only_when_the_facts_file_lists_it(app, make, auth, tmp_path,
                                                                                       monkeypatch):
    """IRPR s.206(2): the wait applies to a designated country's nationals; none is designated since 2019, so the
    list in facts.toml is empty and nobody is asked. Listing a country brings the wait back."""
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = status_client(make, agency, date_of_birth=date(1990, 1, 1), citizenships="Hungary",
                           status_in_canada=StatusInCanada.refugee_claimant)
    auth.login(worker)
    packet_id = start_over_http(auth, client, "imm_5710", SIGNING)
    referral = SIGNING - timedelta(days=100)
    page = auth.client.get(f"/packets/{packet_id}/steps/basis").get_data(as_text=True)
    assert 'name="designated_country"' not in page
    response = auth.post(f"/packets/{packet_id}/steps/basis", data={
        "basis": "r206_1_a", "referral_date": referral.isoformat(),
        "claim_decided": "no", "can_support_without_work": "no", "ccms_participant": "no"})
    assert response.status_code == 303
    summary, _stored = summary_of(app, packet_id)
    assert "r206.wait_180" not in [finding.rule for finding in summary.findings]

    listed = tmp_path / "facts.toml"
    listed.write_text(facts.path().read_text().replace(
        'key = "r206_designated_countries"\nvalue = []', 'key = "r206_designated_countries"\nvalue = ["Hungary"]'))
    monkeypatch.setenv("PASSAGE_FACTS_FILE", str(listed))
    summary, _stored = summary_of(app, packet_id)
    wait = next(finding for finding in summary.findings if finding.rule == "r206.wait_180")
    assert wait.level == "blocker"
    assert (referral + timedelta(days=180)).isoformat() in wait.message


def test_history_row_ending_before_it_starts_is_refused_and_kept(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = status_client(make, agency, date_of_birth=date(1990, 1, 1))
    auth.login(worker)
    packet_id = start_over_http(auth, client, "imm_5710", SIGNING)
    data = {"education_level": "secondary", "employment__0__from": "2020-05-01", "employment__0__to": "2020-04-30",
            "employment__0__activity": "Cook", "employment__0__where": "Toronto"}
    response = auth.post(f"/packets/{packet_id}/steps/history", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "This date is before the one it follows" in page
    assert 'value="2020-04-30"' in page and "Cook" in page
    htmx = auth.post(f"/packets/{packet_id}/steps/history", data=data, htmx=True)
    assert htmx.status_code == 422
    assert "<html" not in htmx.get_data(as_text=True)


def test_history_gaps_are_findings_with_the_missing_dates(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = status_client(make, agency, date_of_birth=date(1980, 1, 1))
    auth.login(worker)
    packet_id = start_over_http(auth, client, "imm_5710", SIGNING)
    start_day = SIGNING.replace(year=SIGNING.year - 10) if (SIGNING.month, SIGNING.day) != (2, 29) else \
        date(SIGNING.year - 10, 3, 1)
    response = auth.post(f"/packets/{packet_id}/steps/history", data={
        "education_level": "secondary",
        "employment__0__from": start_day.isoformat(), "employment__0__to": "2020-01-30",
        "employment__0__activity": "Cook", "employment__0__where": "Toronto",
        "employment__1__from": "2020-02-01", "employment__1__to": "",
        "employment__1__activity": "Unemployed", "employment__1__where": "Toronto"})
    assert response.status_code == 303
    summary, _stored = summary_of(app, packet_id)
    gaps = [finding for finding in summary.findings if finding.rule == "history.employment.gap"]
    assert [gap.message.split(": ")[1].split(".")[0] for gap in gaps] == ["2020-01-31 is not covered (1 day)"]
    review = auth.client.get(f"/packets/{packet_id}/review").get_data(as_text=True)
    assert "2020-01-31 is not covered (1 day)" in review


def test_cover_letter_names_the_basis_and_the_program_only_when_chosen():
    from portal.forms.packets.imm_5710 import cover_letter
    from portal.forms.types import Context

    def letter(**answers):
        context = Context(answers=answers, client={}, signing_date=SIGNING, today=SIGNING,
                          agency={"name": "John Howard Society"})
        return " ".join(cover_letter(context))

    chosen = letter(basis="r206_1_b", ccms_participant="yes", cover_letter_mentions_program="yes")
    assert "IRPR s.206(1)(b) (exemption code S62)" in chosen and "John Howard Society" in chosen
    assert "holder fee" in chosen
    assert "program" not in letter(basis="r206_1_b", ccms_participant="yes", cover_letter_mentions_program="no")
    assert "exempt from the work permit fees" in letter(basis="r206_1_a")
    assert letter() == ""


def test_history_rows_can_be_added_and_reordered_without_javascript(app, make, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    client = status_client(make, agency, date_of_birth=date(1990, 1, 1))
    auth.login(worker)
    packet_id = start_over_http(auth, client, "imm_5710", SIGNING)
    rows = {"education_level": "secondary",
            "employment__0__from": "2020-01-01", "employment__0__to": "2020-12-31",
            "employment__0__activity": "Cook", "employment__0__where": "Toronto",
            "employment__1__from": "2021-01-01", "employment__1__to": "",
            "employment__1__activity": "Unemployed", "employment__1__where": "Toronto"}
    added = auth.post(f"/packets/{packet_id}/steps/history", data={**rows, "add_row__employment": "1"})
    assert added.status_code == 200
    assert 'name="employment__2__from"' in added.get_data(as_text=True)
    moved = auth.post(f"/packets/{packet_id}/steps/history", data={**rows, "down_row__employment__0": "1"})
    page = moved.get_data(as_text=True)
    assert page.index("Unemployed") < page.index("Cook")
