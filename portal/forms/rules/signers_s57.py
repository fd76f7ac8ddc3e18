"""Who signs a PR card application for a minor (IRPR s.57), also used for Verification of Status.

14 to 17: the applicant and one parent; where a Canadian court made another person responsible for the
child (a children's aid society under a court order), that person co-signs instead of the parent; where
both parents are dead, the person legally responsible. Under 14: one parent, or that person, alone.
"""
from dataclasses import dataclass

from portal.i18n import gettext as _

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
        return [RequiredSignature(APPLICANT, _("Applicant"), _("applicant aged 18 or older"))]
    if court_appointed:
        adult = RequiredSignature(
            COURT_APPOINTED, _("Person responsible under a court order"),
            _("%(name)s made responsible for the child by a Canadian court (IRPR s.57)", name=agency_name)
            if agency_name else _("the person made responsible for the child by a Canadian court (IRPR s.57)"))
    elif parents_deceased:
        adult = RequiredSignature(LEGALLY_RESPONSIBLE, _("Person legally responsible for the child"),
                                  _("legally responsible because both parents have died (IRPR s.57)"))
    else:
        adult = RequiredSignature(PARENT, _("Parent"), _("one parent of the applicant (IRPR s.57)"))
    if age >= 14:
        return [RequiredSignature(APPLICANT, _("Applicant (minor aged 14 to 17)"),
                                  _("applicant aged 14 to 17, signs too")), adult]
    return [adult]
