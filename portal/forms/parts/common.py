"""Conditions, option lists and steps that packet types of every kind share."""
from __future__ import annotations

from collections.abc import Callable

from portal.forms import facts
from portal.forms.engine import YES_NO, age_at_signing, with_answers
from portal.forms.rules import receipt
from portal.forms.rules.dates import as_date
from portal.forms.types import Context, FeeLine, Field, Finding, Step
from portal.i18n import N_, format_date
from portal.i18n import lazy_gettext as _l

__all__ = ["YES_NO"]  # re-exported: the engine's Yes/No options, for fields that name them

# ---- conditions ---------------------------------------------------------------------------------


def yes(name: str):
    return lambda context: context.get(name) == "yes"


def answer_in(name: str, *values: str):
    return lambda context: context.get(name) in values


def age_between(low: int, high: int):
    """Age at the planned signing date within [low, high]."""
    def condition(context: Context) -> bool:
        age = age_at_signing(context)
        return age is not None and low <= age <= high
    return condition


def adult(context: Context) -> bool:
    age = age_at_signing(context)
    return age is not None and age >= 18


def minor(context: Context) -> bool:
    """Under 18 on the planned signing date (or the date of birth is not known yet)."""
    return not adult(context)


def agency_name(context: Context) -> str:
    return context.agency.get("name") or "the agency"


# ---- validators ---------------------------------------------------------------------------------

def not_after_signing(value, context: Context):
    if isinstance(value, str) and value > context.signing_date.isoformat():
        return _l("This date is after the planned signing date. Please check it.")
    return None


# ---- option lists -------------------------------------------------------------------------------

# Citizenship forms ask F, M or X; IRCC's immigration forms (IMM) also offer "Unknown".
SEX_CITIZENSHIP = (("F", _l("Female")), ("M", _l("Male")), ("X", _l("Another gender (X)")))
SEX_IMMIGRATION = (*SEX_CITIZENSHIP, ("U", _l("Unknown")))
EYES = (("black", _l("Black")), ("blue", _l("Blue")), ("brown", _l("Brown")), ("green", _l("Green")),
        ("grey", _l("Grey")), ("hazel", _l("Hazel")), ("other", _l("Other")))
SERVICE_LANGUAGE = (("en", _l("English")), ("fr", _l("French")))
MARITAL = (("single", _l("Single")), ("married", _l("Married")), ("common_law", _l("Common-law")),
           ("separated", _l("Separated")), ("divorced", _l("Divorced")), ("widowed", _l("Widowed")),
           ("annulled", _l("Annulled marriage")))
PROVINCES = (("AB", _l("Alberta")), ("BC", _l("British Columbia")), ("MB", _l("Manitoba")), ("NB", _l("New Brunswick")),
             ("NL", _l("Newfoundland and Labrador")), ("NS", _l("Nova Scotia")), ("NT", _l("Northwest Territories")),
             ("NU", _l("Nunavut")), ("ON", _l("Ontario")), ("PE", _l("Prince Edward Island")), ("QC", _l("Quebec")),
             ("SK", _l("Saskatchewan")), ("YT", _l("Yukon")))


# ---- steps --------------------------------------------------------------------------------------

def s57_step(*, section: str, intro: str) -> Step:
    """Who signs for a minor under IRPR s.57 (PR card, and VOS, which follows it): the questions the rule reads."""
    return Step("signatures", _l("Who signs"), form_section=section, show_if=minor, intro=intro, fields=(
        Field("court_appointed", _l("Has a Canadian court made the agency (or another person) responsible for "
                                    "the applicant?"), kind="yesno"),
        Field("parents_deceased", _l("Have both parents died?"), kind="yesno",
              show_if=answer_in("court_appointed", "no")),
    ))


# ---- fees by the day IRCC receives the application (domain I.6) ------------------------------------

SEND_METHOD_OPTIONS = (("online", _l("Online (IRCC account or portal)")), ("mail", _l("Mail (Canada Post)")),
                       ("courier", _l("Courier")), ("in_person", _l("By hand, at an IRCC office")))


def sending_step(*, section: str = N_("Sending the application (not on the form)")) -> Step:
    """When and how the application will be sent: fees follow the table in force on the receipt date."""
    return Step("sending", _l("Sending the application"), form_section=section,
                intro=_l("Fees are those in force on the day IRCC receives the application, not the day it is "
                         "signed. Give the planned date and the way it will be sent."),
                fields=(
                    Field("send_method", _l("How will the application be sent?"), kind="radio",
                          options=SEND_METHOD_OPTIONS),
                    Field("send_on", _l("Planned mailing or online submission date"), kind="date", future=True),
                    Field("expected_receipt_date", _l("Date IRCC should receive it, if known"), kind="date",
                          future=True, required=False,
                          help=_l("Leave empty to let Passage add the usual days for the method chosen.")),
                ))


def receipt_of(context: Context) -> receipt.ReceiptDate:
    transit = {"mail": facts.number("mail_days_paper"), "courier": facts.number("mail_days_courier")}
    return receipt.expected_receipt(
        signing_date=context.signing_date, received_on=as_date(context.get("ircc_received_on")),
        expected_on=as_date(context.get("expected_receipt_date")), send_on=as_date(context.get("send_on")),
        method=context.get("send_method") or "", transit_days=transit)


def fee_day(context: Context):
    """The day whose fee table applies."""
    return receipt_of(context).day


def fee_date_rule(fees: Callable[[Context], list[FeeLine]]):
    """Says which day's fees apply, and warns when a fee changes between signing and receipt."""
    source = "Fees in force on the day IRCC receives the application: domain I.6, corrections 2026-12"

    def rule(context: Context) -> list[Finding]:
        chosen = receipt_of(context)
        if not chosen.planned:
            return [Finding("warning", "fees.receipt_date", _l(
                "Give the planned mailing or submission date: fees are chosen by the day IRCC receives the "
                "application. Until then the signing date is used."), source, (chosen.how,))]
        findings = [Finding("info", "fees.receipt_date", _l(
            "Fees as in force on %(date)s, the day IRCC should receive the application.",
            date=format_date(chosen.day)), source, (chosen.how,))]
        if chosen.day > context.signing_date:
            at_signing = fees(with_answers(context, {"ircc_received_on": None,
                                                     "expected_receipt_date": context.signing_date.isoformat()}))
            changes = receipt.changed_fees(at_signing, fees(context))
            if changes:
                findings.append(Finding("warning", "fees.change_before_receipt", _l(
                    "A fee changes between the signing date %(signed)s and the receipt date %(received)s: pay the "
                    "amount in force on the receipt date.", signed=format_date(context.signing_date),
                    received=format_date(chosen.day)), source, tuple(changes)))
        return findings
    return rule
