"""Biometrics for an in-Canada permit: under 14, over 79 and already-enrolled exemptions; family maximum."""
from datetime import date

import pytest

from portal.forms.rules.biometrics import biometrics_for, family_fee

FACTS = {"fee": 85, "family_max": 170, "min_age": 14, "max_age": 79, "valid_years": 10}
ON = date(2026, 11, 27)


@pytest.mark.parametrize("dob, enrolled, claimant, waived, required, fee", [
    (date(2012, 11, 28), None, False, False, False, 0),  # 13, a day before turning 14
    (date(2012, 11, 27), None, False, False, True, 85),  # 14 today
    (date(1947, 11, 27), None, False, False, True, 85),  # 79 today: not over 79, so collected
    (date(1946, 11, 27), None, False, False, False, 0),  # 80: over 79
    (date(1990, 1, 1), date(2017, 11, 28), False, False, False, 0),  # enrolled 9 years ago: still valid
    (date(1990, 1, 1), date(2016, 11, 27), False, False, True, 85),  # exactly 10 years: expired
    (date(1990, 1, 1), None, True, False, False, 0),  # claimant who already gave biometrics
    (date(2004, 1, 1), None, False, True, True, 0),  # state-care measure: needed, fee waived
])
def test_biometrics(dob, enrolled, claimant, waived, required, fee):
    result = biometrics_for(date_of_birth=dob, on=ON, facts=FACTS, enrolled_on=enrolled,
                            claimant_or_protected_enrolled=claimant, fee_waived=waived)
    assert (result.required, result.fee) == (required, fee)
    assert result.reason


def test_family_maximum():
    adult = biometrics_for(date_of_birth=date(1990, 1, 1), on=ON, facts=FACTS)
    assert family_fee([adult], facts=FACTS) == 85
    assert family_fee([adult, adult], facts=FACTS) == 170
    assert family_fee([adult, adult, adult], facts=FACTS) == 170
