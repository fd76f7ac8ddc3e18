"""PR card (IMM 5444, domain H): one application per person whatever the age, $50, the residency
obligation, and the minor signature rules of IRPR s.57."""
from __future__ import annotations

from portal.forms import register
from portal.forms.status_common import (
    SERVICE_LANGUAGE, answer_in, birth_fields, contact_fields, history_group, history_rule, minor, name_fields,
    s57_signer_list, yes,
)
from portal.forms.types import ChecklistItem, Context, FeeLine, Field, Finding, PacketType, Step
from portal.rules.dates import as_date
from portal.rules.facts import status_facts
from portal.rules.residency import residency

REASONS = (("first", "I did not receive my first PR card"), ("renew", "My card expired or will expire"),
           ("lost", "My card was lost, stolen or destroyed"), ("damaged", "My card is damaged"),
           ("name_change", "I changed my name or other details"))
EYES = (("black", "Black"), ("blue", "Blue"), ("brown", "Brown"), ("green", "Green"), ("grey", "Grey"),
        ("hazel", "Hazel"), ("other", "Other"))

STEPS = (
    Step("application", "Reason for applying", form_section="IMM 5444 Section A: reason for application", fields=(
        Field("language_of_service", "Service language", kind="radio", options=SERVICE_LANGUAGE),
        Field("reason", "Reason for this application", kind="radio", options=REASONS),
        Field("in_canada", "Is the applicant in Canada now?", kind="yesno",
              help="A PR card application can only be made from inside Canada."),
        Field("lost_details", "When, where and how the card was lost, stolen or destroyed", kind="textarea",
              show_if=answer_in("reason", "lost")),
        Field("police_report", "Was the theft reported to the police?", kind="yesno",
              show_if=answer_in("reason", "lost")),
    )),
    Step("personal", "Personal details", form_section="IMM 5444 Section B: personal details", fields=(
        Field("uci", "UCI", kind="uci", required=False, prefill=lambda c: c.client.get("uci") or None),
        *name_fields(as_on="the confirmation of permanent residence"),
        *birth_fields(),
        Field("eye_colour", "Eye colour", kind="choice", options=EYES, answered_by="either"),
        Field("height_cm", "Height (cm)", kind="number", answered_by="either"),
        Field("became_pr", "Date became a permanent resident", kind="date"),
        Field("copr_number", "Record of landing or confirmation of PR number", required=False),
    )),
    Step("contact", "Contact information", form_section="IMM 5444 Section C: contact information",
         fields=contact_fields()),
    Step("residency", "Addresses and time outside Canada",
         form_section="IMM 5444 Sections D–E: address history and absences (last 5 years)", fields=(
             history_group("address_history", "Addresses in the last 5 years", what="address",
                           what_label="Street and number", where_label="City, province and country"),
             Field("absences", "Trips outside Canada in the last 5 years", kind="group", required=False, columns=(
                 Field("left", "Date left Canada", kind="date"),
                 Field("returned", "Date returned", kind="date"),
                 Field("destination", "Where"),
                 Field("reason", "Why"),
             )),
         )),
    Step("signatures", "Who signs", form_section="IMM 5444 Section F: declaration and signatures (IRPR s.57)",
         show_if=minor, intro="For a minor, IRPR s.57 decides who signs.", fields=(
             Field("court_appointed", "Has a Canadian court made the agency (or another person) responsible for the "
                   "applicant?", kind="yesno"),
             Field("parents_deceased", "Have both parents died?", kind="yesno",
                   show_if=answer_in("court_appointed", "no")),
         )),
)

CHECKLIST = (
    ChecklistItem("imm5444", "Application for a PR card (IMM 5444), one for each person", why="the application "
                  "(checklist IMM 5644)"),
    ChecklistItem("identity_document", "Passport or travel document used to come to Canada", has_expiry=True,
                  why="shows identity and entries"),
    ChecklistItem("copr", "Confirmation of PR or record of landing", why="shows PR status"),
    ChecklistItem("old_card", "The current PR card (both sides)", has_expiry=True,
                  why="because the card is being renewed or replaced", show_if=answer_in("reason", "renew",
                                                                                         "damaged", "name_change")),
    ChecklistItem("police_report", "Police report of the theft", why="because the card was stolen and reported",
                  show_if=yes("police_report")),
    ChecklistItem("photos", "Two PR card photos", why="IRCC photo specifications"),
    ChecklistItem("fee_receipt", "Fee receipt ($50)", why="the processing fee"),
    ChecklistItem("proof_of_authority", "Court order making the agency responsible for the child",
                  why="because the agency signs for an applicant under 18 under IRPR s.57",
                  show_if=lambda c: minor(c) and c.get("court_appointed") == "yes"),
    ChecklistItem("name_change", "Proof of the name change", why="because the name changed",
                  show_if=answer_in("reason", "name_change")),
)


def residency_rule(context: Context) -> list[Finding]:
    findings = []
    if context.get("in_canada") == "no":
        findings.append(Finding("blocker", "pr.in_canada", "The applicant must be in Canada to apply for a PR card.",
                                "domain H"))
    became = as_date(context.get("became_pr"))
    if became is None:
        return findings
    facts = status_facts(context.signing_date)["pr_card"]
    result = residency(became_pr=became, on=context.signing_date, absences=context.get("absences"))
    required = int(facts["residency_days"])
    if result.meets(required):
        return findings + [Finding("info", "pr.residency", f"{result.days_present:,} days in Canada counted (at "
                                   f"least {required} needed in 5 years).", "IRPA s.28; domain H", result.working)]
    return findings + [Finding("blocker", "pr.residency", f"Only {result.days_present:,} days in Canada counted: the "
                               f"residency obligation is {required} days in 5 years. Get legal advice before applying.",
                               "IRPA s.28; domain H", result.working)]


def fees(context: Context) -> list[FeeLine]:
    facts = status_facts(context.signing_date)["pr_card"]
    return [FeeLine("PR card processing fee", facts["fee"], facts["source"], "One application and fee per person")]


PACKET = register(PacketType(
    key="pr_card",
    title="Permanent resident card",
    form_code="IMM 5444",
    description="A first, renewed or replacement PR card, for a permanent resident in Canada.",
    steps=STEPS,
    checklist=CHECKLIST,
    signers=s57_signer_list(),
    rules=(residency_rule, history_rule("address_history", "Addresses", years=5, since_18=False,
                                        gap_level="warning")),
    fees=fees,
    submission="Online in the permanent residence portal, or on paper as guide IMM 5445 says (checklist IMM 5644). "
               "The applicant must be in Canada.",
))
