"""Turning 18 during a packet: signing authority and consent move from the agency to the youth (domain 0, I.1)."""
from dataclasses import replace
from datetime import date

import pytest

from portal.forms import get_packet_type
from portal.forms.engine import client_dict
from portal.forms.rules import turning_18
from portal.forms.types import Context
from portal.models import Client


def context(*, dob, started, signing, today):
    person = Client(family_name="Tesfaye", given_names="Yohannes", date_of_birth=dob, status_in_canada="no_status",
                    care_status="in_care")
    return Context(answers={}, client=client_dict(person), signing_date=signing, today=today, started_on=started,
                   agency={"name": "Peel CAS"})


@pytest.mark.parametrize("key, lapsed, now_signs", [
    ("imm_5710", "Parent or legal guardian", "Applicant"),
    ("cit_0001", "Parent or legal guardian", "Applicant"),
    ("state_care_trp", "Parent or legal guardian", "Applicant"),
    ("hc_pr", "Parent or legal guardian", "Principal applicant"),
])
def test_birthday_between_start_and_signing_changes_the_signers(key, lapsed, now_signs):
    found = turning_18.findings(get_packet_type(key), context(
        dob=date(2009, 1, 10), started=date(2026, 11, 1), signing=date(2027, 1, 20), today=date(2026, 11, 27)))
    assert len(found) == 1
    finding = found[0]
    assert finding.level == "warning" and finding.rule == "age.turning_18"
    assert "turns 18 on 2027-01-10" in finding.message
    assert any(line.startswith(f"no longer signs: {lapsed}") and "flagged" in line for line in finding.working)
    assert f"now signs: {now_signs}" in finding.working
    assert any(line.startswith("redo: ask the youth's own consent") for line in finding.working)


@pytest.mark.parametrize("dob, started, signing, today", [
    (date(2009, 1, 10), date(2026, 11, 1), date(2027, 1, 9), date(2026, 11, 27)),  # still 17 when signing
    (date(2008, 1, 10), date(2026, 11, 1), date(2027, 1, 20), date(2026, 11, 27)),  # already 18 at the start
    (date(2012, 1, 10), date(2026, 11, 1), date(2027, 1, 20), date(2026, 11, 27)),  # a child throughout
])
def test_no_change_without_an_18th_birthday_during_the_packet(dob, started, signing, today):
    assert turning_18.findings(get_packet_type("imm_5710"), context(dob=dob, started=started, signing=signing,
                                                                    today=today)) == []


def test_a_birthday_already_passed_says_turned_and_counts_from_today():
    found = turning_18.findings(get_packet_type("imm_5710"), context(
        dob=date(2008, 11, 20), started=date(2026, 10, 1), signing=date(2026, 11, 10), today=date(2026, 11, 27)))
    assert "turned 18 on 2026-11-20" in found[0].message


def test_the_summary_carries_it_and_the_signers_follow_the_signing_date():
    from tests.support.forms import rules_of, summarize_answers

    summary = summarize_answers("imm_5710", {}, dob=date(2009, 1, 10), signing=date(2027, 1, 20),
                                today=date(2026, 11, 27), status="no_status")
    assert "age.turning_18" in rules_of(summary)  # started today (no packet date): the birthday falls before signing
    assert [signer.key for signer, _capacity in summary.signers] == ["applicant"]
    earlier = replace(summary.context, signing_date=date(2027, 1, 9))
    assert turning_18.findings(summary.packet_type, earlier) == []
