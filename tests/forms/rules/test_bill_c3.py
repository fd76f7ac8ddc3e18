"""Bill C-3 (in force 2025-12-15, facts.toml): citizenship by descent for people born abroad to a Canadian parent,
and the s.5(5) route for the stateless. Sources: domain 0, D and corrections 2026-12; Citizenship Act s.3, s.5(5)."""
from datetime import date

import pytest

from portal.casework.triage import TriageAnswers, recommend
from portal.forms import facts
from portal.forms.rules.descent import by_descent
from portal.models import Role
from tests.support.app import csrf_token_from
from tests.support.forms import rules_of, summarize_answers

IN_FORCE = date(2025, 12, 15)
TODAY = date(2026, 11, 27)


def test_the_date_comes_from_the_facts_file():
    assert facts.a_date("bill_c3_in_force") == IN_FORCE
    assert facts.number("c3_parent_presence_days") == 1095


@pytest.mark.parametrize("born_on, parent_born_abroad, days, citizen", [
    (date(2025, 12, 14), True, None, True),  # the day before: citizen, whatever the parent's presence
    (date(2010, 5, 1), True, 0, True),
    (date(2025, 12, 15), True, None, None),  # on the day: the parent's days decide; not known yet
    (date(2025, 12, 15), True, 1095, True),
    (date(2025, 12, 15), True, 1094, False),
    (date(2026, 6, 1), True, 2000, True),
    (date(2026, 6, 1), False, None, True),  # a parent born in Canada passes citizenship on as before
    (None, True, None, None),
])
def test_by_descent(born_on, parent_born_abroad, days, citizen):
    result = by_descent(born_on=born_on, parent_born_abroad=parent_born_abroad, parent_presence_days=days,
                        in_force=IN_FORCE)
    assert result.citizen is citizen
    if citizen is False:
        assert result.working[-1] == "short by 1: not a citizen"


def ask(**answers):
    answers.setdefault("planned_signing_date", date(2026, 12, 15))
    return recommend(TriageAnswers(status="unknown", born_abroad_to_canadian_parent=True, **answers), today=TODAY)


@pytest.mark.parametrize("answers, key", [
    (dict(date_of_birth=date(2011, 3, 3), canadian_parent_born_abroad=True), "cit_0001"),  # before: a citizen
    (dict(date_of_birth=date(2026, 1, 10), canadian_parent_born_abroad=True, parent_presence_days=1400), "cit_0001"),
    (dict(date_of_birth=date(2026, 1, 10), canadian_parent_born_abroad=False), "cit_0001"),
    # not a citizen; no status: the routes for people without status
    (dict(date_of_birth=date(2026, 1, 10), canadian_parent_born_abroad=True, parent_presence_days=300), "hc_pr"),
    # the days are needed first: the certificate, with the question
    (dict(date_of_birth=date(2026, 1, 10), canadian_parent_born_abroad=True), "cit_0001"),
    # not a citizen, always stateless, under 23: the s.5(5) grant, its own route
    (dict(date_of_birth=date(2026, 1, 10), canadian_parent_born_abroad=True, parent_presence_days=300,
          stateless=True), "cit_5_5"),
])
def test_triage_places_bill_c3_cases(answers, key):
    assert ask(**answers).key == key


def test_triage_shows_the_working():
    result = ask(date_of_birth=date(2026, 1, 10), canadian_parent_born_abroad=True, parent_presence_days=300)
    text = " ".join(result.notes)
    assert "fewer than 1,095" in text
    assert "parent's days of physical presence in Canada before the birth: 300" in text
    assert "short by 795" in text
    before = ask(date_of_birth=date(2011, 3, 3), canadian_parent_born_abroad=True)
    assert "proof of citizenship" in before.title.lower() and "before 2025-12-15" in " ".join(before.notes)


@pytest.mark.parametrize("days, level", [(None, "warning"), (1095, "info"), (100, "blocker")])
def test_cit_0001_checks_the_parent_s_presence(days, level):
    answers = {"citizenship_basis": "born_abroad", "parent_basis": "born_abroad"}
    if days is not None:
        answers["parent_presence_days"] = days
    summary = summarize_answers("cit_0001", answers, dob=date(2026, 2, 1), status="citizen")
    finding = rules_of(summary)["citizenship.bill_c3"]
    assert finding.level == level
    assert "2025-12-15" in finding.source
    field = next(line for section in summary.sections for line in section.lines
                 if line.field.name == "parent_presence_days")
    assert field.applies


def test_cit_0001_born_before_c3_needs_no_count():
    summary = summarize_answers("cit_0001", {"citizenship_basis": "born_abroad", "parent_basis": "born_abroad"},
                                dob=date(2009, 2, 1), status="citizen")
    assert rules_of(summary)["citizenship.bill_c3"].level == "info"
    field = next(line for section in summary.sections for line in section.lines
                 if line.field.name == "parent_presence_days")
    assert not field.applies


def test_triage_form_refuses_a_bad_day_count_and_keeps_it(app, make, client, auth):
    agency = make.agency()
    worker = make.user(agency, role=Role.caseworker)
    person = make.client(agency, date_of_birth=date(2026, 1, 10), assigned_caseworker_id=worker.id)
    auth.login(worker)
    page = client.get(f"/clients/{person.id}/start").get_data(as_text=True)
    assert 'name="parent_presence_days"' in page and 'name="canadian_parent_born_abroad"' in page
    response = client.post(f"/clients/{person.id}/start", data={
        "csrf_token": csrf_token_from(page), "status": "unknown", "planned_signing_date": "2026-12-15",
        "born_abroad_to_canadian_parent": "yes", "canadian_parent_born_abroad": "yes",
        "parent_presence_days": "about a year"})
    assert response.status_code == 422
    assert "enter a whole number of days" in response.get_data(as_text=True)
    response = client.post(f"/clients/{person.id}/start", data={
        "csrf_token": csrf_token_from(page), "status": "unknown", "planned_signing_date": "2026-12-15",
        "born_abroad_to_canadian_parent": "yes", "canadian_parent_born_abroad": "yes",
        "parent_presence_days": "1,200"})
    assert response.status_code == 200
    assert 'value="cit_0001"' in response.get_data(as_text=True)
