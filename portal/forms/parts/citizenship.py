"""Parts shared by the four citizenship packets (domain A to D): steps, rules, checklist items,
signers and fees. Each packet module picks from these in its official form's order."""
from __future__ import annotations

from datetime import date

from portal.forms import facts
from portal.forms.engine import age_at_signing
from portal.forms.parts.common import (
    EYES,
    SERVICE_LANGUAGE,
    SEX_CITIZENSHIP,
    age_between,
    answer_in,
    fee_day,
    not_after_signing,
    yes,
)
from portal.forms.rules import presence
from portal.forms.rules.dates import as_date
from portal.forms.types import ChecklistItem, Context, FeeLine, Field, Finding, Signer, Step
from portal.i18n import N_, format_date
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.models import StatusInCanada

# ---- conditions ---------------------------------------------------------------------------------


def minor_14_to_17(context: Context) -> bool:
    return age_between(14, 17)(context)


def signs_for_minor(context: Context) -> bool:
    return context.get("applying_as", "authorised_person") == "authorised_person"


def in_care(context: Context) -> bool:
    return context.client.get("care_status") in ("in_care", "extended_society_care") or (
        context.get("authority_kind") == "agency")


# ---- option lists -------------------------------------------------------------------------------

STATUS_BEFORE_PR = (
    ("temporary_resident", _l("Temporary resident (visitor, student, worker, permit holder)")),
    ("protected_person", _l("Protected person")),
    ("refugee_claimant", _l("Refugee claimant (waiting for a decision)")),
    ("no_status", _l("No status")),
)
AUTHORITY = (
    ("agency", _l("The agency (children's aid society) under a court order")),
    ("parent", _l("A parent with custody")),
    ("guardian", _l("A legal guardian")),
    ("agreement", _l("Someone named in a written agreement")),
)
ORDER_KIND = (
    ("interim_society_care", _l("Interim society care order")),
    ("extended_society_care", _l("Extended society care order (formerly Crown wardship)")),
    ("customary_care", _l("Customary care agreement")),
    ("other", _l("Another court order or written agreement")),
)
PR_DOCUMENT = (("imm_1000", _l("Record of Landing (IMM 1000)")),
               ("copr", _l("Confirmation of PR (IMM 5292 / IMM 5688)")),
               ("pr_card", _l("PR card only")), ("none", _l("No document in hand (explain below)")))


def _valid_sin(value, _context):
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) != 9 or len(str(value).replace(" ", "").replace("-", "")) != 9:
        return _l("A social insurance number has 9 digits, for example 123 456 789.")
    return None


def _height(value, _context):
    if not 30 <= value <= 250:
        return _l("Enter the height in centimetres, for example 165.")
    return None


def _at_most_5(value, _context):
    return None if 0 <= value <= 5 else _l("Enter a number from 0 to 5.")


# ---- steps --------------------------------------------------------------------------------------

def service_step(*, applied_before: bool = False, section: str = N_("Q2–Q3")) -> Step:
    fields = [
        Field("language_of_service", _l("Language of service"), kind="radio", options=SERVICE_LANGUAGE, form_ref="Q2",
              answered_by="either", youth_help=_l("Do you want IRCC to write to you in English or in French?")),
        Field("special_needs", _l("Does the applicant need an accommodation (for example at the interview or "
                                  "ceremony)?"), kind="yesno", form_ref="Q3", answered_by="either",
              youth_help=_l("Do you need any help at appointments, like a sign-language interpreter or a ramp?")),
        Field("special_needs_details", _l("Describe the accommodation needed"), kind="textarea", form_ref="Q3",
              answered_by="either", show_if=yes("special_needs"),
              youth_help=_l("Tell us what would help you.")),
    ]
    if applied_before:
        fields.append(Field("applied_before", _l("Has the applicant applied for citizenship before?"), kind="yesno",
                            form_ref="Q2", answered_by="either",
                            youth_help=_l("Have you asked for citizenship before?")))
        fields.append(Field("applied_before_details", _l("When, and what happened (UCI or file number if known)"),
                            kind="textarea", show_if=yes("applied_before"), answered_by="either"))
    return Step("service", _l("Language and accommodation"), tuple(fields), form_section=section,
                youth_intro=_l("A few questions about how IRCC should talk with you."))


def identity_step(*, marital: bool = False, section: str = N_("Q4–Q6")) -> Step:
    fields = [
        Field("uci", _l("UCI (client identifier on immigration documents)"), kind="uci", required=False, form_ref="Q4",
              prefill=lambda c: c.client.get("uci") or None,
              help=_l("8 or 10 digits, on the PR card or confirmation of PR.")),
        Field("family_name", _l("Family name, exactly as on the PR document"), kind="name", required=False,
              prefill=lambda c: c.client.get("family_name") or None,
              help=_l("Leave empty only if the document shows one name and it is in 'Given names' as IRCC asks.")),
        Field("given_names", _l("Given names, exactly as on the PR document"), kind="name",
              prefill=lambda c: c.client.get("given_names") or c.client.get("family_name") or None),
        Field("other_names_used", _l("Has the applicant used any other name?"), kind="yesno", answered_by="either",
              youth_help=_l("Have you ever been known by another name, like a nickname on school records?")),
        Field("other_names", _l("Other names used"), kind="textarea", required=True, show_if=yes("other_names_used"),
              answered_by="either", prefill=lambda c: c.client.get("other_names") or None),
        Field("dob", _l("Date of birth"), kind="date", prefill=lambda c: c.client.get("dob").isoformat()
              if c.client.get("dob") else None),
        Field("birth_city", _l("City or town of birth"), kind="text", answered_by="either",
              youth_help=_l("The city or town where you were born, if you know it.")),
        Field("birth_country", _l("Country of birth"), kind="country",
              prefill=lambda c: c.client.get("country_of_birth") or None),
        Field("sex", _l("Sex, as on the PR document"), kind="radio", options=SEX_CITIZENSHIP),
        Field("height_cm", _l("Height (cm)"), kind="number", answered_by="either", validators=(_height,),
              youth_help=_l("How tall are you, in centimetres? (160 cm is about 5 feet 3 inches.)")),
        Field("eye_colour", _l("Eye colour"), kind="choice", options=EYES, answered_by="either",
              youth_help=_l("What colour are your eyes?")),
    ]
    if marital:
        fields.append(Field("marital_status", _l("Marital status"), kind="choice", answered_by="either", options=(
            ("single", _l("Single")), ("married", _l("Married")), ("common_law", _l("Common-law")),
            ("separated", _l("Separated")), ("divorced", _l("Divorced")), ("widowed", _l("Widowed")))))
    return Step("identity", _l("Identity"), tuple(fields), form_section=section,
                youth_intro=_l("Some details about you. Your caseworker fills in the rest."))


ADDRESS_COLUMNS = (
    Field("from", _l("From"), kind="date"),
    Field("to", _l("To (leave empty if current)"), kind="date", required=False, blank_display="Present"),
    Field("address", _l("Street address, city, province or country"), kind="text", max_length=300),
)


def contact_step(*, section: str = N_("Contact details")) -> Step:
    return Step("contact", _l("Contact details and addresses"), (
        Field("mailing_address", _l("Mailing address (street, city, province)"), kind="text", max_length=300,
              help=_l("For a child in care, the agency's address is usual.")),
        Field("postal_code", _l("Postal code"), kind="postal_code"),
        Field("phone", _l("Telephone"), kind="phone"),
        Field("email", _l("Email"), kind="email", required=False, answered_by="either",
              youth_help=_l("An email you check, if you want IRCC to write to you. You can leave this empty.")),
        Field("address_history", _l("Addresses in the last 5 years, most recent first"), kind="group", required=True,
              columns=ADDRESS_COLUMNS, help=_l("No gaps: include every place, with dates.")),
    ), form_section=section)


def pr_step(*, section: str = N_("Permanent resident status")) -> Step:
    return Step("pr", _l("Permanent resident status"), (
        Field("pr_date", _l("Date the applicant became a permanent resident"), kind="date",
              validators=(not_after_signing,), help=_l("As on the Record of Landing or the confirmation of PR.")),
        Field("pr_document", _l("PR document held"), kind="choice", options=PR_DOCUMENT),
        Field("pr_document_number", _l("Number of the PR document"), kind="text", max_length=40,
              show_if=lambda c: c.get("pr_document") not in (None, "", "none")),
        Field("pr_document_missing", _l("Explain why there is no PR document"), kind="textarea",
              show_if=answer_in("pr_document", "none"),
              help=_l("A Verification of Status (IMM 5009) can replace a lost IMM 1000.")),
        Field("pr_conditions", _l("Does the applicant have unfulfilled conditions on their PR status?"), kind="yesno"),
        Field("removal_order", _l("Is the applicant under a removal order?"), kind="yesno"),
    ), form_section=section)


def travel_documents_step(*, section: str = N_("Passports and travel documents (5 years)"), q_missing: str = "Q8C",
                          q_gaps: str = "Q8D") -> Step:
    return Step("travel_documents", _l("Passports and travel documents"), (
        Field("had_passport", _l("Did the applicant hold a passport or travel document in the last 5 years?"),
              kind="yesno", answered_by="either",
              youth_help=_l("Did you have a passport (from any country) in the last 5 years?")),
        Field("passports", _l("Passports and travel documents"), kind="group", show_if=yes("had_passport"), columns=(
            Field("country", _l("Country of issue"), kind="country"),
            Field("number", _l("Number"), kind="passport"),
            Field("issued", _l("Issued"), kind="date"),
            Field("expires", _l("Expires"), kind="date", future=True),
        )),
        Field("passports_not_held", _l("Documents no longer held, and why"), kind="textarea", required=False,
              form_ref=q_missing),
        Field("passport_gaps", _l("Gaps in validity, and why"), kind="textarea", required=False, form_ref=q_gaps),
    ), form_section=section)


def presence_step(*, section: str = N_("Physical presence")) -> Step:
    return Step("presence", _l("Time in Canada"), (
        Field("before_pr_in_canada", _l("Did the applicant live in Canada before becoming a permanent resident, "
                                        "in the 5 years before signing?"), kind="yesno"),
        Field("status_periods", _l("Periods in Canada before PR, and the status in each"), kind="group",
              show_if=yes("before_pr_in_canada"),
              help=_l("Temporary resident and protected-person days count half (at most 365 days); refugee-claimant "
                      "and no-status days count zero."),
              columns=(Field("from", _l("From"), kind="date"), Field("to", _l("To"), kind="date"),
                       Field("status", _l("Status"), kind="choice", options=STATUS_BEFORE_PR))),
        Field("absent", _l("Was the applicant outside Canada at any time in the 5 years before signing?"), kind="yesno",
              answered_by="either",
              youth_help=_l("Did you leave Canada at all in the last 5 years, even for a short trip?")),
        Field("absences", _l("Trips outside Canada"), kind="group", show_if=yes("absent"), answered_by="either",
              youth_help=_l("Add each trip: the day you left and the day you came back."),
              help=_l("The day of leaving and the day of return both count as days in Canada."),
              columns=(Field("left", _l("Left Canada"), kind="date"), Field("returned", _l("Came back"), kind="date"),
                       Field("destination", _l("Where"), kind="country"),
                       Field("reason", _l("Why"), kind="text", required=False))),
        Field("sentence", _l("Did the applicant serve a sentence (custody, probation, parole) in the 5 years?"),
              kind="yesno"),
        Field("sentences", _l("Sentences served"), kind="group", show_if=yes("sentence"),
              columns=(Field("start", _l("From"), kind="date"), Field("end", _l("To"), kind="date"),
                       Field("youth_completed", _l("Completed youth sentence (YCJA)"), kind="checkbox",
                             required=False))),
    ), form_section=section, youth_intro=_l("Questions about trips outside Canada."))


def tax_step(*, section: str = N_("Income tax")) -> Step:
    return Step("tax", _l("Income tax"), (
        Field("tax_required", _l("Was the applicant required to file income tax returns in any of the last 5 years?"),
              kind="yesno", help=_l("Most children with no income are not required to file.")),
        Field("sin", _l("Social insurance number"), kind="text", max_length=11, required=False,
              show_if=yes("tax_required"), validators=(_valid_sin,)),
        Field("tax_years_filed", _l("How many of the last 5 years were returns filed for?"), kind="number",
              show_if=yes("tax_required"), validators=(_at_most_5,)),
    ), form_section=section)


PROHIBITION_QUESTIONS = (
    ("prohib_charged", _l("Is the applicant charged with, on trial for, or appealing an offence in Canada or abroad?")),
    ("prohib_convicted", _l("In the last 4 years, was the applicant convicted of an indictable offence in Canada "
                            "or abroad?")),
    ("prohib_custody", _l("Is the applicant now in prison, on parole or on probation?")),
    ("prohib_revoked", _l("Was the applicant's citizenship ever revoked, or an application refused for "
                          "misrepresentation in the last 10 years?")),
)


def prohibitions_step(*, section: str = N_("Prohibitions")) -> Step:
    fields = [Field(name, label, kind="yesno") for name, label in PROHIBITION_QUESTIONS]
    fields.append(Field("prohib_details", _l("Give the details (dates, place, outcome)"), kind="textarea",
                        show_if=lambda c: any(c.get(name) == "yes" for name, _ in PROHIBITION_QUESTIONS)))
    return Step("prohibitions", _l("Prohibitions"), tuple(fields), form_section=section,
                intro=_l("IRCC asks these of every applicant. A 'yes' does not always end the application: "
                         "speak with a lawyer before filing."))


def parent_fields(*, citizen_parent_required: bool) -> tuple[Field, ...]:
    return (
        Field("parent1_name", _l("Parent 1: full name"), kind="name", required=False,
              help=_l("Leave empty if unknown; say so in the explanation below.")),
        Field("parent1_citizen", _l("Is parent 1 a Canadian citizen?"), kind="radio",
              options=(("yes", _l("Yes")), ("no", _l("No")), ("applying", _l("Applying at the same time")),
                       ("unknown", _l("Not known")))),
        Field("parent1_relationship", _l("Parent 1 is the applicant's"), kind="choice",
              options=(("natural", _l("Natural (birth) parent")), ("adoptive", _l("Legally adoptive parent")),
                       ("step", _l("Step-parent (not adopted)")),
                       ("other", _l("Other (grandparent, relative: not adopted)")))),
        Field("parent2_name", _l("Parent 2: full name"), kind="name", required=False),
        Field("parent2_citizen", _l("Is parent 2 a Canadian citizen?"), kind="radio", required=False,
              options=(("yes", _l("Yes")), ("no", _l("No")), ("applying", _l("Applying at the same time")),
                       ("unknown", _l("Not known")))),
        Field("parent2_relationship", _l("Parent 2 is the applicant's"), kind="choice", required=False,
              options=(("natural", _l("Natural (birth) parent")), ("adoptive", _l("Legally adoptive parent")),
                       ("step", _l("Step-parent (not adopted)")), ("other", _l("Other (not adopted)")))),
        Field("parents_unknown_explanation", _l("Anything IRCC should know about the parents"), kind="textarea",
              required=False),
    ) + ((Field("parent_citizen_proof", _l("Proof of the parent's citizenship"), kind="choice", options=(
        ("birth_certificate", _l("Canadian birth certificate")),
        ("citizenship_certificate", _l("Citizenship certificate")),
        ("naturalization", _l("Naturalization certificate")),
        ("applying", _l("Parent's own application, sent together")))),)
        if citizen_parent_required else ())


def authority_fields() -> tuple[Field, ...]:
    return (
        Field("authority_kind", _l("Who makes the application for the minor"), kind="radio", options=AUTHORITY,
              show_if=signs_for_minor),
        Field("authorised_person_name", _l("Name of the authorised person (the signing staff member for an agency)"),
              kind="name", show_if=signs_for_minor),
        Field("authorised_organization", _l("Agency name"), kind="text",
              show_if=answer_in("authority_kind", "agency"), prefill=lambda c: c.agency.get("name") or None),
        Field("order_kind", _l("Court order or agreement giving the authority"), kind="choice", options=ORDER_KIND,
              show_if=lambda c: signs_for_minor(c) and c.get("authority_kind") in ("agency", "guardian", "agreement")),
        Field("order_date", _l("Date of the order or agreement"), kind="date",
              show_if=lambda c: signs_for_minor(c) and c.get("authority_kind") in ("agency", "guardian", "agreement")),
    )


def declaration_step(*, waiver_box: bool = False, section: str = N_("Declaration and signatures")) -> Step:
    fields = []
    if waiver_box:
        fields.append(Field("waiver_box", _l("Section 19: tick the box for a minor seeking a waiver of the "
                                             "authorised person"), kind="checkbox",
                            show_if=answer_in("applying_as", "minor_waiver"),
                            help=_l("IRCC will ask for more information about why no one can apply for the minor.")))
    fields += [
        Field("signing_place", _l("Place where the form will be signed (city)"), kind="text"),
        Field("declaration_read", _l("The declaration has been read to (or by) everyone who signs, in a language "
                                     "they understand"), kind="checkbox", answered_by="either",
              youth_help=_l("Tick this when someone has gone through the declaration with you and you understand it.")),
    ]
    return Step("declaration", _l("Declaration and signatures"), tuple(fields), form_section=section)


# ---- rules --------------------------------------------------------------------------------------

def _fmt(value: int) -> str:
    return f"{value:,}"


def rule_minor_age(context: Context) -> list[Finding]:
    age = age_at_signing(context)
    if age is None:
        return [Finding("warning", "age.unknown", _l(
            "The date of birth is missing from the client file, so no age rule can be checked."), "domain 0")]
    if age >= 18:
        return [Finding("blocker", "age.minor", _l(
            "The applicant will be %(age)s on the planned signing date %(date)s: a minor's form needs the applicant "
            "under 18 on the day it is signed. Use CIT 0002 (adults), or sign earlier.",
            age=age, date=format_date(context.signing_date)), "Citizenship Act s.5(1), 5(2); domain 0, A.1")]
    findings = []
    if age >= 14:
        findings.append(Finding("info", "age.14_17", _l(
            "The applicant will be %(age)s on the planned signing date %(date)s: they must countersign, and take the "
            "oath if 14 or older at the decision.", age=age, date=format_date(context.signing_date)),
            "IRCC OB minors [C]; domain A.2"))
    return findings


def rule_adult_age(context: Context) -> list[Finding]:
    age = age_at_signing(context)
    if age is None:
        return [Finding("warning", "age.unknown", _l("The date of birth is missing from the client file."), "domain 0")]
    if age < 18:
        return [Finding("blocker", "age.adult", _l(
            "The applicant will be %(age)s on the planned signing date %(date)s: the adult form needs 18 or older on "
            "the signing day. Use CIT 0403 or CIT 0003, or plan a later date.",
            age=age, date=format_date(context.signing_date)), "Citizenship Act s.5(1); domain 0, C")]
    if age <= 54:
        return [Finding("info", "age.18_54", _l(
            "The applicant will be %(age)s on the planned signing date %(date)s: proof of language (CLB 4) and the "
            "knowledge test apply.", age=age, date=format_date(context.signing_date)),
            "Citizenship Act s.5(1)(d),(e); domain C")]
    return []


def rule_pr(context: Context) -> list[Finding]:
    findings = []
    if context.client.get("status") not in (StatusInCanada.permanent_resident, None, ""):
        findings.append(Finding("blocker", "status.pr", _l(
            "The client file does not show permanent resident status: a grant of citizenship needs PR first."),
            "Citizenship Act s.5; domain 0"))
    if context.get("pr_conditions") == "yes":
        findings.append(Finding("blocker", "status.pr_conditions", _l(
            "The applicant has unfulfilled conditions on their PR status."), "Citizenship Act s.5(1)(a); domain A.1"))
    return findings


def rule_removal_and_prohibitions(context: Context) -> list[Finding]:
    findings = []
    if context.get("removal_order") == "yes":
        findings.append(Finding("blocker", "prohibition.removal_order", _l(
            "The applicant is under a removal order: citizenship cannot be granted while it stands."),
            "Citizenship Act s.22; domain A.1"))
    flagged = [label for name, label in PROHIBITION_QUESTIONS if context.get(name) == "yes"]
    if flagged:
        findings.append(Finding("blocker", "prohibition.s21_22", _l(
            "%(count)s prohibition question(s) answered 'yes': the applicant may be prohibited. Get legal advice "
            "before filing.", count=len(flagged)), "Citizenship Act s.21, 22; domain A.1"))
    return findings


def _date(value) -> date | None:
    return as_date(value) if isinstance(value, str) and value else None


def presence_for(context: Context) -> presence.PresenceResult | None:
    """The presence count from the answers, or None until the PR date is known."""
    pr_date = _date(context.get("pr_date"))
    if pr_date is None:
        return None
    periods, absences, sentences = [], [], []
    if context.get("before_pr_in_canada") == "yes":
        for row in context.get("status_periods") or []:
            start, end = _date(row.get("from")), _date(row.get("to"))
            if start and end:
                periods.append(presence.Period(start, end, row.get("status") or "no_status"))
    if context.get("absent") == "yes":
        for row in context.get("absences") or []:
            left, returned = _date(row.get("left")), _date(row.get("returned"))
            if left and returned:
                absences.append(presence.Absence(left, returned))
    if context.get("sentence") == "yes":
        for row in context.get("sentences") or []:
            start, end = _date(row.get("start")), _date(row.get("end"))
            if start and end:
                sentences.append(presence.Sentence(start, end, bool(row.get("youth_completed"))))
    return presence.calculate(
        signing_date=context.signing_date, pr_date=pr_date, periods=periods, absences=absences, sentences=sentences,
        required=facts.number("presence_days_required"), half_day_cap=facts.number("presence_half_day_cap"),
    )


def rule_presence(context: Context) -> list[Finding]:
    source = "Citizenship Act s.5(1)(c); IRCC Physical Presence Calculator FAQ; domain A.1, I.0"
    result = presence_for(context)
    if result is None:
        return [Finding("warning", "presence.1095", _l(
            "Physical presence cannot be counted until the PR date is entered."), source)]
    if result.meets:
        return [Finding("info", "presence.1095", _l(
            "%(total)s days of physical presence counted: at least %(required)s needed.",
            total=_fmt(result.total), required=_fmt(result.required)), source, working=result.lines)]
    level = "warning" if context.get("request_5_4") == "yes" else "blocker"  # s.5(4) asked for: the Minister decides
    return [Finding(level, "presence.1095", _l(
        "fewer than %(required)s days of physical presence: %(total)s counted (%(short)s short). A later signing "
        "date adds days; a discretionary grant under s.5(4) is the exception.", required=_fmt(result.required),
        total=_fmt(result.total), short=_fmt(result.shortfall)), source, working=result.lines)]


def rule_tax(context: Context) -> list[Finding]:
    if context.get("tax_required") == "yes":
        filed = context.get("tax_years_filed")
        if isinstance(filed, int) and filed < 3:
            return [Finding("blocker", "tax.3_of_5", _l(
                "Income tax filed for %(filed)s of the last 5 years: at least 3 are needed when filing was required.",
                filed=filed), "Citizenship Act s.5(1)(c)(iii); domain A.1")]
    return []


def rule_signing_date(context: Context) -> list[Finding]:
    if context.signing_date < context.today:
        return [Finding("warning", "signing.past", _l(
            "The planned signing date %(date)s is in the past: update it so the age and presence rules use the real "
            "date.", date=format_date(context.signing_date)), "domain 0")]
    return []


def rule_form_version(code: str):
    def rule(context: Context) -> list[Finding]:
        version = facts.form_version(code, context.signing_date)
        return [Finding("info", "form.version", _l(
            "Use %(code)s version %(version)s or later: IRCC returns applications on older versions.",
            code=code, version=version.value), version.cite() + "; domain I.4")]
    return rule


# ---- checklist items ----------------------------------------------------------------------------

def form_item(code: str) -> ChecklistItem:
    return ChecklistItem("form", _l("Completed %(code)s, on the current version, signed and dated", code=code),
                         why=_l("every application"), form_code=code)


PR_PROOF = ChecklistItem("pr_proof", _l("Copy of PR proof: IMM 1000 or confirmation of PR (IMM 5292 / 5688), and "
                                        "the PR card, both sides"),
                         why=_l("the applicant is a permanent resident"), has_expiry=True)
PRESENCE_PRINTOUT = ChecklistItem("presence_printout", _l("Physical presence calculator printout (or CIT 0407), "
                                                          "signed and dated the same day as the form"),
                                  why=_l("the 1,095-day physical presence rule applies"))
PASSPORTS = ChecklistItem("passports", _l("Copies of every passport or travel document held in the 5 years, all pages"),
                          why=_l("the applicant held a passport in the 5 years"), show_if=yes("had_passport"),
                          has_expiry=True)
PASSPORTS_MISSING = ChecklistItem("passports_explanation", _l("Written explanation for any passport no longer held"),
                                  why=_l("a passport is no longer held"),
                                  show_if=lambda c: bool(c.get("passports_not_held")))
TWO_ID = ChecklistItem("two_id", _l("Two pieces of ID with name and date of birth, one with a photo (both sides)"),
                       why=_l("every applicant"))
BIRTH_CERTIFICATE = ChecklistItem("birth_certificate", _l("Birth certificate or adoption order naming the parents"),
                                  why=_l("every minor applicant"))
PROOF_OF_AUTHORITY = ChecklistItem("proof_of_authority", _l("Proof of authority: the court order or written "
                                                            "agreement (for a society: the child-protection order)"),
                                   why=_l("someone applies and signs for the minor"),
                                   show_if=lambda c: signs_for_minor(c) and c.get("authority_kind") != "parent")
PHOTOS = ChecklistItem("photos", _l("Two citizenship photos (not passport photos) for a paper application"),
                       why=_l("paper applications"))
FEE_RECEIPT = ChecklistItem("fee_receipt", _l("Fee receipt for the amount in force on the payment date"),
                            why=_l("every application with a fee"))
TRANSLATIONS = ChecklistItem("translations", _l("Certified translations and translator affidavit for any document "
                                                "not in English or French"),
                             why=_l("a document is not in English or French"), required=False)
PR_EXPLANATION = ChecklistItem("pr_document_letter", _l("Letter explaining the missing PR document (or a "
                                                        "Verification of Status)"),
                               why=_l("no PR document is in hand"), show_if=answer_in("pr_document", "none"))
TAX_PROOF = ChecklistItem("tax_proof", _l("Notices of assessment or CRA proof for the years filed"),
                          why=_l("the applicant was required to file income tax"), show_if=yes("tax_required"),
                          required=False)
PROHIBITION_DOCS = ChecklistItem("court_documents", _l("Court documents for each 'yes' prohibition answer"),
                                 why=_l("a prohibition question was answered 'yes'"),
                                 show_if=lambda c: any(c.get(n) == "yes" for n, _ in PROHIBITION_QUESTIONS))


# ---- signers ------------------------------------------------------------------------------------

ORDER_PHRASE = {
    "interim_society_care": _l("an interim society care order"),
    "extended_society_care": _l("an extended society care order"),
    "customary_care": _l("a customary care agreement"),
    "other": _l("a court order or written agreement"),
}


def authorised_capacity(context: Context) -> str:
    kind = context.get("authority_kind")
    order = str(ORDER_PHRASE.get(context.get("order_kind"), ORDER_PHRASE["other"]))
    if kind == "agency":
        agency = context.get("authorised_organization") or context.agency.get("name") or _("the agency")
        return _("for %(agency)s, the society with care of the minor under %(order)s", agency=agency, order=order)
    if kind == "parent":
        return _("parent with custody of the minor")
    if kind == "guardian":
        return _("legal guardian of the minor, under %(order)s", order=order)
    if kind == "agreement":
        return _("person empowered to act for the minor by a written agreement")
    return _("person with custody of the minor or empowered by court order, written agreement or law")


AUTHORISED_PERSON = Signer("authorised_person", _l("Authorised person"), capacity=authorised_capacity,
                           show_if=signs_for_minor)
MINOR_COUNTERSIGNS = Signer("minor", _l("Applicant (minor aged 14 to 17)"),
                            capacity=_l("the applicant, countersigning"), show_if=minor_14_to_17, youth_signs=True)


# ---- fees ---------------------------------------------------------------------------------------

def fee_line(key: str, on: date) -> FeeLine:
    entry = facts.fee(key, on)
    note = _("VERIFY: amount not confirmed on canada.ca") if entry.verify else ""
    return FeeLine(_(entry.label), entry.amount, source=entry.cite(), note=note)


def minor_fees(context: Context) -> list[FeeLine]:
    return [fee_line("cit_minor_processing", fee_day(context))]


def adult_fees(context: Context) -> list[FeeLine]:
    return [fee_line("cit_adult_processing", fee_day(context)),
            fee_line("cit_right_of_citizenship", fee_day(context))]
