"""Biometrics for an in-Canada work or study permit: who gives them, and the fee (domain E.4)."""
from dataclasses import dataclass
from datetime import date

from portal.forms.rules.dates import add_years, age_on
from portal.i18n import format_date
from portal.i18n import gettext as _


@dataclass(frozen=True)
class Biometrics:
    required: bool
    reason: str  # in words, for the checklist's "why" and the review
    fee: float  # what this person pays (0 when exempt or waived)


def biometrics_for(*, date_of_birth: date, on: date, facts: dict, enrolled_on: date | None = None,
                   claimant_or_protected_enrolled: bool = False, fee_waived: bool = False) -> Biometrics:
    """`on` is the day the application is made; `enrolled_on` the date biometrics were last given for a
    temporary residence application (valid `valid_years` years)."""
    age = age_on(date_of_birth, on)
    fee = 0.0 if fee_waived else float(facts["fee"])
    if age < int(facts["min_age"]):
        return Biometrics(False, _("Not needed: under %(limit)s (age %(age)s)", limit=facts["min_age"], age=age), 0.0)
    if age > int(facts["max_age"]):
        return Biometrics(False, _("Not needed: over %(limit)s (age %(age)s)", limit=facts["max_age"], age=age), 0.0)
    if claimant_or_protected_enrolled:
        return Biometrics(False, _("Not needed: a refugee claimant or protected person who already gave biometrics "
                                   "and is applying for a work or study permit"), 0.0)
    if enrolled_on is not None and on < add_years(enrolled_on, int(facts["valid_years"])):
        return Biometrics(False, _("Not needed: biometrics given on %(given)s are valid until %(until)s",
                                   given=format_date(enrolled_on),
                                   until=format_date(add_years(enrolled_on, int(facts["valid_years"])))), 0.0)
    if fee_waived:
        return Biometrics(True, _("Needed: give biometrics after the instruction letter arrives (fee waived)"), fee)
    return Biometrics(True, _("Needed: give biometrics after the instruction letter arrives"), fee)


def family_fee(people: list[Biometrics], *, facts: dict) -> float:
    """Members of one family applying together pay at most the family maximum."""
    return min(sum(person.fee for person in people), float(facts["family_max"]))
