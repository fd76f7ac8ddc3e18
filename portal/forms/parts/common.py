"""Conditions, option lists and steps that packet types of every kind share."""
from __future__ import annotations

from portal.forms.engine import YES_NO, age_at_signing
from portal.forms.types import Context, Field, Step
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
