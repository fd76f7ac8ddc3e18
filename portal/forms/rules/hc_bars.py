"""Bars to an H&C permanent residence application, and its fees per person by date (domain G)."""
from datetime import date

from portal.forms.rules.dates import add_months
from portal.forms.types import FeeLine, Finding
from portal.i18n import format_date
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

NEGATIVE_DECISIONS = (("rpd", _l("Refugee Protection Division")), ("rad", _l("Refugee Appeal Division")),
                      ("abandoned", _l("Claim declared abandoned, or withdrawn after evidence was heard (RPD or RAD)")),
                      ("prra", _l("Pre-removal risk assessment")))
# IRPA 25(1.2)(c): only a claim rejected, abandoned or withdrawn (after evidence) by the RPD or the RAD starts the
# one-year bar. A negative PRRA does not: it bars only a new PRRA (s.112(2)(b.1)).
STARTS_ONE_YEAR_BAR = ("rpd", "rad", "abandoned")


def one_year_bar_ends(decision_date: date) -> date:
    """The first day an H&C may be made after a negative refugee decision (12 full months later)."""
    return add_months(decision_date, 12)


def hc_bars(*, applying_on: date, other_hc_pending: bool = False, refugee_claim_pending: bool = False,
            negative_decision: str = "", negative_decision_date: date | None = None,
            child_best_interests: bool = False, health_risk: bool = False,
            security_inadmissible: bool = False) -> list[Finding]:
    """Each bar that applies, as a blocker with its source; the exceptions to the one-year bar as info."""
    findings: list[Finding] = []
    if other_hc_pending:
        findings.append(Finding("blocker", "hc.concurrent", _(
            "Another H&C application is still open: IRCC does not accept a second one at the same time. Withdraw it or "
            "wait for its decision."),
                                "IRPA s.25(1.2)(a); domain G [C]"))
    if refugee_claim_pending:
        findings.append(Finding("blocker", "hc.pending_claim", _(
            "A refugee claim is still pending: an H&C application cannot be made until it is decided or withdrawn."),
                                "IRPA s.25(1.2)(b); domain G [R]"))
    if negative_decision == "prra":
        findings.append(Finding("info", "hc.prra_no_bar", _(
            "A negative pre-removal risk assessment does not start the one-year H&C bar; it only bars a new PRRA for a "
            "year."),
                                "IRPA s.25(1.2)(c) (RPD or RAD only); s.112(2)(b.1); domain G (corrected 2026-12)"))
    elif negative_decision in STARTS_ONE_YEAR_BAR and negative_decision_date is not None:
        ends = one_year_bar_ends(negative_decision_date)
        label = dict(NEGATIVE_DECISIONS).get(negative_decision, negative_decision.upper())
        if applying_on < ends:
            working = (_("negative %(decision)s decision %(day)s + 12 months = %(ends)s", decision=label,
                         day=format_date(negative_decision_date), ends=format_date(ends)),)
            if child_best_interests or health_risk:
                why = _("the best interests of a child directly affected") if child_best_interests else \
                    _("a risk to life from inadequate health care")
                findings.append(Finding("info", "hc.one_year_exception", _(
                    "The one-year bar after the %(decision)s decision does not apply because the application relies "
                    "on %(why)s.", decision=label, why=why),
                                        "IRPA s.25(1.2)(c) and (1.21); domain G [R]", working))
            else:
                findings.append(Finding("blocker", "hc.one_year", _(
                    "An H&C cannot be made within 12 months of a negative %(decision)s decision: the earliest date is "
                    "%(day)s, unless a child's best interests or a risk to life from inadequate health care is relied "
                    "on.", decision=label, day=format_date(ends)),
                                        "IRPA s.25(1.2)(c); domain G [C]", working))
    elif negative_decision in STARTS_ONE_YEAR_BAR:
        findings.append(Finding("warning", "hc.decision_date", _(
            "Enter the date of the negative decision: it decides whether the one-year bar applies."),
            "IRPA s.25(1.2)(c); domain G"))
    if security_inadmissible:
        findings.append(Finding("blocker", "hc.a34_37", _(
            "An H&C cannot exempt inadmissibility for security, human or international rights violations, or organized "
            "criminality. Get legal advice."),
                                "IRPA s.25(1); domain G [S immigration.ca]"))
    return findings


def hc_fees(*, people: list[str], facts: dict, rprf_exempt: bool = False) -> list[FeeLine]:
    """Fee lines for the people on the application ("principal", "spouse", "child"), at the rates in `facts`
    (the `hc` table of status_facts(on) for the day the fees are paid)."""
    labels = {"principal": _("Processing fee, principal applicant"), "spouse": _("Processing fee, spouse or partner"),
              "child": _("Processing fee, dependent child")}
    keys = {"principal": "hc_principal", "spouse": "hc_spouse", "child": "hc_child"}

    def note(key: str) -> str:
        return _("VERIFY on canada.ca before paying") if facts["verify"][key] else ""

    lines = [FeeLine(labels[person], float(facts[person]), facts["source"][keys[person]], note(keys[person]))
             for person in people]
    for person in people:
        if person in ("principal", "spouse"):
            label = (_("Right of permanent residence fee (principal applicant)") if person == "principal"
                     else _("Right of permanent residence fee (spouse or partner)"))
            amount = 0.0 if rprf_exempt else float(facts["rprf"])
            lines.append(FeeLine(label, amount, facts["source"]["rprf"],
                                 _("Exempt in this situation") if rprf_exempt else note("rprf")))
    return lines
