"""The PR pathway for foreign nationals who were in state care (domain F): eligibility and its closing date.

The pathway takes applications *received* up to and including the closing date in the facts file
(`state_care.closes`); an extension is a one-line change there.
"""
from dataclasses import dataclass
from datetime import date

from portal.forms.facts import status_facts
from portal.forms.rules.care import care_days
from portal.forms.rules.dates import add_years, age_on, as_date
from portal.forms.types import Finding
from portal.i18n import format_date, ngettext
from portal.i18n import gettext as _
from portal.models import StatusInCanada

SOURCE = "Public policy for foreign nationals who were in state care; IMM 0204; domain F"
SOURCE_YEAR = (f"{SOURCE}; a year is 12 calendar months, 366 days when it holds 29 February "
               "(Interpretation Act s.28; domain corrections 2026-12)")
# Kinds of care on the client file that are not a court order giving the province parental responsibility.
NOT_COURT_ORDERED = {"temporary_care_agreement", "customary_care"}
# Kinds that may or may not be such an order: counted, with a warning to check the papers.
CHECK_ORDER = {"other", ""}


def court_ordered(period: dict) -> bool:
    return (period.get("order") or "") not in NOT_COURT_ORDERED


def care_in_state(care_periods, *, today: date):
    """Days under a court order giving the province parental responsibility (domain F: "state care")."""
    return care_days(care_periods, today=today, counts=court_ordered)


NO_STATUS = {StatusInCanada.no_status, StatusInCanada.refugee_claimant, StatusInCanada.temporary_resident,
             StatusInCanada.unknown}


def closing_date(facts: dict) -> date:
    return as_date(facts["closes"])


def days_left(today: date, facts: dict) -> int:
    """Days on which IRCC can still receive the application, today included: 1 on the closing day, 0 after."""
    return max(0, (closing_date(facts) - today).days + 1)


def can_start(today: date, facts: dict | None = None) -> tuple[bool, str]:
    """Whether a new state-care packet may be started today, and why not."""
    facts = facts if facts is not None else load_facts()
    closes = closing_date(facts)
    if today > closes:
        return False, _("The state-care PR pathway closed: IRCC had to receive applications by %(day)s. Look at H&C "
                        "permanent residence instead.", day=format_date(closes))
    left = days_left(today, facts)
    return True, ngettext("IRCC must receive the application by %(day)s (%(num)s day left).",
                          "IRCC must receive the application by %(day)s (%(num)s days left).", left,
                          day=format_date(closes))


def plural_days(count: int) -> str:
    return ngettext("%(num)s day", "%(num)s days", count)


def load_facts() -> dict:
    """The `state_care` table of the status facts in portal/data/facts.toml."""
    return status_facts()["state_care"]


@dataclass(frozen=True)
class TriageResult:
    eligible: bool
    reason: str
    days_left: int


def eligible_for_triage(*, status_in_canada: str, date_of_birth: date, care_periods, today: date,
                        arrival_date: date | None = None, facts: dict | None = None) -> TriageResult:
    """For the triage: point a youth without status who was in care to this pathway before H&C."""
    facts = facts if facts is not None else load_facts()
    left = days_left(today, facts)
    if status_in_canada not in NO_STATUS:
        return TriageResult(False, _("The pathway is for people without permanent status."), left)
    if left == 0:
        return TriageResult(False, _("The pathway closed on %(day)s.", day=format_date(closing_date(facts))), 0)
    care = care_in_state(care_periods, today=today)
    months = int(facts["min_care_months"])
    if not care.at_least_months(months):
        return TriageResult(False, _("%(days)s days in court-ordered care on the client file; the pathway needs "
                                     "%(months)s months (%(needed)s days).", days=care.days, months=months,
                                     needed=care.months_in_days(months)), left)
    arrival_age = int(facts["arrival_before_age"])
    if arrival_date is not None and age_on(date_of_birth, arrival_date) >= arrival_age:
        return TriageResult(False, _("Came to Canada at %(age)s; the pathway needs arrival before %(limit)s.",
                                     age=age_on(date_of_birth, arrival_date), limit=arrival_age), left)
    return TriageResult(True, ngettext(
        "%(days)s days in court-ordered care and no permanent status: the state-care PR pathway (no fees) comes "
        "before H&C. %(num)s day left to have it received by %(day)s.",
        "%(days)s days in court-ordered care and no permanent status: the state-care PR pathway (no fees) comes "
        "before H&C. %(num)s days left to have it received by %(day)s.", left, days=care.days,
        day=format_date(closing_date(facts))), left)


def _received_in_time(*, receipt_date: date, facts: dict) -> list[Finding]:
    closes = closing_date(facts)
    if receipt_date > closes:
        return [Finding("blocker", "state_care.closed", _(
            "IRCC must receive the application by %(day)s; the planned date is %(planned)s.",
            day=format_date(closes), planned=format_date(receipt_date)), SOURCE)]
    return []


def _arrival(*, date_of_birth: date, arrival_date: date | None, arrival_age: int) -> list[Finding]:
    if arrival_date is None:
        return [Finding("warning", "state_care.arrival", _("Enter the date of arrival in Canada."), SOURCE)]
    if age_on(date_of_birth, arrival_date) >= arrival_age:
        return [Finding("blocker", "state_care.arrival_age", _(
            "Came to Canada at age %(age)s: the pathway needs arrival before %(limit)s.",
            age=age_on(date_of_birth, arrival_date), limit=arrival_age), SOURCE,
            (_("born %(born)s, arrived %(arrived)s", born=format_date(date_of_birth),
               arrived=format_date(arrival_date)),))]
    return []


def _residence(*, receipt_date: date, started: date | None, facts: dict) -> list[Finding]:
    """Continuous residence, counted from the day it started (or the arrival)."""
    years = int(facts["residence_years"])
    if started is None:
        return []
    enough_from = add_years(started, years)
    if receipt_date < enough_from:
        return [Finding("blocker", "state_care.residence", _(
            "Needs %(years)s years of continuous residence before applying: counted from %(start)s, that is reached "
            "on %(day)s.", years=years, start=format_date(started), day=format_date(enough_from)), SOURCE)]
    return []


def _since_19(*, date_of_birth: date, receipt_date: date, arrival_age: int,
              continuous_since_19: bool | None) -> list[Finding]:
    if age_on(date_of_birth, receipt_date) >= arrival_age and continuous_since_19 is False:
        return [Finding("blocker", "state_care.since_19", _("Someone aged 19 or older must have lived in Canada "
                                                            "continuously since turning 19."), SOURCE)]
    return []


def _care(*, care_periods, today: date, facts: dict) -> list[Finding]:
    """A year in court-ordered care, with the working, and the care periods that need a second look."""
    care = care_in_state(care_periods, today=today)
    months = int(facts["min_care_months"])
    needed = care.months_in_days(months)
    year = (_("%(months)s months from the first day in care (%(day)s) are %(needed)s days", months=months,
              day=format_date(care.spans[0][0]), needed=needed)
            if care.spans else _("%(months)s months", months=months))
    if not care.at_least_months(months):
        findings = [Finding("blocker", "state_care.care_days", _(
            "At least %(months)s months (1 year) in court-ordered care are needed, in a row or added up: %(days)s days "
            "counted from the client file, %(needed)s needed.", months=months, days=care.days, needed=needed),
            SOURCE_YEAR, (*care.working, year) if care.working else (_("no care periods on the client file"),))]
    else:
        findings = [Finding("info", "state_care.care_days", _(
            "%(days)s days in court-ordered care counted (at least %(months)s months, %(needed)s days, needed).",
            days=care.days, months=months, needed=needed), SOURCE_YEAR, (*care.working, year))]
    if care.excluded:
        findings.append(Finding("info", "state_care.not_court_ordered", ngettext(
            "%(num)s care period on the client file is an agreement, not a court order, and does not count.",
            "%(num)s care periods on the client file are agreements, not court orders, and do not count.",
            len(care.excluded)), SOURCE))
    if any((period.get("order") or "") in CHECK_ORDER for period in care_periods or ()):
        findings.append(Finding("warning", "state_care.check_order", _(
            "Some care periods have no kind of order or 'other': check the papers show a court order giving the "
            "province parental responsibility."), SOURCE))
    if care.skipped:
        findings.append(Finding("warning", "state_care.care_periods", _(
            "Some care periods on the client file have no start date or end before they start; fix them on the "
            "client file."), SOURCE))
    return findings


def _other_conditions(*, province: str, in_canada: bool | None, identity: str,
                      excluded_1f: bool | None) -> list[Finding]:
    """Where the applicant will live and is now, who they are, and the 1F exclusion."""
    findings = []
    if province == "QC":
        findings.append(Finding("blocker", "state_care.quebec", _("The pathway is for people who plan to live outside "
                                                                     "Quebec."), SOURCE))
    if in_canada is False:
        findings.append(Finding("blocker", "state_care.in_canada", _("The applicant must be in Canada when the "
                                                                        "application is sent and when PR is granted."),
                                SOURCE))
    if identity == "none":
        findings.append(Finding("blocker", "state_care.identity", _("A passport, travel document, identity document or "
                                                                       "a statutory declaration is needed."), SOURCE))
    if excluded_1f:
        findings.append(Finding("blocker", "state_care.1f", _("People excluded for war crimes or similar grounds "
                                                                 "(Refugee Convention article 1F) are not eligible. "
                                                                 "Get legal advice."), SOURCE))
    return findings


def eligibility(*, date_of_birth: date, care_periods, today: date, receipt_date: date, facts: dict,
                arrival_date: date | None = None, residence_since: date | None = None,
                continuous_since_19: bool | None = None, province: str = "", in_canada: bool | None = None,
                identity: str = "", excluded_1f: bool | None = None) -> list[Finding]:
    """Every eligibility rule of domain F, as findings with the numbers that decided them.

    `receipt_date` is the day IRCC is expected to receive the application (the lock-in day).
    """
    arrival_age = int(facts["arrival_before_age"])
    return [
        *_received_in_time(receipt_date=receipt_date, facts=facts),
        *_arrival(date_of_birth=date_of_birth, arrival_date=arrival_date, arrival_age=arrival_age),
        *_residence(receipt_date=receipt_date, started=residence_since or arrival_date, facts=facts),
        *_since_19(date_of_birth=date_of_birth, receipt_date=receipt_date, arrival_age=arrival_age,
                   continuous_since_19=continuous_since_19),
        *_care(care_periods=care_periods, today=today, facts=facts),
        *_other_conditions(province=province, in_canada=in_canada, identity=identity, excluded_1f=excluded_1f),
    ]
