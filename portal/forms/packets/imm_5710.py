"""IMM 5710: open work permit from inside Canada for people without status (domain E).

The basis (R206(1)(b) S62, R206(1)(a) S61, R207(d) A70, R208(b), state-care measure) is chosen first
because it decides the evidence and the fees; the remaining steps follow the form's order (E.2).
"""
from __future__ import annotations

from portal.forms.editions import with_editions
from portal.forms.engine import age_at_signing
from portal.forms.facts import status_facts
from portal.forms.parts.common import (
    MARITAL,
    SERVICE_LANGUAGE,
    adult,
    answer_in,
    fee_date_rule,
    fee_day,
    minor,
    sending_step,
    yes,
)
from portal.forms.parts.status import (
    birth_fields,
    contact_fields,
    guardian_capacity,
    history_group,
    history_rule,
    name_fields,
)
from portal.forms.rules.biometrics import biometrics_for
from portal.forms.rules.dates import as_date
from portal.forms.rules.r206 import BASES, BASIS_OPTIONS, UNENFORCEABLE_REASONS, basis_findings, work_permit_fees
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

NEEDS_SUPPORT_PROOF = ("r206_1_a", "r206_1_b", "r208_b")
CURRENT_STATUS = (("no_status", _l("No status")), ("refugee_claimant", _l("Refugee claimant")),
                  ("trp", _l("Temporary resident permit holder")), ("visitor", _l("Visitor")), ("worker", _l("Worker")),
                  ("student", _l("Student")), ("other", _l("Other")))
APPLYING_TO = (("initial", _l("Apply for an initial work permit or a work permit with a new employer")),
               ("extend", _l("Extend my stay as a worker, same employer")),
               ("restore", _l("Restore my status as a worker")))
BACKGROUND = (
    ("bg_tb", _l("Within the past two years, have you or a family member had tuberculosis of the lungs or been in "
                 "close contact with someone who has?")),
    ("bg_medical", _l("Do you have a physical or mental disorder that would need social or health services, other than "
                      "medication, during your stay in Canada?")),
    ("bg_overstay", _l("Have you ever remained beyond the validity of your status, attended school without "
                       "authorization or worked without authorization in Canada?")),
    ("bg_refused", _l("Have you ever been refused a visa or permit, denied entry or ordered to leave Canada or any "
                      "other country?")),
    ("bg_previous", _l("Have you previously applied to enter or remain in Canada?")),
    ("bg_criminal", _l("Have you ever committed, been arrested for, been charged with or convicted of any criminal "
                       "offence in any country?")),
    ("bg_military", _l("Did you serve in any military, militia, civil defence unit, security organization or police "
                       "force?")),
    ("bg_organization", _l("Are you, or have you ever been, a member of or associated with any political party or "
                           "other group or organization that has engaged in or advocated violence?")),
    ("bg_government", _l("Have you ever held any government position (civil servant, judge, police officer, mayor, "
                         "member of parliament...)?")),
    ("bg_ill_treatment", _l("Have you ever witnessed or participated in the ill treatment of prisoners or civilians, "
                            "looting or desecration of religious buildings?")),
)


def basis_is(*keys: str):
    return answer_in("basis", *keys)


def any_background_yes(context: Context) -> bool:
    return any(context.get(key) == "yes" for key, _label in BACKGROUND)


def medical_exam_needed(context: Context) -> bool:
    return context.get("protected_occupation") == "yes" or context.get("designated_country_6_months") == "yes"


def pays_processing(context: Context) -> bool:
    basis = BASES.get(context.get("basis", ""))
    return basis is not None and basis.pays_processing


def ccms(context: Context) -> bool:
    return context.get("ccms_participant") == "yes"


STEPS = (
    Step("basis", _l("Basis for the open work permit"),
         form_section=N_("Basis for the open work permit and fee exemption"),
         intro=_l("The basis decides the exemption code, the evidence and the fees."),
         fields=(
             Field("basis", _l("Basis for the open work permit"), kind="radio", options=BASIS_OPTIONS),
             Field("removal_order", _l("Is the applicant subject to a removal order?"), kind="yesno",
                   show_if=basis_is("r206_1_b")),
             Field("unenforceable_reason", _l("Why the removal order cannot be enforced"), kind="radio",
                   options=UNENFORCEABLE_REASONS, show_if=basis_is("r206_1_b"),
                   help=_l("Not having a passport is not enough on its own.")),
             Field("removal_order_date", _l("Date of the removal order"), kind="date", required=False,
                   show_if=basis_is("r206_1_b")),
             Field("referral_date", _l("Date the refugee claim was referred to the Refugee Protection Division"),
                   kind="date", show_if=basis_is("r206_1_a")),
             Field("claim_decided", _l("Has the Refugee Protection Division decided the claim?"), kind="yesno",
                   show_if=basis_is("r206_1_a")),
             Field("aip_date", _l("Date of the approval in principle (stage 1 letter)"), kind="date",
                   show_if=basis_is("r207_d")),
             Field("trp_expiry", _l("Expiry date of the temporary resident permit"), kind="date", future=True,
                   show_if=basis_is("r208_b", "state_care")),
             Field("can_support_without_work", _l("Can the applicant support themself without working?"), kind="radio",
                   options=(("no", _l("No: they need to work to support themself")), ("yes", _l("Yes"))),
                   show_if=basis_is(*NEEDS_SUPPORT_PROOF)),
             Field("ccms_participant", _l("Is the applicant a participant in a community case management and "
                                          "supervision (CCMS) program?"), kind="yesno",
                   help=_l("People released from immigration detention to a supervision program.")),
             Field("cover_letter_mentions_program", _l("Should the cover letter say the applicant is a program "
                                                       "participant?"), kind="yesno", show_if=ccms,
                   help=_l("Only when the agency chooses to: the referral letter and reporting conditions can "
                           "support the removal order's status and the need for support either way.")),
         )),
    Step("application", _l("Application details"), form_section=N_("IMM 5710 Section 1: UCI, service language, "
                                                            "I am applying to"), fields=(
        Field("uci", _l("UCI"), kind="uci", required=False, form_ref="1",
              prefill=lambda c: c.client.get("uci") or None),
        Field("language_of_service", _l("Service language"), kind="radio", options=SERVICE_LANGUAGE, form_ref="2"),
        Field("applying_to", _l("I am applying to"), kind="radio", options=APPLYING_TO, form_ref="3"),
    )),
    Step("personal", _l("Personal details"), form_section=N_("IMM 5710 Section 2: personal details"), fields=(
        *name_fields(as_on=_l("the passport or identity document")),
        *birth_fields(),
        Field("residence_country", _l("Current country of residence"), kind="country",
              prefill=lambda c: "Canada"),
        Field("current_status", _l("Status in the country of residence"), kind="choice", options=CURRENT_STATUS),
        Field("status_from", _l("Status from"), kind="date", required=False),
        Field("status_to", _l("Status to"), kind="date", future=True, required=False),
        Field("previous_countries", _l("Previous countries of residence in the past 5 years (more than 6 months)"),
              kind="textarea", required=False),
        Field("marital_status", _l("Current marital status"), kind="choice", options=MARITAL),
        Field("spouse_name", _l("Spouse or common-law partner: full name"), kind="text",
              show_if=answer_in("marital_status", "married", "common_law")),
        Field("spouse_since", _l("Date of marriage or start of common-law relationship"), kind="date",
              show_if=answer_in("marital_status", "married", "common_law")),
    )),
    Step("languages_passport", _l("Languages and documents"),
         form_section=N_("IMM 5710 Section 3: languages, passport, national identity document"), fields=(
        Field("native_language", _l("Native language / mother tongue"),
              prefill=lambda c: c.client.get("preferred_language") or None, answered_by="either"),
        Field("official_language", _l("Are you able to communicate in English and/or French?"), kind="choice",
              options=(("en", _l("English")), ("fr", _l("French")), ("both", _l("Both")),
                       ("neither", _l("Neither")))),
        Field("has_passport", _l("Do you have a valid passport or travel document?"), kind="yesno"),
        Field("passport_number", _l("Passport or travel document number"), kind="passport",
              show_if=yes("has_passport")),
        Field("passport_country", _l("Country or territory of issue"), kind="country", show_if=yes("has_passport")),
        Field("passport_issued", _l("Issue date"), kind="date", show_if=yes("has_passport")),
        Field("passport_expires", _l("Expiry date"), kind="date", future=True, show_if=yes("has_passport")),
        Field("has_national_id", _l("Do you have a national identity document?"), kind="yesno"),
        Field("national_id_number", _l("National identity document number"), show_if=yes("has_national_id")),
    )),
    Step("contact", _l("Contact information"), form_section=N_("IMM 5710 Section 4: contact information"),
         fields=contact_fields()),
    Step("entry", _l("Coming into Canada"), form_section=N_("IMM 5710 Section 5: coming into Canada"), fields=(
        Field("original_entry_date", _l("Date of original entry to Canada"), kind="date"),
        Field("original_entry_place", _l("Place of original entry")),
        Field("original_entry_purpose", _l("Purpose of original visit"), kind="choice",
              options=(("visit", _l("Tourism or visit")), ("study", _l("Study")), ("work", _l("Work")),
                       ("asylum", _l("To make a refugee claim")), ("family", _l("Family")), ("other", _l("Other")))),
        Field("recent_entry_date", _l("Date of most recent entry"), kind="date", required=False),
        Field("recent_entry_place", _l("Place of most recent entry"), required=False),
        Field("previous_document_number", _l("Most recent document number (visitor record, permit, claimant document)"),
              required=False),
    )),
    Step("work", _l("Details of intended work"),
         form_section=N_("IMM 5710 Section 6: details of intended work in Canada"),
         fields=(
             Field("permit_type", _l("Type of work permit applied for"), kind="choice", form_ref="1a",
                   options=(("open", _l("Open Work Permit")),), prefill=lambda c: "open"),
             Field("intended_occupation", _l("Intended occupation (if known)"), required=False,
                   help=_l("An open work permit names no employer; leave empty if unknown.")),
             Field("duration_until", _l("Duration of expected employment: until"), kind="date", future=True,
                   required=False),
         )),
    Step("history", _l("Education and employment"), form_section=N_("IMM 5710 Section 7: education and employment"),
         intro=_l("Employment history for the past 10 years with no gaps: add a row for unemployment, school or "
                  "time in detention too."),
         fields=(
             Field("education_level", _l("Highest level of education"), kind="choice", options=(
                 ("none", _l("None")), ("secondary", _l("Secondary")), ("trade", _l("Trade or apprenticeship")),
                 ("college", _l("Non-university certificate or diploma")), ("bachelor", _l("Bachelor's degree")),
                 ("graduate", _l("Master's or doctorate")))),
             history_group("employment", _l("Employment history (past 10 years, including unemployment)"),
                           what="activity", what_label=_l("Occupation or activity (e.g. unemployed, student)"),
                           where_label=_l("Employer or school, city and country")),
         )),
    Step("background", _l("Background information"), form_section=N_("IMM 5710 Section 8: background information"),
         fields=(*(Field(key, label, kind="yesno") for key, label in BACKGROUND),
                 Field("background_details", _l("If you answered yes to any question, give details"), kind="textarea",
                       show_if=any_background_yes))),
    Step("medical", _l("Medical exam"), form_section=N_("Medical exam"),
         intro=_l("Without a medical exam the permit says the holder may not work in child care, primary or "
                  "secondary teaching, or health services."),
         fields=(
             Field("protected_occupation", _l("Will the applicant work in health care, child care, primary or "
                                              "secondary teaching, or another job where public health must be "
                                              "protected?"), kind="yesno"),
             Field("designated_country_6_months", _l("In the past year, did the applicant live 6 months or more in a "
                                                     "country designated for medical exams?"), kind="yesno"),
             Field("upfront_medical_done", _l("Has an upfront medical exam been done with a panel physician?"),
                   kind="yesno", show_if=medical_exam_needed),
         )),
    Step("biometrics", _l("Biometrics"), form_section=N_("Biometrics"), fields=(
        Field("biometrics_given", _l("Has the applicant given biometrics for a Canadian application before?"),
              kind="yesno"),
        Field("biometrics_date", _l("Date biometrics were given"), kind="date", show_if=yes("biometrics_given")),
        Field("biometrics_as_claimant", _l("Were they given as a refugee claimant or protected person?"), kind="yesno",
              show_if=yes("biometrics_given")),
    )),
    sending_step(),
    Step("declaration", _l("Consent and declaration"), form_section=N_("IMM 5710 Section 9: consent and declaration"),
         fields=(
             Field("consent_contact", _l("Do you consent to be contacted about other IRCC programs or surveys?"),
                   kind="yesno"),
             Field("declaration_read", _l("The applicant (or the parent or guardian) has read the declaration and the "
                                          "answers are complete and true"), kind="checkbox"),
         )),
)

CHECKLIST = (
    ChecklistItem("imm5710", _l("Application form IMM 5710, signed (barcode page on top for paper)"),
                  why=_l("the application itself (checklist IMM 5556)"), form_code="IMM 5710"),
    ChecklistItem("passport", _l("Passport or travel document: copy of the information page"), has_expiry=True,
                  why=_l("because the applicant has a passport"), show_if=yes("has_passport")),
    ChecklistItem("identity_document", _l("Identity document (national identity card, birth certificate)"),
                  why=_l("because there is no passport: some identity document is still needed"),
                  show_if=answer_in("has_passport", "no")),
    ChecklistItem("immigration_document", _l("Current or expired immigration document"), required=False,
                  why=_l("shows the history of status in Canada (checklist IMM 5556)")),
    ChecklistItem("removal_order", _l("Copy of the removal order and proof it cannot be enforced (stay, PRRA, "
                                      "appeal or suspension)"),
                  why=_l("because the basis is R206(1)(b), an unenforceable removal order"),
                  show_if=basis_is("r206_1_b")),
    ChecklistItem("rpd_referral", _l("Proof the claim was referred to the Refugee Protection Division "
                                     "(acknowledgement of claim or claimant document)"),
                  why=_l("because the basis is R206(1)(a), a refugee claim"),
                  show_if=basis_is("r206_1_a")),
    ChecklistItem("aip_letter", _l("Letter approving the H&C application in principle (stage 1)"),
                  why=_l("because the basis is R207(d)"), show_if=basis_is("r207_d")),
    ChecklistItem("trp", _l("Temporary resident permit"), has_expiry=True,
                  why=_l("because the basis is a temporary resident permit"), show_if=basis_is("r208_b", "state_care")),
    ChecklistItem("proof_of_need", _l("Proof the applicant cannot support themself without working (social "
                                      "assistance letter, bank statements, letter from a support group)"),
                  why=_l("because this basis is for someone who needs to work to support themself"),
                  show_if=basis_is(*NEEDS_SUPPORT_PROOF)),
    ChecklistItem("proof_of_state_care", _l("Proof of state care (court order or letter from the children's aid "
                                            "society)"),
                  why=_l("because the permit is the fee-free state-care measure"), show_if=basis_is("state_care")),
    ChecklistItem("ccms_referral_letter", _l("Community case management program: referral letter"), required=False,
                  why=_l("because the applicant is a program participant: evidence of the removal order's status and "
                         "of need"), show_if=ccms),
    ChecklistItem("ccms_reporting_conditions", _l("Release and reporting conditions"), required=False,
                  why=_l("because the applicant is a program participant: evidence that removal is not imminent"),
                  show_if=ccms),
    ChecklistItem("fee_receipt", _l("Fee receipt (upload under 'Proof of Fee Exemption' for S62)"),
                  why=_l("because this basis pays the processing fee"), show_if=pays_processing),
    ChecklistItem("medical_exam", _l("Upfront medical exam: panel physician's information sheet"), required=False,
                  why=_l("because the applicant will work where public health must be protected, or lived in a "
                         "designated country"), show_if=medical_exam_needed),
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
    Signer("guardian", _l("Parent or legal guardian (applicant under 18)"),
           capacity=guardian_capacity, show_if=minor),
)


def biometrics_result(context: Context):
    dob = context.client.get("dob")
    if dob is None:
        return None
    facts = status_facts(context.signing_date)
    return biometrics_for(
        date_of_birth=dob, on=context.signing_date, facts=facts["biometrics"],
        enrolled_on=as_date(context.get("biometrics_date")) if context.get("biometrics_given") == "yes" else None,
        claimant_or_protected_enrolled=context.get("biometrics_as_claimant") == "yes",
        fee_waived=BASES.get(context.get("basis", ""), BASES["r206_1_b"]).biometrics_fee_waived)


def state_care_eligible(context: Context) -> bool:
    facts = status_facts(context.today)["state_care"]
    care = care_in_state(context.client.get("care_periods"), today=context.today)
    return care.at_least_months(facts["min_care_months"])


def basis_rule(context: Context) -> list[Finding]:
    facts = status_facts(context.signing_date)["work_permit"]
    need = context.get("can_support_without_work")
    return basis_findings(
        basis=context.get("basis", ""), today=context.signing_date, facts=facts,
        needs_work_to_support=None if not need else need == "no",
        removal_order=None if not context.get("removal_order") else context.get("removal_order") == "yes",
        unenforceable_reason=context.get("unenforceable_reason", ""),
        referral_date=as_date(context.get("referral_date")),
        nationality=context.get("citizenship") or context.client.get("citizenships") or "",
        claim_decided=context.get("claim_decided") == "yes",
        approval_in_principle_date=as_date(context.get("aip_date")),
        trp_expiry=as_date(context.get("trp_expiry")),
        state_care_eligible=state_care_eligible(context) if context.get("basis") == "state_care" else None,
    )


def guidance_rule(context: Context) -> list[Finding]:
    findings = []
    result = biometrics_result(context)
    if result is not None:
        findings.append(Finding("info", "biometrics", result.reason, "domain E.4"))
    if medical_exam_needed(context) and context.get("upfront_medical_done") != "yes":
        findings.append(Finding("warning", "medical.upfront", _l(
            "Get an upfront medical exam from a panel physician before applying, or the permit will bar work in "
            "health, child care and teaching."), "domain E.5 [S]"))
    elif context.get("protected_occupation") == "no":
        findings.append(Finding("info", "medical.condition", _l(
            "No medical exam: the permit will say the holder may not work in child care, primary or secondary "
            "teaching, or health services. To remove it later: medical exam, then IMM 5710 'Other – remove "
            "conditions'."), "domain E.5 [S]"))
    age = age_at_signing(context)
    if age is not None and age < 18:
        findings.append(Finding("info", "imm5710.minor", _l(
            "The applicant is %(age)s on the signing date: a parent or legal guardian signs.", age=age),
            "domain I.1 [R]"))
    return findings


def fees(context: Context) -> list[FeeLine]:
    facts = status_facts(fee_day(context))
    lines = work_permit_fees(basis=context.get("basis", ""), facts=facts["work_permit"])
    result = biometrics_result(context)
    if result is not None:
        lines.append(FeeLine(_("Biometrics fee"), result.fee, facts["biometrics"]["source"], result.reason))
    return lines


def cover_letter(context: Context) -> list[str]:
    """The basis and its exemption code, and the program, only when the agency chose to say so."""
    basis = BASES.get(context.get("basis", ""))
    if basis is None:
        return []
    label = str(basis.label)
    basis_words = dict(regulation=basis.regulation, basis=label[0].lower() + label[1:])
    if basis.code:
        paragraphs = [_("The applicant asks for an open work permit under %(regulation)s (exemption code %(code)s): "
                        "%(basis)s.", code=basis.code, **basis_words)]
    else:
        paragraphs = [_("The applicant asks for an open work permit under %(regulation)s: %(basis)s.", **basis_words)]
    if basis.code == "S62":
        paragraphs.append(_("The processing fee has been paid; the applicant is exempt from the open work permit "
                            "holder fee. The receipt is enclosed as proof of fee exemption."))
    elif not basis.pays_processing:
        paragraphs.append(_("The applicant is exempt from the work permit fees for this basis."))
    if ccms(context) and context.get("cover_letter_mentions_program") == "yes":
        paragraphs.append(_("The applicant is a participant in a community case management and supervision program "
                            "run by %(agency)s. The program's referral letter and the reporting conditions are "
                            "enclosed as evidence of the status of the removal order and of the applicant's need to "
                            "work.", agency=context.agency.get("name") or _("the agency")))
    return paragraphs


def triage_fits(situation: Situation) -> list[Fit]:
    if situation.fits_state_care and situation.state_care_open:
        return [Fit(_l("Work permit on the fee-free state-care basis (not S62 and its fee), with the state-care "
                       "temporary resident permit."), recommended=False)]
    if not situation.needs_work_permit:
        return []
    basis = {"A70": _l("an H&C application approved in principle"), "S62": _l("a removal order that cannot be "
                                                                               "enforced now"),
             "S61": _l("a refugee claim waiting for a decision")}[situation.work_permit_code]
    reason = _l("A work permit from inside Canada under %(regulation)s, code %(code)s: %(basis)s.",
                regulation=situation.work_permit_basis, code=situation.work_permit_code, basis=basis)
    if situation.status not in Situation.WITHOUT_PR or situation.protected:
        return [Fit(reason, recommended=False)]
    return [Fit(reason, rank=30)]


PACKET = PacketType(
    key="imm_5710",
    order=50,
    triage=Triage(_l("Work permit from inside Canada (IMM 5710)"), triage_fits),
    title=_l("Open work permit from inside Canada"),
    form_code="IMM 5710",
    description=_l("For people under an unenforceable removal order, refugee claimants, H&C applicants approved in "
                   "principle, temporary resident permit holders and former children in state care."),
    steps=STEPS,
    checklist=CHECKLIST,
    signers=SIGNERS,
    rules=(basis_rule, history_rule("employment", _l("Employment history"), years=10, since_18=True), guidance_rule,
           fee_date_rule(lambda context: fees(context))),
    fees=fees,
    submission=N_("Online in the IRCC account (recommended), or on paper to the address in guide IMM 5553 "
               "(checklist IMM 5556)."),
    cover_letter=with_editions(("IMM 5710",), cover_letter),
)
