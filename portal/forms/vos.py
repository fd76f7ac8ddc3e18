"""Verification of Status (IMM 5009, guide IMM 5545, domain H): proof of PR when the record of landing or
confirmation of PR is lost. Not a travel or identity document. Corrections go on IMM 5218 instead."""
from __future__ import annotations

from portal.forms import register
from portal.forms.status_common import (
    SERVICE_LANGUAGE, answer_in, birth_fields, contact_fields, minor, name_fields, s57_signer_list,
)
from portal.forms.types import ChecklistItem, Context, FeeLine, Field, Finding, PacketType, Step
from portal.rules.facts import status_facts

STEPS = (
    Step("request", "What is needed", form_section="IMM 5009 Section 1: type of request", fields=(
        Field("language_of_service", "Service language", kind="radio", options=SERVICE_LANGUAGE),
        Field("request", "I am applying for", kind="radio", options=(
            ("vos", "Verification of Status (the record of landing or confirmation of PR is lost)"),
            ("correction", "A correction to my record of landing or confirmation of PR"))),
        Field("reason_needed", "Why the proof is needed (citizenship application, health card, school...)",
              kind="textarea", required=False),
    )),
    Step("personal", "Personal details", form_section="IMM 5009 Section 2: personal details", fields=(
        Field("uci", "UCI", kind="uci", required=False, prefill=lambda c: c.client.get("uci") or None),
        *name_fields(as_on="the record of landing or confirmation of PR"),
        Field("name_at_landing", "Name at the time of landing, if different", kind="name", required=False),
        *birth_fields(),
    )),
    Step("landing", "Landing details", form_section="IMM 5009 Section 3: immigration details", fields=(
        Field("landing_date", "Date became a permanent resident", kind="date"),
        Field("landing_place", "Place (port of entry or IRCC office)"),
        Field("document_number", "Record of landing or confirmation of PR number, if known", required=False),
    )),
    Step("contact", "Contact information", form_section="IMM 5009 Section 4: contact information",
         fields=contact_fields()),
    Step("signatures", "Who signs", form_section="IMM 5009 Section 5: declaration and signatures",
         show_if=minor, intro="For a minor, the PR card rules of IRPR s.57 are followed.", fields=(
             Field("court_appointed", "Has a Canadian court made the agency (or another person) responsible for the "
                   "applicant?", kind="yesno"),
             Field("parents_deceased", "Have both parents died?", kind="yesno",
                   show_if=answer_in("court_appointed", "no")),
         )),
)

CHECKLIST = (
    ChecklistItem("imm5009", "Verification of Status request (IMM 5009)", why="the application (guide IMM 5545)"),
    ChecklistItem("identity_documents", "Copies of identity documents (passport, birth certificate, PR card)",
                  why="shows who the applicant is"),
    ChecklistItem("fee_receipt", "Fee receipt ($30)", why="the processing fee"),
    ChecklistItem("proof_of_authority", "Court order making the agency responsible for the child",
                  why="because the agency signs for an applicant under 18",
                  show_if=lambda c: minor(c) and c.get("court_appointed") == "yes"),
    ChecklistItem("translations", "Translations with a translator's affidavit", required=False,
                  why="for any document not in English or French"),
)


def correction_rule(context: Context) -> list[Finding]:
    if context.get("request") != "correction":
        return []
    return [Finding("blocker", "vos.correction", "A correction to a record of landing or confirmation of PR is asked "
                    "for on form IMM 5218, not IMM 5009.", "guide IMM 5545; domain H")]


def fees(context: Context) -> list[FeeLine]:
    facts = status_facts(context.signing_date)["vos"]
    return [FeeLine("Verification of Status fee", facts["fee"], facts["source"])]


PACKET = register(PacketType(
    key="vos",
    title="Verification of Status (proof of PR when the record is lost)",
    form_code="IMM 5009",
    description="Since 2012 IRCC issues a Verification of Status instead of a replacement record of landing. It is "
                "not a travel or identity document.",
    steps=STEPS,
    checklist=CHECKLIST,
    signers=s57_signer_list(),
    rules=(correction_rule,),
    fees=fees,
    submission="By mail, as guide IMM 5545 says.",
))
