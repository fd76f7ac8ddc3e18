"""Who signs a PR card application for a minor (IRPR s.57), also used for Verification of Status.

14 to 17: the applicant and one parent; where a Canadian court made another person responsible for the
child (a children's aid society under a court order), that person co-signs instead of the parent; where
both parents are dead, the person legally responsible. Under 14: one parent, or that person, alone.
"""
from dataclasses import dataclass

APPLICANT, PARENT = "applicant", "parent"
COURT_APPOINTED, LEGALLY_RESPONSIBLE = "court_appointed", "legally_responsible"


@dataclass(frozen=True)
class RequiredSignature:
    key: str
    role: str
    capacity: str


def s57_signers(*, age: int, court_appointed: bool = False, parents_deceased: bool = False,
                agency_name: str = "") -> list[RequiredSignature]:
    """The signatures the application needs, in the order they appear on the form."""
    if age >= 18:
        return [RequiredSignature(APPLICANT, "Applicant", "applicant aged 18 or older")]
    if court_appointed:
        adult = RequiredSignature(
            COURT_APPOINTED, "Person responsible under a court order",
            f"{agency_name or 'the person'} made responsible for the child by a Canadian court (IRPR s.57)")
    elif parents_deceased:
        adult = RequiredSignature(LEGALLY_RESPONSIBLE, "Person legally responsible for the child",
                                  "legally responsible because both parents have died (IRPR s.57)")
    else:
        adult = RequiredSignature(PARENT, "Parent", "one parent of the applicant (IRPR s.57)")
    if age >= 14:
        return [RequiredSignature(APPLICANT, "Applicant (minor aged 14 to 17)", "applicant aged 14 to 17, signs too"),
                adult]
    return [adult]
