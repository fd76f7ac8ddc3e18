"""PR residency obligation: 730 days in 5 years, absences counted like IRCC's calculator."""
from datetime import date

import pytest

from portal.forms.rules.residency import residency


@pytest.mark.parametrize("became_pr, on, absences, present, still, meets", [
    # PR for more than 5 years, never away: every day of the 5-year window (2021-11-27 to 2026-11-26)
    (date(2015, 1, 1), date(2026, 11, 27), [], 1826, 0, True),
    # a trip from the 9th to the 16th removes 6 days
    (date(2015, 1, 1), date(2026, 11, 27), [{"left": "2025-01-09", "returned": "2025-01-16"}], 1820, 0, True),
    # away for most of the window
    (date(2015, 1, 1), date(2026, 11, 27), [{"left": "2022-01-01", "returned": "2026-06-01"}], 1826 - 1611, 0, False),
    # new PR: 100 days so far, 1,726 still possible, so the obligation can still be met
    (date(2026, 8, 19), date(2026, 11, 27), [], 100, 1726, True),
])
def test_residency(became_pr, on, absences, present, still, meets):
    result = residency(became_pr=became_pr, on=on, absences=absences)
    assert result.days_present == present
    assert result.days_still_possible == still
    assert result.meets(730) is meets
