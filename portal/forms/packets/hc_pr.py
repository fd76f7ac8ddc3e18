"""Permanent residence on humanitarian and compassionate grounds (domain G): IMM 0008, Schedule A,
IMM 5406 and IMM 5283, with the best interests of the child as its own guided section."""
from __future__ import annotations

from portal.forms.editions import with_editions
from portal.forms.facts import status_facts
from portal.forms.parts.common import YES_NO, adult, answer_in, fee_date_rule, fee_day, sending_step
from portal.forms.parts.status import (
    family_roles,
    family_rule,
    history_rule,
    imm0008_signers,
    imm0008_step,
    imm5406_step,
    schedule_a_step,
)
from portal.forms.rules.dates import as_date
from portal.forms.rules.hc_bars import NEGATIVE_DECISIONS, hc_bars, hc_fees
from portal.forms.types import ChecklistItem, Context, FeeLine, Field, Finding, Fit, PacketType, Situation, Step, Triage
from portal.i18n import N_
from portal.i18n import lazy_gettext as _l
from portal.models import StatusInCanada

BIOC_FACTORS = (
    ("bioc_age", _l("Age of each child and their stage of development")),
    ("bioc_relationships", _l("The child's relationships with the applicant and others in Canada")),
    ("bioc_separation", _l("What separation from parents or caregivers would mean for the child")),
    ("bioc_ties", _l("Time in Canada and ties to Canada (school, community, friends)")),
    ("bioc_health", _l("Health and any disability, and care available")),
    ("bioc_education", _l("Education, and what would happen to it")),
    ("bioc_country", _l("Conditions the child would face in the other country (for example risks to girls)")),
)


def children_affected(context: Context) -> bool:
    return context.get("children_affected") == "yes"


def has_family(context: Context) -> bool:
    return bool(context.get("family_members"))


STEPS = (
    Step("bars", _l("Can an H&C be made now?"), form_section=N_("Eligibility and bars (guide IMM 5291)"), fields=(
        Field("other_hc_pending", _l("Does the applicant have another H&C application still open?"), kind="yesno"),
        Field("refugee_claim_pending", _l("Is a refugee claim still waiting for a decision?"), kind="yesno"),
        Field("negative_decision", _l("Most recent negative refugee decision"), kind="choice", required=False,
              options=(("none", _l("None")),) + NEGATIVE_DECISIONS),
        Field("negative_decision_date", _l("Date of that decision"), kind="date",
              show_if=answer_in("negative_decision", "rpd", "rad", "abandoned", "prra")),
        Field("health_risk", _l("Would return put the applicant's life at risk because adequate health care is not "
                                "available?"), kind="yesno"),
        Field("security_inadmissible", _l("Has IRCC or CBSA raised security, human rights violations or organized "
                                          "crime (IRPA s.34, 35 or 37)?"), kind="yesno"),
        Field("children_affected", _l("Is any child directly affected by the decision (the applicant if under 18, or "
                                      "children in Canada)?"), kind="yesno"),
    )),
    imm0008_step(),
    schedule_a_step(show_if=adult),
    imm5406_step(family_help=_l("Spouse or partner and dependent children (under 22 and unmarried, or older and "
                                "dependent because of a condition).")),
    Step("hc_history", _l("Immigration history and establishment"),
         form_section=N_("IMM 5283 Sections: personal information, immigration history, establishment, family ties"),
         fields=(
             Field("immigration_history", _l("Immigration history in Canada (entries, claims, decisions, removal "
                                             "orders)"), kind="textarea"),
             Field("establishment", _l("Establishment in Canada: work, school, volunteering, community"),
                   kind="textarea"),
             Field("family_ties", _l("Family ties in Canada"), kind="textarea"),
         )),
    Step("bioc", _l("Best interests of the child"), show_if=children_affected,
         form_section=N_("IMM 5283 Section: best interests of a child directly affected"),
         intro=_l("Officers must weigh the best interests of every child directly affected (IRPA s.25(1)). Give "
                  "evidence for each point."),
         fields=(
             Field("children", _l("Children directly affected"), kind="group", columns=(
                 Field("name", _l("Full name"), kind="name"),
                 Field("date_of_birth", _l("Date of birth"), kind="date"),
                 Field("relationship", _l("Relationship to the applicant (or 'the applicant')")),
                 Field("in_canada", _l("In Canada?"), kind="yesno"),
             )),
             *(Field(key, label, kind="textarea", required=key in ("bioc_relationships", "bioc_ties"))
               for key, label in BIOC_FACTORS),
         )),
    Step("hardship", _l("Hardship and other factors"),
         form_section=N_("IMM 5283 Sections: hardship, health, family violence, separation, exemptions requested"),
         fields=(
             Field("hardship", _l("Hardship on return and adverse country conditions"), kind="textarea"),
             Field("health", _l("Health considerations"), kind="textarea", required=False),
             Field("family_violence", _l("Family violence"), kind="textarea", required=False),
             Field("separation", _l("Effects of separating relatives"), kind="textarea", required=False),
             Field("exemptions_requested", _l("Exemptions requested (the requirements of the Act or Regulations that "
                                              "the applicant asks to be exempted from)"), kind="textarea"),
         )),
    sending_step(),
    Step("fees_declaration", _l("Fees and declaration"), form_section=N_("Fees and declarations (IMM 0008, IMM 5283)"),
         fields=(
             Field("rprf_exempt", _l("Has IRCC confirmed an exemption from the right of permanent residence fee?"),
                   kind="yesno", options=YES_NO),
             Field("declaration_read", _l("The applicant (or the parent or guardian) has read the declarations and the "
                                          "answers are complete and true"), kind="checkbox"),
         )),
)

CHECKLIST = (
    ChecklistItem("imm0008", _l("Generic application form IMM 0008"), why=_l("a mandatory form (checklist IMM 5280)"),
                  form_code="IMM 0008"),
    ChecklistItem("schedule_a", _l("Schedule A (IMM 5669) for the applicant and each family member 18 or older, "
                                   "10 years or since 18 with no gaps"),
                  why=_l("because the applicant is 18 or older"), show_if=adult, form_code="IMM 5669"),
    ChecklistItem("imm5406", _l("Additional family information (IMM 5406)"), why=_l("a mandatory form"),
                  form_code="IMM 5406"),
    ChecklistItem("imm5283", _l("Humanitarian and compassionate considerations (IMM 5283)"),
                  why=_l("the H&C grounds, with evidence for every statement"), form_code="IMM 5283"),
    ChecklistItem("passport", _l("Passport pages with all entry stamps"), has_expiry=True,
                  why=_l("shows identity and entries"), show_if=answer_in("identity_document", "passport")),
    ChecklistItem("status_documents", _l("Status documents, even expired"), required=False,
                  why=_l("shows the history of status")),
    ChecklistItem("birth_certificate", _l("Birth certificates"), why=_l("shows identity and parents")),
    ChecklistItem("photos", _l("Two photos per person"), why=_l("IRCC photo specifications")),
    ChecklistItem("bioc_evidence", _l("Evidence for the child's best interests (school reports, agency letters, "
                                      "psychological reports)"),
                  why=_l("because a child is directly affected"), show_if=children_affected),
    ChecklistItem("establishment_evidence", _l("Evidence of establishment (work, school, volunteering, letters)"),
                  why=_l("supports the establishment section")),
    ChecklistItem("hardship_evidence", _l("Evidence of hardship and country conditions"),
                  why=_l("supports the hardship section")),
    ChecklistItem("fee_receipt", _l("Fee receipt"),
                  why=_l("fees are not waivable and Legal Aid Ontario does not cover them")),
    ChecklistItem("common_law", _l("Statutory declaration of common-law union (IMM 5409)"),
                  why=_l("because the applicant is in a common-law relationship"),
                  show_if=answer_in("marital_status", "common_law")),
    ChecklistItem("proof_of_authority", _l("Proof of authority to sign for the minor (court order, guardianship order "
                                           "or written agreement)"),
                  why=_l("because the applicant is under 18 and a guardian signs"), show_if=lambda c: not adult(c)),
    ChecklistItem("family_forms", _l("Forms for each family member"), why=_l("because family members are included"),
                  show_if=has_family),
    ChecklistItem("imm0008dep", _l("Additional dependants / declaration (IMM 0008DEP)"),
                  why=_l("because there are more than 5 dependants"), show_if=lambda c: len(family_roles(c)) > 6),
    ChecklistItem("representative", _l("IMM 5476 and IMM 5475, if used (the only forms to sign when filing online)"),
                  required=False, why=_l("only if a representative or another contact is named")),
    ChecklistItem("translations", _l("Certified translations with a copy of the original and the translator's "
                                     "affidavit"), required=False, why=_l("for any document not in English or French")),
)


def bars_rule(context: Context) -> list[Finding]:
    return hc_bars(
        applying_on=context.signing_date, other_hc_pending=context.get("other_hc_pending") == "yes",
        refugee_claim_pending=context.get("refugee_claim_pending") == "yes",
        negative_decision="" if context.get("negative_decision") in (None, "", "none")
        else context.get("negative_decision"),
        negative_decision_date=as_date(context.get("negative_decision_date")),
        child_best_interests=children_affected(context), health_risk=context.get("health_risk") == "yes",
        security_inadmissible=context.get("security_inadmissible") == "yes")


def fees(context: Context) -> list[FeeLine]:
    return hc_fees(people=family_roles(context), facts=status_facts(fee_day(context))["hc"],
                   rprf_exempt=context.get("rprf_exempt") == "yes")


def triage_fits(situation: Situation) -> list[Fit]:
    if situation.hc_open:
        return []  # IRPA 25(1.2)(a): no second H&C while one is pending (approved in principle is still pending)
    if situation.state_care_open:
        return [Fit(_l("H&C permanent residence if the state-care pathway does not fit (for example, not 3 years' "
                       "residence)."), recommended=False)]
    if situation.status not in (StatusInCanada.no_status, StatusInCanada.unknown, StatusInCanada.temporary_resident):
        return []
    if situation.needs_work_permit:
        if situation.status == StatusInCanada.no_status:
            return [Fit(_l("H&C permanent residence, the longer-term route."), recommended=False)]
        return []
    return [Fit(_l("No status and not eligible for the state-care pathway: permanent residence on humanitarian and "
                   "compassionate grounds."), rank=40)]


PACKET = PacketType(
    key="hc_pr",
    order=70,
    triage=Triage(_l("Permanent residence on humanitarian and compassionate grounds"), triage_fits),
    title=_l("Permanent residence on humanitarian and compassionate grounds"),
    form_code="IMM 0008 / IMM 5283",
    description=_l("For people without status who are not eligible for the state-care pathway. Fees apply and are "
                   "not waivable."),
    steps=STEPS,
    checklist=CHECKLIST,
    signers=imm0008_signers(),
    rules=(bars_rule, family_rule("hc", must_be_in_canada=False),
           history_rule("personal_history", _l("Schedule A personal history")),
           history_rule("address_history", _l("Schedule A addresses")), fee_date_rule(lambda context: fees(context))),
    fees=fees,
    submission=N_("Online through the permanent residence portal. Paper, braille or large print only as an "
               "accommodation requested from IRCC. Incomplete applications are returned."),
    allows_family_members=True,
    cover_letter=with_editions(("IMM 0008", "IMM 5669", "IMM 5406", "IMM 5283")),
)
