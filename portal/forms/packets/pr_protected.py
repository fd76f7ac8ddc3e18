"""Permanent residence as a protected person in Canada: IMM 0008, Schedule A, IMM 5406 and the travels
supplement (IMM 5562), with the decision that made the applicant a protected person.

Fees: the processing fee per person (facts.toml `pp_*`, VERIFY); the right of permanent residence fee is waived
for protected persons (issue 16; IRPR s.303(2) exempts protected persons [R], VERIFY). The domain notes have no
section of their own for this route: the forms and checklist follow IRCC's protected-persons package [R].
"""
from __future__ import annotations

from portal.forms import facts
from portal.forms.editions import with_editions
from portal.forms.parts.common import adult, fee_date_rule, fee_day, sending_step, yes
from portal.forms.parts.status import (
    family_roles,
    family_rule,
    history_rule,
    imm0008_signers,
    imm0008_step,
    imm5406_step,
    schedule_a_step,
)
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
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

DECIDED_BY = (("rpd", _l("Refugee Protection Division (refugee claim accepted)")),
              ("rad", _l("Refugee Appeal Division (appeal allowed)")),
              ("prra", _l("Pre-removal risk assessment (positive)")))
RPRF_WAIVED = "Right of permanent residence fee: not payable by protected persons [R]; issue 16; VERIFY"


def adult_family_members(context: Context) -> bool:
    return any(age_on(as_date(row.get("date_of_birth")), context.signing_date) >= 18
               for row in context.get("family_members") or [] if as_date(row.get("date_of_birth")))


def has_family(context: Context) -> bool:
    return bool(context.get("family_members"))


STEPS = (
    Step("protection", _l("Protected person decision"), form_section=N_("Eligibility: the protection decision"),
         intro=_l("The decision that made the applicant a protected person in Canada."), fields=(
             Field("decided_by", _l("Who decided that the applicant is a protected person"), kind="radio",
                   options=DECIDED_BY),
             Field("decision_date", _l("Date of the decision"), kind="date"),
             Field("decision_file_number", _l("File number on the decision (IRB or IRCC)"), required=False),
             Field("family_abroad", _l("Are there family members outside Canada to include?"), kind="yesno",
                   help=_l("A spouse and dependent children abroad can be included and processed at the same "
                           "time.")),
             Field("inadmissibility_raised", _l("Has IRCC or CBSA raised security, human rights violations, "
                                                "organized crime or serious criminality?"), kind="yesno"),
         )),
    imm0008_step(),
    schedule_a_step(show_if=adult),
    imm5406_step(family_help=_l("Spouse or partner and dependent children, in Canada or abroad (under 22 and "
                                "unmarried, or older and dependent because of a condition).")),
    Step("travels", _l("Your travels"), form_section=N_("IMM 5562 Supplementary information: your travels"),
         intro=_l("Every trip outside the country of residence in the past 10 years, or since age 18."), fields=(
             Field("travelled", _l("Has the applicant travelled outside their country of residence in the past 10 "
                                   "years (or since 18)?"), kind="yesno"),
             Field("trips", _l("Trips"), kind="group", show_if=yes("travelled"), columns=(
                 Field("from", _l("From"), kind="date"),
                 Field("to", _l("To"), kind="date"),
                 Field("length", _l("Length of stay (days)"), kind="number", required=False),
                 Field("destination", _l("City or town, country"), kind="text"),
                 Field("purpose", _l("Purpose of travel"), kind="text"),
             )),
         )),
    sending_step(),
    Step("declaration", _l("Declaration"), form_section=N_("Declarations and signatures (IMM 0008, Schedule A, "
                                                      "IMM 5406, IMM 5562)"), fields=(
        Field("declaration_read", _l("The applicant (or the parent or guardian) has read the declarations and the "
                                     "answers are complete and true"), kind="checkbox"),
    )),
)

CHECKLIST = (
    ChecklistItem("imm0008", _l("Generic application form IMM 0008"), why=_l("a mandatory form"),
                  form_code="IMM 0008"),
    ChecklistItem("schedule_a", _l("Schedule A (IMM 5669) for the applicant and each family member 18 or older"),
                  why=_l("a mandatory form for everyone 18 or older"), show_if=adult, form_code="IMM 5669"),
    ChecklistItem("imm5406", _l("Additional family information (IMM 5406)"), why=_l("a mandatory form"),
                  form_code="IMM 5406"),
    ChecklistItem("imm5562", _l("Supplementary information: your travels (IMM 5562)"),
                  why=_l("a form of the protected persons' package (VERIFY)"), form_code="IMM 5562"),
    ChecklistItem("decision", _l("Copy of the decision: the IRB's notice of decision, or the positive PRRA letter"),
                  why=_l("shows the applicant is a protected person")),
    ChecklistItem("identity_document", _l("Identity document: passport, national identity card, or a statutory "
                                          "declaration with other evidence if none can be obtained"),
                  has_expiry=True, why=_l("IRCC must be satisfied of the applicant's identity")),
    ChecklistItem("photos", _l("Two photos per person"), why=_l("IRCC photo specifications")),
    ChecklistItem("fee_receipt", _l("Fee receipt for the processing fees in force on the day IRCC receives the "
                                    "application"), why=_l("processing fees apply; the right of PR fee does not")),
    ChecklistItem("family_forms", _l("Forms for each family member (their own IMM 5406, and Schedule A if 18 or "
                                     "older)"), why=_l("because family members are included"), show_if=has_family),
    ChecklistItem("proof_of_authority", _l("Proof of authority to sign for the minor (court order, guardianship order "
                                           "or written agreement)"),
                  why=_l("because the applicant is under 18 and a guardian signs"), show_if=lambda c: not adult(c)),
    ChecklistItem("representative", _l("Use of a representative (IMM 5476) and release of information (IMM 5475), "
                                       "if used"), required=False, why=_l("only if a representative is named")),
    ChecklistItem("translations", _l("Certified translations with the translator's affidavit"), required=False,
                  why=_l("for any document not in English or French")),
)


def fees(context: Context) -> list[FeeLine]:
    on = fee_day(context)
    keys = {"principal": "pp_principal", "spouse": "pp_spouse", "child": "pp_child"}
    lines = []
    for person in family_roles(context):
        entry = facts.fee(keys[person], on)
        lines.append(FeeLine(_(entry.label), entry.amount, entry.cite(),
                             _("VERIFY on canada.ca") if entry.verify else ""))
    lines.append(FeeLine(_("Right of permanent residence fee"), 0.0, RPRF_WAIVED, _("Waived for protected persons")))
    return lines


def decision_rule(context: Context) -> list[Finding]:
    found = []
    if context.client.get("status") not in ("protected_person", None, ""):
        found.append(Finding("warning", "protected.status", _l(
            "The client file does not show protected person status: this route is for people the IRB or a PRRA "
            "found to be protected persons."), "IRPA s.21(2), s.95 [C]"))
    decided = as_date(context.get("decision_date"))
    if decided and decided > context.signing_date:
        found.append(Finding("blocker", "protected.decision_date", _l(
            "The decision date is after the planned signing date."), "IRPA s.21(2)"))
    if context.get("inadmissibility_raised") == "yes":
        found.append(Finding("blocker", "protected.inadmissible", _l(
            "Security, human rights, organized crime or serious criminality bars permanent residence as a protected "
            "person: get legal advice before filing."), "IRPA s.21(2) [C]"))
    if context.get("family_abroad") == "yes":
        found.append(Finding("info", "protected.family_abroad", _l(
            "Family members abroad go in this application (IMM 5406 and their own forms) to be processed at the same "
            "time."), "IRPR s.176 [R]"))
    return found


def triage_fits(situation: Situation) -> list[Fit]:
    if not situation.protected:
        return []
    return [Fit(_l("A protected person in Canada: permanent residence as a protected person. The right of "
                   "permanent residence fee is waived."), rank=20)]


PACKET = PacketType(
    key="pr_protected",
    order=75,
    triage=Triage(_l("Permanent residence as a protected person (IMM 0008)"), triage_fits),
    title=_l("Permanent residence as a protected person"),
    form_code="IMM 0008 (protected persons)",
    description=_l("Permanent residence for a protected person in Canada (refugee claim accepted, or a positive "
                   "PRRA), with family members in Canada or abroad. Processing fees apply; the right of permanent "
                   "residence fee is waived."),
    steps=STEPS,
    checklist=CHECKLIST,
    signers=imm0008_signers() + (
        Signer("family_adults", _l("Each family member 18 or older"),
               capacity=_l("signs their own Schedule A and IMM 5406"), show_if=adult_family_members),
    ),
    rules=(decision_rule, family_rule("protected", must_be_in_canada=False),
           history_rule("personal_history", _l("Schedule A personal history")),
           history_rule("address_history", _l("Schedule A addresses")), fee_date_rule(lambda context: fees(context))),
    fees=fees,
    submission=N_("Online through the permanent residence portal, or on paper as the protected persons' guide says "
               "(VERIFY the channel and address)."),
    allows_family_members=True,
    cover_letter=with_editions(("IMM 0008", "IMM 5669", "IMM 5406", "IMM 5562"), lambda context: [
        "The applicant is a protected person in Canada and applies for permanent residence under IRPA s.21(2). The "
        "right of permanent residence fee is not payable by protected persons."]),
)
