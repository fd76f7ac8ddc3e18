"""Family members and the age lock-in: a dependent child is under 22 and unmarried on the day IRCC
receives the application, or older and dependent because of a condition."""
from datetime import date

import pytest

from portal.forms.rules.family import dependent_child_problem, family_findings, lock_in_date

LOCK_IN = date(2026, 12, 15)


@pytest.mark.parametrize("dob, married, condition, ok", [
    (date(2004, 12, 16), False, False, True),  # 21 on the lock-in day, 22 the next day: locked in as dependent
    (date(2004, 12, 15), False, False, False),  # 22 on the lock-in day
    (date(2004, 12, 15), False, True, True),  # 22 but dependent by condition
    (date(2010, 1, 1), True, False, False),  # married
    (date(2020, 2, 29), False, False, True),
])
def test_dependent_child(dob, married, condition, ok):
    problem = dependent_child_problem(date_of_birth=dob, lock_in=LOCK_IN, married=married,
                                      dependent_by_condition=condition)
    assert (problem == "") is ok


def test_lock_in_is_the_receipt_day_once_known():
    assert lock_in_date(received_on=None, planned=date(2026, 12, 1)) == date(2026, 12, 1)
    assert lock_in_date(received_on=date(2026, 12, 9), planned=date(2026, 12, 1)) == date(2026, 12, 9)


def test_family_findings_name_the_row_and_reason():
    rows = [
        {"relationship": "spouse", "date_of_birth": "2000-01-01", "married": "yes", "in_canada": "yes"},
        {"relationship": "child", "date_of_birth": "2004-12-15", "married": "no", "dependent_by_condition": "no",
         "in_canada": "no"},
        {"relationship": "common_law", "date_of_birth": "2001-01-01", "married": "yes", "in_canada": "yes"},
    ]
    findings = family_findings(rows, lock_in=LOCK_IN, program="state_care", must_be_in_canada=True)
    assert [f.rule for f in findings] == ["state_care.dependent_child", "state_care.family_in_canada",
                                          "state_care.one_spouse"]
    assert findings[0].message.startswith("Family member 2 is not a dependent child: aged 22 on 2026-12-15")
    assert family_findings(rows[:1], lock_in=LOCK_IN, program="hc", must_be_in_canada=False) == []
