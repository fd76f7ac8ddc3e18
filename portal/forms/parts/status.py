"""Parts shared by the status packets (IMM 5710, state-care PR, H&C, PR card, VOS): histories,
family members, personal details, and the rules that read them."""
from __future__ import annotations

from datetime import date

from portal.forms.engine import age_at_signing
from portal.forms.parts.common import (
    MARITAL,
    SERVICE_LANGUAGE,
    SEX_IMMIGRATION,
    adult,
    agency_name,
    answer_in,
    minor,
    not_after_signing,
    yes,
)
from portal.forms.rules.dates import add_years, as_date
from portal.forms.rules.family import RELATIONSHIPS, family_findings, lock_in_date
from portal.forms.rules.history import describe_gap, describe_overlap, find_gaps_and_overlaps
from portal.forms.rules.signers_s57 import (
    APPLICANT,
    COURT_APPOINTED,
    LEGALLY_RESPONSIBLE,
    PARENT,
    RequiredSignature,
    s57_signers,
)
from portal.forms.types import Context, Field, Finding, Signer, Step
from portal.i18n import N_, format_date
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l


def guardian_capacity(context: Context) -> str:
    """Who signs for a minor: the agency when the child is in its care under a court order."""
    if context.client.get("care_status") in ("in_care", "extended_society_care"):
        return _("%(agency)s, legal guardian under a court order, for an applicant under 18",
                 agency=agency_name(context))
    return _("parent or legal guardian of an applicant under 18")


def _client_date(key: str):
    return lambda context: context.client[key].isoformat() if context.client.get(key) else None


# ---- fields used by several packets ---------------------------------------------------------------

def name_fields(*, as_on: str) -> tuple[Field, ...]:
    return (
        Field("family_name", _l("Family name (as on %(document)s)", document=as_on), kind="name", required=False,
              prefill=lambda c: c.client.get("family_name") or None,
              help=_l("Someone with one name only: leave this empty and put the name in 'Given names'.")),
        Field("given_names", _l("Given names (as on %(document)s)", document=as_on), kind="name",
              prefill=lambda c: c.client.get("given_names") or c.client.get("family_name") or None),
        Field("other_names_used", _l("Have you ever used any other name (nickname, maiden name, alias)?"), kind="yesno",
              answered_by="either", youth_help=_l("Have you ever been known by another name?")),
        Field("other_names", _l("Other names used"), kind="textarea", show_if=yes("other_names_used"),
              answered_by="either", prefill=lambda c: c.client.get("other_names") or None),
    )


def birth_fields() -> tuple[Field, ...]:
    return (
        Field("sex", _l("Sex"), kind="radio", options=SEX_IMMIGRATION),
        Field("dob", _l("Date of birth"), kind="date", prefill=_client_date("dob")),
        Field("birth_city", _l("Place of birth: city or town"), answered_by="either",
              youth_help=_l("The city or town where you were born, if you know it.")),
        Field("birth_country", _l("Place of birth: country or territory"), kind="country",
              prefill=lambda c: c.client.get("country_of_birth") or None),
        Field("citizenship", _l("Citizenship"), kind="country", prefill=lambda c: c.client.get("citizenships") or None,
              help=_l("Write 'Stateless' if the applicant has no citizenship.")),
    )


def contact_fields() -> tuple[Field, ...]:
    return (
        Field("mailing_address", _l("Current mailing address"), kind="textarea", max_length=500,
              prefill=lambda c: c.client.get("address") or None,
              help=_l("An agency address is fine if the applicant has no safe mailing address.")),
        Field("residential_same", _l("Is the residential address the same as the mailing address?"), kind="yesno"),
        Field("residential_address", _l("Residential address"), kind="textarea", max_length=500,
              show_if=answer_in("residential_same", "no")),
        Field("phone", _l("Telephone number"), kind="phone", required=False,
              prefill=lambda c: c.client.get("phone") or None),
        Field("email", _l("Email address"), kind="email", required=False,
              prefill=lambda c: c.client.get("email") or None,
              help=_l("IRCC writes here. Use the agency's address if the applicant's is not safe.")),
    )


def history_group(name: str, label: str, *, what: str, what_label: str, where_label: str, form_ref: str = "",
                  help: str = "") -> Field:
    """A repeatable history: one row per period, from/to dates (to empty = still now)."""
    return Field(name, label, kind="group", form_ref=form_ref, help=help, columns=(
        Field("from", _l("From"), kind="date", validators=(not_after_signing,)),
        Field("to", _l("To"), kind="date", required=False, help=_l("Leave empty if this is still true now."),
              blank_display="Present"),
        Field(what, what_label, max_length=200),
        Field("where", where_label, max_length=200),
    ))


def family_group(*, help: str) -> Field:
    return Field("family_members", _l("Family members included in the application"), kind="group", required=False,
                 help=help, columns=(
                     Field("relationship", _l("Relationship to the applicant"), kind="choice", options=RELATIONSHIPS),
                     Field("family_name", _l("Family name"), kind="name", required=False),
                     Field("given_names", _l("Given names"), kind="name"),
                     Field("date_of_birth", _l("Date of birth"), kind="date"),
                     Field("married", _l("Married or in a common-law relationship?"), kind="yesno"),
                     Field("dependent_by_condition", _l("Dependent because of a physical or mental condition?"),
                           kind="yesno", required=False),
                     Field("in_canada", _l("In Canada now?"), kind="yesno"),
                 ))


# ---- rules ----------------------------------------------------------------------------------------

def history_window(context: Context, *, years: int, since_18: bool) -> tuple[date, date]:
    """The period a history must cover: `years` before signing, or from the 18th birthday if later."""
    end = context.signing_date
    start = add_years(end, -years)
    dob = context.client.get("dob")
    if since_18 and dob is not None:
        start = max(start, add_years(dob, 18))
    return start, end


def history_rule(field: str, title: str, *, years: int = 10, since_18: bool = True, gap_level: str = "blocker"):
    """Findings for a history group: each missing range and each overlap, with the dates."""
    def rule(context: Context) -> list[Finding]:
        start, end = history_window(context, years=years, since_18=since_18)
        if start > end:
            return []
        rows = context.get(field) or []
        check = find_gaps_and_overlaps(rows, start, end)
        window = _("period to cover: %(start)s to %(end)s", start=format_date(start), end=format_date(end))
        if since_18:
            source = _("%(title)s: %(years)s years or since age 18, no gaps; domain G, I.6", title=title, years=years)
        else:
            source = _("%(title)s: %(years)s years, no gaps; domain G, I.6", title=title, years=years)
        findings = [Finding(gap_level, f"history.{field}.gap", _l(
            "%(title)s: %(gap)s. Add a row for it (for example 'unemployed', 'at school' or 'no fixed address').",
            title=title, gap=describe_gap(gap)), source, (window,)) for gap in check.gaps]
        findings += [Finding("warning", f"history.{field}.overlap", _l(
            "%(title)s: %(overlap)s. Check the dates, or explain why both are true.",
            title=title, overlap=describe_overlap(overlap)), source) for overlap in check.overlaps]
        return findings
    return rule


def family_rule(program: str, *, must_be_in_canada: bool):
    def rule(context: Context) -> list[Finding]:
        lock_in = lock_in_date(received_on=as_date(context.get("ircc_received_on")),
                               planned=as_date(context.get("expected_receipt_date")) or context.signing_date)
        return family_findings(context.get("family_members") or [], lock_in=lock_in, program=program,
                               must_be_in_canada=must_be_in_canada)
    return rule


def family_roles(context: Context) -> list[str]:
    """"principal", then "spouse" / "child" per family member row, for fees per person."""
    people = ["principal"]
    for row in context.get("family_members") or []:
        people.append("spouse" if row.get("relationship") in ("spouse", "common_law") else "child")
    return people


def imm0008_signers(*, role: str = _l("Principal applicant")) -> tuple[Signer, ...]:
    """IMM 0008: the applicant, or a parent or legal guardian for an applicant under 18 (domain G, I.1)."""
    return (
        Signer("applicant", role, capacity=_l("signs for themself (18 or older)"), show_if=adult, youth_signs=True),
        Signer("guardian", _l("Parent or legal guardian"),
               capacity=guardian_capacity, show_if=minor),
    )


# ---- PR application forms shared by the state-care pathway and H&C ---------------------------------

def imm0008_step() -> Step:
    return Step("imm0008", _l("Application for permanent residence"),
                form_section=N_("IMM 0008 Generic application form"),
                fields=(
                    Field("uci", _l("UCI"), kind="uci", required=False, prefill=lambda c: c.client.get("uci") or None),
                    Field("language_of_service", _l("Service language"), kind="radio", options=SERVICE_LANGUAGE),
                    *name_fields(as_on=_l("the passport or identity document")),
                    *birth_fields(),
                    Field("marital_status", _l("Current marital status"), kind="choice", options=MARITAL),
                    Field("native_language", _l("Native language / mother tongue"), answered_by="either",
                          prefill=lambda c: c.client.get("preferred_language") or None),
                    Field("official_language", _l("Able to communicate in English and/or French?"), kind="choice",
                          options=(("en", _l("English")), ("fr", _l("French")), ("both", _l("Both")),
                                   ("neither", _l("Neither")))),
                    Field("identity_document", _l("Identity document"), kind="radio", options=IDENTITY_DOCUMENTS),
                    Field("identity_number", _l("Document number"), required=False,
                          show_if=answer_in("identity_document", "passport", "travel_document", "national_id")),
                    *contact_fields(),
                ))


IDENTITY_DOCUMENTS = (("passport", _l("Passport")), ("travel_document", _l("Travel document")),
                      ("national_id", _l("National identity document")),
                      ("statutory_declaration", _l("No document: statutory declaration of identity")),
                      ("none", _l("None of these yet")))


def schedule_a_step(*, show_if=None) -> Step:
    return Step("schedule_a", _l("Background / declaration (Schedule A)"), show_if=show_if,
                form_section=N_("IMM 5669 Schedule A: background / declaration"),
                intro=_l("Cover the last 10 years, or since the 18th birthday if that is later, with no gaps: a row "
                         "for every period, including unemployment, school, detention or no fixed address."),
                fields=(
                    history_group("personal_history", _l("Personal history (activities)"), what="activity",
                                  what_label=_l("Activity (work, school, unemployed...)"),
                                  where_label=_l("Employer or school, city and country"), form_ref="Q10"),
                    history_group("address_history", _l("Addresses"), what="address",
                                  what_label=_l("Street and number"), where_label=_l("City, province and country"),
                                  form_ref="Q12"),
                    Field("sa_criminal", _l("Have you ever been convicted of, charged with or arrested for a crime "
                                            "in any country?"), kind="yesno", form_ref="Q6"),
                    Field("sa_military", _l("Have you served in any military, militia or civil defence unit, or a "
                                            "security organization or police force?"), kind="yesno", form_ref="Q7"),
                    Field("sa_organization", _l("Have you been a member of any political, social, youth or student "
                                                "organization?"), kind="yesno", form_ref="Q8"),
                    Field("sa_details", _l("Details of any 'yes' answer"), kind="textarea", required=False),
                ))


def imm5406_step(*, family_help: str) -> Step:
    return Step("imm5406", _l("Family information"), form_section=N_("IMM 5406 Additional family information"),
                fields=(
                    Field("mother_name", _l("Mother: full name"), required=False, answered_by="either"),
                    Field("mother_dob", _l("Mother: date of birth"), kind="date", required=False),
                    Field("mother_address", _l("Mother: present address (or 'deceased', 'unknown')"), required=False),
                    Field("father_name", _l("Father: full name"), required=False, answered_by="either"),
                    Field("father_dob", _l("Father: date of birth"), kind="date", required=False),
                    Field("father_address", _l("Father: present address (or 'deceased', 'unknown')"), required=False),
                    Field("siblings", _l("Brothers and sisters (name, date of birth, address)"), kind="textarea",
                          required=False),
                    family_group(help=family_help),
                ))


# ---- IRPR s.57: who signs a PR card (and VOS) application for a minor ------------------------------

def s57_required(context: Context) -> dict[str, RequiredSignature]:
    age = age_at_signing(context)
    if age is None:
        return {}
    signers = s57_signers(age=age, court_appointed=context.get("court_appointed") == "yes",
                          parents_deceased=context.get("parents_deceased") == "yes", agency_name=agency_name(context))
    return {signer.key: signer for signer in signers}


def s57_signer_list() -> tuple[Signer, ...]:
    def signer(key: str, role: str, youth_signs: bool = False) -> Signer:
        return Signer(key, role, youth_signs=youth_signs,
                      capacity=lambda c: s57_required(c)[key].capacity if key in s57_required(c) else "",
                      show_if=lambda c: key in s57_required(c))
    return (
        signer(APPLICANT, _l("Applicant"), youth_signs=True),
        signer(PARENT, _l("Parent")),
        signer(COURT_APPOINTED, _l("Person responsible under a court order")),
        signer(LEGALLY_RESPONSIBLE, _l("Person legally responsible for the child")),
    )
