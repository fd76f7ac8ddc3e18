"""IMM 5709: study permit from inside Canada (application to change conditions, extend my stay or remain in
Canada as a student).

The basis comes first because it decides the fees: the state-care measure is fee-free (domain F, E.1
"State-care measures"); an H&C approved in principle allows a study permit (R215, domain E.1, R207(d) row);
otherwise the study permit fee applies (facts.toml `sp_processing`, VERIFY). The other steps follow the form's
sections, which mirror IMM 5710's with a study section instead of the work section [R: IRCC's in-Canada forms
share their layout; VERIFY against the current IMM 5709].
"""
from __future__ import annotations

from portal.forms import facts
from portal.forms.editions import with_editions
from portal.forms.facts import status_facts
from portal.forms.packets.imm_5710 import APPLYING_TO, BACKGROUND, CURRENT_STATUS, any_background_yes
from portal.forms.parts.common import (
    MARITAL,
    PROVINCES,
    SERVICE_LANGUAGE,
    adult,
    answer_in,
    fee_date_rule,
    fee_day,
    minor,
    sending_step,
    yes,
)
from portal.forms.parts.status import birth_fields, contact_fields, guardian_capacity, history_group, name_fields
from portal.forms.rules.biometrics import biometrics_for
from portal.forms.rules.dates import as_date
from portal.forms.rules.state_care import care_in_state
from portal.forms.types import (
    ChecklistItem,
    Context,
    FeeLine,
    Field,
    Finding,
    Fit,
    PacketType,
    Signer,
    Situation,
    Step,
    Triage,
)
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

BASES = (
    ("state_care", _l("Former child in state care: fee-free study permit with the state-care temporary resident "
                      "permit")),
    ("hc_aip", _l("H&C permanent residence approved in principle (stage 1)")),
    ("other", _l("Another basis (for example an extension of a current study permit)")),
)
FEE_FREE = ("state_care",)
PAYS_FOR_STUDY = (("self", _l("The applicant")), ("agency", _l("The agency (children's aid society)")),
                  ("family", _l("Family")), ("scholarship", _l("Scholarship or school")), ("other", _l("Other")))
STUDY_LEVEL = (("primary", _l("Primary school")), ("secondary", _l("Secondary school")),
               ("vocational", _l("Vocational or trade training")), ("college", _l("College (diploma or certificate)")),
               ("university", _l("University (bachelor's)")), ("graduate", _l("Master's or doctorate")),
               ("language", _l("English or French language course")), ("other", _l("Other")))


def basis_is(*keys: str):
    return answer_in("basis", *keys)


def post_secondary(context: Context) -> bool:
    return context.get("study_level") in ("vocational", "college", "university", "graduate", "language", "other")


STEPS = (
    Step("basis", _l("Basis for the study permit"), form_section=N_("Basis for the study permit and fee exemption"),
         intro=_l("The basis decides the evidence and the fees. Former children in state care pay no fees."),
         fields=(
             Field("basis", _l("Basis for the study permit"), kind="radio", options=BASES),
             Field("trp_number", _l("Temporary resident permit number (or 'applied for with this permit')"),
                   show_if=basis_is("state_care")),
             Field("aip_date", _l("Date of the approval in principle (stage 1 letter)"), kind="date",
                   show_if=basis_is("hc_aip")),
             Field("current_permit_expiry", _l("Expiry date of the current study permit"), kind="date", future=True,
                   required=False, show_if=basis_is("other")),
         )),
    Step("application", _l("Application details"), form_section=N_("IMM 5709 Section 1: UCI, service language, "
                                                            "I am applying to"), fields=(
        Field("uci", _l("UCI"), kind="uci", required=False, form_ref="1",
              prefill=lambda c: c.client.get("uci") or None),
        Field("language_of_service", _l("Service language"), kind="radio", options=SERVICE_LANGUAGE, form_ref="2"),
        Field("applying_to", _l("I am applying to"), kind="radio", options=APPLYING_TO, form_ref="3",
              help=_l("For a first study permit choose the first option.")),
    )),
    Step("personal", _l("Personal details"), form_section=N_("IMM 5709 Section 2: personal details"), fields=(
        *name_fields(as_on=_l("the passport or identity document")),
        *birth_fields(),
        Field("residence_country", _l("Current country of residence"), kind="country", prefill=lambda c: "Canada"),
        Field("current_status", _l("Status in the country of residence"), kind="choice", options=CURRENT_STATUS),
        Field("status_from", _l("Status from"), kind="date", required=False),
        Field("status_to", _l("Status to"), kind="date", future=True, required=False),
        Field("previous_countries", _l("Previous countries of residence in the past 5 years (more than 6 months)"),
              kind="textarea", required=False),
        Field("marital_status", _l("Current marital status"), kind="choice", options=MARITAL),
        Field("spouse_name", _l("Spouse or common-law partner: full name"),
              show_if=answer_in("marital_status", "married", "common_law")),
        Field("spouse_since", _l("Date of marriage or start of common-law relationship"), kind="date",
              show_if=answer_in("marital_status", "married", "common_law")),
    )),
    Step("languages_passport", _l("Languages and documents"),
         form_section=N_("IMM 5709 Section 3: languages, passport, national identity document, US PR card"), fields=(
             Field("native_language", _l("Native language / mother tongue"), answered_by="either",
                   prefill=lambda c: c.client.get("preferred_language") or None),
             Field("official_language", _l("Are you able to communicate in English and/or French?"), kind="choice",
                   options=(("en", _l("English")), ("fr", _l("French")), ("both", _l("Both")),
                            ("neither", _l("Neither")))),
             Field("has_passport", _l("Do you have a valid passport or travel document?"), kind="yesno"),
             Field("passport_number", _l("Passport or travel document number"), kind="passport",
                   show_if=yes("has_passport")),
             Field("passport_country", _l("Country or territory of issue"), kind="country",
                   show_if=yes("has_passport")),
             Field("passport_issued", _l("Issue date"), kind="date", show_if=yes("has_passport")),
             Field("passport_expires", _l("Expiry date"), kind="date", future=True, show_if=yes("has_passport")),
             Field("has_national_id", _l("Do you have a national identity document?"), kind="yesno"),
             Field("national_id_number", _l("National identity document number"), show_if=yes("has_national_id")),
             Field("has_us_pr_card", _l("Are you a lawful permanent resident of the United States?"), kind="yesno"),
             Field("us_pr_card_number", _l("US PR card number"), show_if=yes("has_us_pr_card")),
         )),
    Step("contact", _l("Contact information"), form_section=N_("IMM 5709 Section 4: contact information"),
         fields=contact_fields()),
    Step("entry", _l("Coming into Canada"), form_section=N_("IMM 5709 Section 5: coming into Canada"), fields=(
        Field("original_entry_date", _l("Date of original entry to Canada"), kind="date"),
        Field("original_entry_place", _l("Place of original entry")),
        Field("original_entry_purpose", _l("Purpose of original visit"), kind="choice",
              options=(("visit", _l("Tourism or visit")), ("study", _l("Study")), ("work", _l("Work")),
                       ("asylum", _l("To make a refugee claim")), ("family", _l("Family")), ("other", _l("Other")))),
        Field("recent_entry_date", _l("Date of most recent entry"), kind="date", required=False),
        Field("recent_entry_place", _l("Place of most recent entry"), required=False),
        Field("previous_document_number", _l("Most recent document number (visitor record, permit, claimant "
                                             "document)"), required=False),
    )),
    Step("study", _l("Details of intended study"), form_section=N_("IMM 5709 Section 6: details of intended study in "
                                                              "Canada"), fields=(
        Field("school_name", _l("Name of school or institution")),
        Field("dli_number", _l("Designated learning institution number (DLI, starts with O)"), required=False,
              help=_l("Not needed for primary or secondary school.")),
        Field("study_level", _l("Level of study"), kind="choice", options=STUDY_LEVEL),
        Field("study_field", _l("Field of study"), required=False),
        Field("school_province", _l("Province or territory"), kind="choice", options=PROVINCES),
        Field("school_city", _l("City or town")),
        Field("school_address", _l("Address of the school"), kind="textarea", max_length=300),
        Field("student_id", _l("Student ID number (if any)"), required=False),
        Field("study_from", _l("Duration of study: from"), kind="date", future=True),
        Field("study_to", _l("Duration of study: to"), kind="date", future=True),
        Field("cost_tuition", _l("Cost of studies: tuition (CAD)"), kind="number", required=False),
        Field("cost_room_board", _l("Cost of studies: room and board (CAD)"), kind="number", required=False),
        Field("cost_other", _l("Cost of studies: other (CAD)"), kind="number", required=False),
        Field("funds_available", _l("Funds available for the stay (CAD)"), kind="number", required=False),
        Field("expenses_paid_by", _l("Expenses paid by"), kind="choice", options=PAYS_FOR_STUDY),
        Field("expenses_paid_by_other", _l("Who pays (other)"), show_if=answer_in("expenses_paid_by", "other")),
        Field("pal_number", _l("Provincial attestation letter (PAL) number, if one is needed"), required=False,
              show_if=post_secondary, help=_l("Most post-secondary students need one; check the exemptions "
                                              "on canada.ca (VERIFY).")),
    )),
    Step("history", _l("Education and employment"), form_section=N_("IMM 5709 Section 7: education and employment"),
         intro=_l("Past 10 years with no gaps: school, work, or unemployment."), fields=(
             Field("education_level", _l("Highest level of education"), kind="choice", options=(
                 ("none", _l("None")), ("primary", _l("Primary")), ("secondary", _l("Secondary")),
                 ("trade", _l("Trade or apprenticeship")), ("college", _l("Non-university certificate or diploma")),
                 ("bachelor", _l("Bachelor's degree")), ("graduate", _l("Master's or doctorate")))),
             history_group("employment", _l("Education and employment history (past 10 years)"), what="activity",
                           what_label=_l("Activity (student, work, unemployed)"),
                           where_label=_l("School or employer, city and country")),
         )),
    Step("background", _l("Background information"), form_section=N_("IMM 5709 Section 8: background information"),
         fields=(*(Field(key, label, kind="yesno") for key, label in BACKGROUND),
                 Field("background_details", _l("If you answered yes to any question, give details"), kind="textarea",
                       show_if=any_background_yes))),
    Step("biometrics", _l("Biometrics"), form_section=N_("Biometrics"), fields=(
        Field("biometrics_given", _l("Has the applicant given biometrics for a Canadian application before?"),
              kind="yesno"),
        Field("biometrics_date", _l("Date biometrics were given"), kind="date", show_if=yes("biometrics_given")),
        Field("biometrics_as_claimant", _l("Were they given as a refugee claimant or protected person?"), kind="yesno",
              show_if=yes("biometrics_given")),
    )),
    sending_step(),
    Step("declaration", _l("Consent and declaration"), form_section=N_("IMM 5709 Section 9: consent and declaration"),
         fields=(
             Field("consent_contact", _l("Do you consent to be contacted about other IRCC programs or surveys?"),
                   kind="yesno"),
             Field("declaration_read", _l("The applicant (or the parent or guardian) has read the declaration and the "
                                          "answers are complete and true"), kind="checkbox"),
         )),
)


def pays(context: Context) -> bool:
    return context.get("basis") not in (None, "", *FEE_FREE)


CHECKLIST = (
    ChecklistItem("imm5709", _l("Application form IMM 5709, signed (barcode page on top for paper)"),
                  why=_l("the application itself"), form_code="IMM 5709"),
    ChecklistItem("acceptance_letter", _l("Letter of acceptance from the school (or proof of enrolment)"),
                  why=_l("shows where the applicant will study")),
    ChecklistItem("pal", _l("Provincial attestation letter (PAL)"), required=False, show_if=post_secondary,
                  why=_l("most post-secondary students need one (VERIFY the exemptions on canada.ca)")),
    ChecklistItem("proof_of_funds", _l("Proof of funds, or the agency's letter saying it pays the costs"),
                  why=_l("shows the studies and living costs are covered")),
    ChecklistItem("passport", _l("Passport or travel document: copy of the information page"), has_expiry=True,
                  why=_l("because the applicant has a passport"), show_if=yes("has_passport")),
    ChecklistItem("identity_document", _l("Identity document (national identity card, birth certificate)"),
                  why=_l("because there is no passport"), show_if=answer_in("has_passport", "no")),
    ChecklistItem("immigration_document", _l("Current or expired immigration document"), required=False,
                  why=_l("shows the history of status in Canada")),
    ChecklistItem("proof_of_state_care", _l("Proof of state care (court order or letter from the children's aid "
                                            "society) and the temporary resident permit or its request"),
                  why=_l("because the permit is the fee-free state-care measure"), show_if=basis_is("state_care")),
    ChecklistItem("aip_letter", _l("Letter approving the H&C application in principle (stage 1)"),
                  why=_l("because the basis is an H&C approved in principle"), show_if=basis_is("hc_aip")),
    ChecklistItem("fee_receipt", _l("Fee receipt for the amount in force on the day IRCC receives the application"),
                  why=_l("because this basis pays the study permit fee"), show_if=pays),
    ChecklistItem("proof_of_authority", _l("Proof of authority to sign for the minor (court order, guardianship order "
                                           "or written agreement)"),
                  why=_l("because the applicant is under 18 and a guardian signs"), show_if=minor),
    ChecklistItem("representative", _l("Use of a representative (IMM 5476), if one is used"), required=False,
                  why=_l("only if a representative acts for the applicant")),
    ChecklistItem("translations", _l("Translations with a translator's affidavit"), required=False,
                  why=_l("for any document not in English or French")),
)

SIGNERS = (
    Signer("applicant", _l("Applicant"), capacity=_l("signs for themself (18 or older)"), show_if=adult,
           youth_signs=True),
    Signer("guardian", _l("Parent or legal guardian (applicant under 18)"), capacity=guardian_capacity,
           show_if=minor),
)


def biometrics_result(context: Context):
    dob = context.client.get("dob")
    if dob is None:
        return None
    return biometrics_for(
        date_of_birth=dob, on=context.signing_date, facts=status_facts(fee_day(context))["biometrics"],
        enrolled_on=as_date(context.get("biometrics_date")) if context.get("biometrics_given") == "yes" else None,
        claimant_or_protected_enrolled=context.get("biometrics_as_claimant") == "yes",
        fee_waived=context.get("basis") in FEE_FREE)


def fees(context: Context) -> list[FeeLine]:
    entry = facts.fee("sp_processing", fee_day(context))
    if context.get("basis") in FEE_FREE:
        lines = [FeeLine(_("Study permit processing fee"), 0.0, "canada.ca trp-state-care: no fees for the study "
                         "permit [C]; domain F", _("Waived: former child in state care"))]
    else:
        lines = [FeeLine(_(entry.label), entry.amount, entry.cite(), _("VERIFY on canada.ca") if entry.verify else "")]
    result = biometrics_result(context)
    if result is not None:
        lines.append(FeeLine(_("Biometrics fee"), result.fee, status_facts(fee_day(context))["biometrics"]["source"],
                             result.reason))
    return lines


def basis_rule(context: Context) -> list[Finding]:
    basis = context.get("basis")
    if not basis:
        return [Finding("blocker", "study.basis", _l("Choose the basis for the study permit."), "domain E.1, F")]
    if basis == "state_care":
        months = int(status_facts(context.today)["state_care"]["min_care_months"])
        care = care_in_state(context.client.get("care_periods"), today=context.today)
        if not care.at_least_months(months):
            return [Finding("warning", "study.state_care", _l(
                "The fee-free permit is for someone who came before 19 and spent at least 12 months in court-ordered "
                "care; the care periods on the client file show %(days)s days.", days=care.days),
                "canada.ca trp-state-care [C]; domain F", care.working)]
    if basis == "hc_aip" and not context.get("aip_date"):
        return [Finding("blocker", "study.aip", _l("Enter the date of the approval in principle."), "domain E.1")]
    return []


def study_dates_rule(context: Context) -> list[Finding]:
    start, end = as_date(context.get("study_from")), as_date(context.get("study_to"))
    if start and end and end < start:
        return [Finding("blocker", "study.dates", _l("The study end date is before its start date."), "IMM 5709")]
    return []


def cover_letter(context: Context) -> list[str]:
    if context.get("basis") == "state_care":
        return [_("The applicant asks for a study permit under the %(measure)s. The study permit and biometrics fees "
                  "are waived under that measure.", measure=facts.code("trp_state_care_basis"))]
    if context.get("basis") == "hc_aip":
        return [_("The applicant's application for permanent residence on humanitarian and compassionate grounds "
                  "was approved in principle; the letter is enclosed.")]
    return []


def triage_fits(situation: Situation) -> list[Fit]:
    if situation.state_care_open:
        return [Fit(_l("A fee-free study permit from inside Canada, with the state-care temporary resident permit, "
                       "for a youth who is in school or about to start."), recommended=False)]
    if situation.hc_approved_in_principle:
        return [Fit(_l("A study permit from inside Canada after the H&C approval in principle."), recommended=False)]
    return []


PACKET = PacketType(
    key="imm_5709",
    order=55,
    triage=Triage(_l("Study permit from inside Canada (IMM 5709)"), triage_fits),
    title=_l("Study permit from inside Canada"),
    form_code="IMM 5709",
    description=_l("A study permit from inside Canada: fee-free for former children in state care, or after an H&C "
                   "approval in principle. Minors in primary or secondary school may not need one: check first."),
    steps=STEPS,
    checklist=CHECKLIST,
    signers=SIGNERS,
    rules=(basis_rule, study_dates_rule, fee_date_rule(lambda context: fees(context))),
    fees=fees,
    submission=N_("Online in the IRCC account (recommended), or on paper as the IMM 5709 guide says."),
    cover_letter=with_editions(("IMM 5709",), cover_letter),
)
