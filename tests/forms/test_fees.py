"""Fees and other facts by date, from the one facts file a staff member can correct."""
import os
import time
from datetime import date

import pytest

from portal.forms import facts
from portal.forms.parts.citizenship import adult_fees, minor_fees
from portal.forms.types import Context


def ctx(signing: date) -> Context:
    return Context(answers={}, client={}, signing_date=signing, today=signing)


@pytest.mark.parametrize(
    "signing, roc, verify",
    [
        (date(2025, 3, 30), 100.00, False),
        (date(2025, 3, 31), 119.75, False),
        (date(2026, 3, 30), 119.75, False),
        (date(2026, 3, 31), 123.00, True),
        (date(2027, 6, 1), 123.00, True),
    ],
)
def test_right_of_citizenship_fee_by_date(signing, roc, verify):
    fee = facts.fee("cit_right_of_citizenship", signing)
    assert fee.amount == roc
    assert fee.verify is verify


def test_adult_fee_lines_add_processing_and_right_of_citizenship():
    lines = adult_fees(ctx(date(2025, 6, 1)))
    assert [line.amount for line in lines] == [530.00, 119.75]
    assert sum(line.amount for line in lines) == pytest.approx(649.75)
    assert "from 2025-03-31" in lines[1].source and "cicnews" in lines[1].source
    assert lines[1].note == ""


def test_unconfirmed_fee_is_marked_verify_with_its_source():
    lines = adult_fees(ctx(date(2026, 4, 15)))
    assert lines[1].amount == 123.00
    assert "VERIFY" in lines[1].note and "(VERIFY)" in lines[1].source
    assert "passport-path" in lines[1].source


def test_minor_fee_is_100_and_proof_75():
    assert [line.amount for line in minor_fees(ctx(date(2026, 1, 1)))] == [100.00]
    assert facts.fee("cit_proof", date(2026, 1, 1)).amount == 75.00


def test_every_fact_has_a_source():
    every = facts.all_facts()
    assert len(every) > 10
    assert all(fact.source for fact in every)


def test_dates_and_numbers():
    assert facts.a_date("state_care_pathway_closes") == date(2027, 1, 21)
    assert facts.number("presence_days_required") == 1095
    assert facts.form_version("CIT 0403").value == "10-2020"


def test_unknown_fact_is_a_clear_error():
    with pytest.raises(facts.FactsError, match="no \\[\\[fee\\]\\] entry 'nope'"):
        facts.fee("nope")


def write(path, text):
    path.write_text(text, encoding="utf-8")
    # A new modification time even on coarse clocks, so the loader sees the change.
    stamp = time.time() + 2
    os.utime(path, (stamp, stamp))


def test_a_staff_correction_applies_without_a_restart(tmp_path, monkeypatch):
    file = tmp_path / "facts.toml"
    write(file, '[[fee]]\nkey = "x"\nlabel = "X"\namount = 10.0\nsource = "test"\n')
    monkeypatch.setenv("PASSAGE_FACTS_FILE", str(file))
    assert facts.fee("x").amount == 10.0
    write(file, '[[fee]]\nkey = "x"\nlabel = "X"\namount = 10.0\nsource = "test"\n'
                '[[fee]]\nkey = "x"\nlabel = "X"\namount = 12.5\neffective = 2030-01-01\nsource = "notice"\n')
    assert facts.fee("x", date(2029, 12, 31)).amount == 10.0
    assert facts.fee("x", date(2030, 1, 1)).amount == 12.5


@pytest.mark.parametrize(
    "text, message",
    [
        ('[[fee]]\nkey = "x"\namount = 1.0\n', "needs a source"),
        ('[[fee]]\nkey = "x"\namount = "ten"\nsource = "s"\n', "amount must be a number"),
        ('[[fee]]\nkey = "x"\namount = 1.0\nsource = "s"\neffective = "soon"\n', "effective must be a date"),
        ('[[fee]]\nkey = "x"\namount = 1.0\nsource = "s"\n'
         '[[fee]]\nkey = "x"\namount = 2.0\nsource = "s"\n', "same day"),
        ('[[fee]\n', "cannot be read"),
    ],
)
def test_a_broken_facts_file_says_what_is_wrong(tmp_path, monkeypatch, text, message):
    file = tmp_path / "facts.toml"
    write(file, text)
    monkeypatch.setenv("PASSAGE_FACTS_FILE", str(file))
    with pytest.raises(facts.FactsError, match=message):
        facts.load()
