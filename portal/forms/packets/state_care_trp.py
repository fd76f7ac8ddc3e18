"""Temporary resident permit for former children in state care (domain F "bridge measure", E.1 "State-care
measures"): fee-free, with a fee-free work or study permit, for youth who meet situation F's conditions,
including youth under a removal order. It replaces the S62 permit and its fee for them.

The domain notes name no form for the request. IRCC's in-Canada form for a temporary resident permit holder is
IMM 5708 [R], so the steps follow its sections (facts.toml marks it VERIFY); the companion permit is its own
packet (IMM 5710 with the state-care basis, or IMM 5709).
"""
from __future__ import annotations

from datetime import date

from portal.forms import facts
from portal.forms.editions import with_editions
from portal.forms.engine import age_at_signing
from portal.forms.facts import status_facts
from portal.forms.packets.imm_5710 import BACKGROUND, CURRENT_STATUS, any_background_yes
from portal.forms.parts.common import MARITAL, SERVICE_LANGUAGE, adult, answer_in, minor, yes
from portal.forms.parts.status import birth_fields, contact_fields, guardian_capacity, name_fields
from portal.forms.rules import state_care
from portal.forms.rules.dates import age_on, as_date
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
from portal.i18n import N_, format_date
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

SOURCE = "canada.ca trp-state-care [C]; Ministerial Instructions of 2023-07-25; domain F, E.1"
OB_SOURCE = ("IRCC program delivery instructions, TRPs for foreign nationals who were in state care, eligibility: no "
             "valid status at the time of application [C]")
COMPANION = (("work", _l("A work permit (IMM 5710, basis 'former child in state care')")),
             ("study", _l("A study permit (IMM 5709, basis 'former child in state care')")),
             ("none", _l("No permit for now: the temporary resident permit only")))


def under_removal_order(context: Context) -> bool:
    return context.get("removal_order") == "yes"


STEPS = (
    Step("eligibility", _l("Eligibility for the state-care measure"),
         form_section=N_("Eligibility: the state-care measure (not on the form)"),
         intro=_l("For people who came to Canada before 19 and spent at least 12 months in court-ordered care, even "
                  "under a removal order. No fees. Care periods come from the client file."),
         fields=(
             Field("arrival_date", _l("Date the applicant first came to Canada"), kind="date", answered_by="either",
                   youth_help=_l("The day you first arrived in Canada. A close guess is fine for now.")),
             Field("in_canada", _l("Is the applicant in Canada now?"), kind="yesno", answered_by="either",
                   youth_help=_l("Are you in Canada now?")),
             Field("removal_order", _l("Is the applicant under a removal order?"), kind="yesno",
                   help=_l("A removal order does not stop this permit: say so, and enclose a copy.")),
             Field("removal_order_date", _l("Date of the removal order"), kind="date", required=False,
                   show_if=under_removal_order),
             Field("pr_application_sent", _l("Has the state-care PR application been sent, or will it be sent with "
                                             "this request?"), kind="yesno"),
             Field("companion_permit", _l("Which permit goes with the temporary resident permit?"), kind="radio",
                   options=COMPANION, answered_by="either",
                   youth_help=_l("Do you want to work, or to go to school?")),
         )),
    Step("application", _l("Application details"), form_section=N_("IMM 5708 Section 1: UCI, service language, "
                                                            "I am applying for"), fields=(
        Field("uci", _l("UCI"), kind="uci", required=False, form_ref="1",
              prefill=lambda c: c.client.get("uci") or None),
        Field("language_of_service", _l("Service language"), kind="radio", options=SERVICE_LANGUAGE, form_ref="2"),
        Field("applying_for", _l("I am applying for"), kind="radio", form_ref="3",
              options=(("trp", _l("A temporary resident permit")),), prefill=lambda c: "trp"),
    )),
    Step("personal", _l("Personal details"), form_section=N_("IMM 5708 Section 2: personal details"), fields=(
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
    )),
    Step("languages_passport", _l("Languages and documents"),
         form_section=N_("IMM 5708 Section 3: languages, passport, national identity document"), fields=(
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
             Field("passport_expires", _l("Expiry date"), kind="date", future=True, show_if=yes("has_passport")),
             Field("has_national_id", _l("Do you have a national identity document?"), kind="yesno"),
             Field("national_id_number", _l("National identity document number"), show_if=yes("has_national_id")),
         )),
    Step("contact", _l("Contact information"), form_section=N_("IMM 5708 Section 4: contact information"),
         fields=contact_fields()),
    Step("entry", _l("Coming into Canada"), form_section=N_("IMM 5708 Section 5: coming into Canada"), fields=(
        Field("original_entry_place", _l("Place of original entry")),
        Field("original_entry_purpose", _l("Purpose of original visit"), kind="choice",
              options=(("visit", _l("Tourism or visit")), ("study", _l("Study")), ("family", _l("Family")),
                       ("asylum", _l("To make a refugee claim")), ("other", _l("Other")))),
        Field("recent_entry_date", _l("Date of most recent entry"), kind="date", required=False),
        Field("previous_document_number", _l("Most recent document number (visitor record, permit, claimant "
                                             "document)"), required=False),
    )),
    Step("details", _l("Details of the permit asked for"), form_section=N_("IMM 5708 Section 6: details of visit"),
         fields=(
             Field("stay_until", _l("Asked to stay until"), kind="date", future=True, required=False,
                   help=_l("The permit stays valid until its expiry date or until permanent residence is approved.")),
             Field("reason", _l("Reason for the request"), kind="textarea",
                   prefill=lambda c: "Temporary resident permit under the public policy for foreign nationals who "
                                     "were in state care, while the application for permanent residence is "
                                     "processed."),
             Field("funds", _l("How the applicant is supported (agency, work, family)"), required=False),
         )),
    Step("background", _l("Background information"), form_section=N_("IMM 5708 Section 7: background information"),
         fields=(*(Field(key, label, kind="yesno") for key, label in BACKGROUND),
                 Field("background_details", _l("If you answered yes to any question, give details"), kind="textarea",
                       show_if=any_background_yes))),
    Step("declaration", _l("Consent and declaration"), form_section=N_("IMM 5708 Section 8: consent and declaration"),
         fields=(
             Field("declaration_read", _l("The applicant (or the parent or guardian) has read the declaration and the "
                                          "answers are complete and true"), kind="checkbox"),
         )),
)

CHECKLIST = (
    ChecklistItem("imm5708", _l("Application form IMM 5708, signed"), why=_l("the request itself (VERIFY the form "
                                                                            "IRCC names for this measure)"),
                  form_code="IMM 5708"),
    ChecklistItem("proof_of_care", _l("Proof of state care: court orders, agency records or a confirmation letter "
                                      "from the children's aid society"),
                  why=_l("shows at least 12 months under the province's legal responsibility by court order")),
    ChecklistItem("proof_of_arrival", _l("Proof of arrival before 19 (entry stamp, claimant document, school "
                                         "records)"), why=_l("shows the applicant came to Canada before 19")),
    ChecklistItem("identity_document", _l("Passport, travel document, identity document or statutory declaration"),
                  has_expiry=True, why=_l("shows who the applicant is")),
    ChecklistItem("removal_order", _l("Copy of the removal order"), show_if=under_removal_order,
                  why=_l("because the applicant is under a removal order: it does not stop this permit")),
    ChecklistItem("companion_work", _l("Work permit application (IMM 5710 packet, basis 'former child in state "
                                       "care')"), show_if=answer_in("companion_permit", "work"),
                  why=_l("the fee-free work permit goes with the temporary resident permit")),
    ChecklistItem("companion_study", _l("Study permit application (IMM 5709 packet, basis 'former child in state "
                                        "care')"), show_if=answer_in("companion_permit", "study"),
                  why=_l("the fee-free study permit goes with the temporary resident permit")),
    ChecklistItem("proof_of_authority", _l("Proof of authority to sign for the minor (court order, guardianship order "
                                           "or written agreement)"),
                  why=_l("because the applicant is under 18 and a guardian signs"), show_if=minor),
    ChecklistItem("representative", _l("Use of a representative (IMM 5476) and release of information (IMM 5475), "
                                       "if used"), required=False, why=_l("only if a representative is named")),
    ChecklistItem("translations", _l("Translations with a translator's affidavit"), required=False,
                  why=_l("for any document not in English or French")),
)

SIGNERS = (
    Signer("applicant", _l("Applicant"), capacity=_l("signs for themself (18 or older)"), show_if=adult,
           youth_signs=True),
    Signer("guardian", _l("Parent or legal guardian (applicant under 18)"), capacity=guardian_capacity,
           show_if=minor),
)


def eligibility_rule(context: Context) -> list[Finding]:
    """Situation F's conditions: arrival before 19 and 12 months in court-ordered care; the pathway open."""
    found = []
    table = status_facts(context.today)["state_care"]
    dob, arrival = context.client.get("dob"), as_date(context.get("arrival_date"))
    if dob and arrival and age_on(dob, arrival) >= int(table["arrival_before_age"]):
        found.append(Finding("blocker", "trp.arrival_age", _l(
            "Came to Canada at %(age)s: the measure is for people who came before 19.", age=age_on(dob, arrival)),
            SOURCE))
    care = state_care.care_in_state(context.client.get("care_periods"), today=context.today)
    months = int(table["min_care_months"])
    if not care.at_least_months(months):
        found.append(Finding("blocker", "trp.care", _l(
            "At least 12 months in court-ordered care are needed: %(days)s days counted from the client file, "
            "%(needed)s needed.", days=care.days, needed=care.months_in_days(months)), SOURCE,
            care.working or (_l("no care periods on the client file"),)))
    if context.client.get("status") in ("permanent_resident", "citizen", "temporary_resident", "protected_person"):
        found.append(Finding("blocker", "trp.status", _l(
            "The measure is for people without valid status in Canada when they apply; the client file shows a "
            "status."), OB_SOURCE))
    if context.get("in_canada") == "no":
        found.append(Finding("blocker", "trp.in_canada", _l("The applicant must be in Canada."), SOURCE))
    if under_removal_order(context):
        found.append(Finding("info", "trp.removal_order", _l(
            "A removal order does not stop the state-care permit: apply here (no fees), not for the S62 work permit "
            "and its fee."), SOURCE))
    if context.get("pr_application_sent") == "no":
        found.append(Finding("warning", "trp.pr_application", _l(
            "Send the state-care PR application too: the permit bridges the time until permanent residence."),
            SOURCE))
    left = state_care.days_left(context.today, table)
    if left == 0:
        found.append(Finding("blocker", "trp.closed", _l(
            "The state-care pathway closed on %(date)s: check whether the measure was extended.",
            date=format_date(table["closes"])), SOURCE))
    return found


def fees(context: Context) -> list[FeeLine]:
    entry = facts.fee("trp_processing")
    return [FeeLine(_("Temporary resident permit processing fee"), 0.0, f"{SOURCE}; usual fee: {entry.cite()}",
                    _("Waived: former child in state care")),
            FeeLine(_("Biometrics fee"), 0.0, SOURCE, _("Waived: former child in state care"))]


def cover_letter(context: Context) -> list[str]:
    paragraphs = [_("The applicant asks for a temporary resident permit under the %(measure)s. The applicant came to "
                    "Canada before the age of 19 and was in court-ordered care for at least 12 months. No fees are "
                    "payable under that measure.", measure=facts.code("trp_state_care_basis"))]
    if under_removal_order(context):
        paragraphs.append(_("The applicant is subject to a removal order; a copy is enclosed."))
    companion = context.get("companion_permit", "")
    if companion == "work":
        paragraphs.append(_("An application for a work permit under the same measure is enclosed."))
    elif companion == "study":
        paragraphs.append(_("An application for a study permit under the same measure is enclosed."))
    return paragraphs


def triage_fits(situation: Situation) -> list[Fit]:
    if not situation.state_care_open:
        return []
    reason = _l("Meanwhile: the fee-free state-care temporary resident permit, with a work or study permit (not S62 "
                "and its fee), even under a removal order.")
    return [Fit(reason, rank=25, recommended=False)]


def available(today: date) -> tuple[bool, str]:
    return state_care.can_start(today)


def guidance_rule(context: Context) -> list[Finding]:
    age = age_at_signing(context)
    if age is not None and age < 18:
        return [Finding("info", "trp.minor", _l("The applicant is %(age)s on the signing date: the agency signs as "
                                                "legal guardian.", age=age), "domain I.1 [R]")]
    return []


PACKET = PacketType(
    key="state_care_trp",
    order=65,
    triage=Triage(_l("Temporary resident permit for people who were in state care (fee-free)"), triage_fits),
    title=_l("Temporary resident permit for people who were in state care"),
    form_code="IMM 5708 (state-care measure)",
    description=_l("A fee-free temporary resident permit, with a fee-free work or study permit, for people who came "
                   "before 19 and spent at least 12 months in court-ordered care, including those under a removal "
                   "order."),
    steps=STEPS,
    checklist=CHECKLIST,
    signers=SIGNERS,
    rules=(eligibility_rule, guidance_rule),
    fees=fees,
    submission=N_("With the state-care PR application, or on its own as canada.ca's state-care page says (VERIFY the "
               "address and whether it can be sent online)."),
    available=available,
    cover_letter=with_editions(("IMM 5708",), cover_letter),
)
