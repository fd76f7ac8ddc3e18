"""Family members on a PR application, and the age lock-in that decides who is a dependent child.

For PR (state care, H&C) a child's age is locked in on the day IRCC receives the application.
Dependent child: under 22 and not married or in a common-law relationship, or 22 and older and
dependent on the parent because of a physical or mental condition (domain F).
"""
from datetime import date

from portal.forms.rules.dates import age_on, as_date
from portal.forms.types import Finding
from portal.i18n import format_date
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

RELATIONSHIPS = (
    ("spouse", _l("Spouse")),
    ("common_law", _l("Common-law partner")),
    ("child", _l("Dependent child")),
    ("partner_child", _l("Dependent child of the spouse or partner")),
    ("grandchild", _l("Grandchild (dependent child of a dependent child)")),
)
CHILD_RELATIONSHIPS = {"child", "partner_child", "grandchild"}
DEPENDENT_CHILD_AGE = 22


def lock_in_date(*, received_on: date | None, planned: date) -> date:
    """The day IRCC received the application once recorded; until then the planned date stands in for it."""
    return received_on or planned


def dependent_child_problem(*, date_of_birth: date, lock_in: date, married: bool, dependent_by_condition: bool) -> str:
    """Why this child is not a dependent child on the lock-in date, or "" when they are."""
    age = age_on(date_of_birth, lock_in)
    if age >= DEPENDENT_CHILD_AGE and not dependent_by_condition:
        return _("aged %(age)s on %(day)s: a child of 22 or older counts only if dependent because of a physical or "
                 "mental condition", age=age, day=format_date(lock_in))
    if married and age < DEPENDENT_CHILD_AGE:
        return _("married or in a common-law relationship, so not a dependent child")
    return ""


def family_findings(rows, *, lock_in: date, program: str, must_be_in_canada: bool) -> list[Finding]:
    """A finding per family member who cannot be included, with their row number and the reason."""
    findings: list[Finding] = []
    spouses = 0
    for number, row in enumerate(rows or (), start=1):
        relationship = row.get("relationship", "")
        if relationship in ("spouse", "common_law"):
            spouses += 1
        dob = as_date(row.get("date_of_birth"))
        if relationship in CHILD_RELATIONSHIPS and dob is not None:
            problem = dependent_child_problem(date_of_birth=dob, lock_in=lock_in,
                                              married=row.get("married") == "yes",
                                              dependent_by_condition=row.get("dependent_by_condition") == "yes")
            if problem:
                findings.append(Finding("blocker", f"{program}.dependent_child",
                                        _("Family member %(number)s is not a dependent child: %(problem)s.",
                                          number=number, problem=problem),
                                        "IRPR s.2 (dependent child); domain F",
                                        (_("age locked in on %(day)s, the day IRCC receives the application",
                                           day=format_date(lock_in)),)))
        if must_be_in_canada and row.get("in_canada") == "no":
            findings.append(Finding("blocker", f"{program}.family_in_canada",
                                    _("Family member %(number)s must be in Canada when applying and when PR is "
                                      "granted.", number=number),
                                    "domain F"))
    if spouses > 1:
        findings.append(Finding("blocker", f"{program}.one_spouse",
                                _("Only one spouse or common-law partner can be included."), "IRPR s.1 and s.2"))
    return findings
