"""Who signs a PR card (and VOS) application for a minor: IRPR s.57."""
import pytest

from portal.forms.rules.signers_s57 import s57_signers


@pytest.mark.parametrize("age, court, deceased, keys", [
    (18, False, False, ["applicant"]),
    (25, True, False, ["applicant"]),
    (17, False, False, ["applicant", "parent"]),
    (14, False, False, ["applicant", "parent"]),
    (14, True, False, ["applicant", "court_appointed"]),
    (16, False, True, ["applicant", "legally_responsible"]),
    (16, True, True, ["applicant", "court_appointed"]),
    (13, False, False, ["parent"]),
    (13, True, False, ["court_appointed"]),
    (0, False, True, ["legally_responsible"]),
])
def test_signers_by_age_and_authority(age, court, deceased, keys):
    assert [signer.key for signer in s57_signers(age=age, court_appointed=court, parents_deceased=deceased)] == keys


def test_court_appointed_capacity_names_the_agency():
    signers = s57_signers(age=15, court_appointed=True, agency_name="Peel CAS")
    assert "Peel CAS" in signers[1].capacity
    assert signers[0].role == "Applicant (minor aged 14 to 17)"
