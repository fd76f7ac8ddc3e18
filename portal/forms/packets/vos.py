"""Verification of Status (IMM 5009, guide IMM 5545, domain H): proof of PR when the record of landing or
confirmation of PR is lost. Not a travel or identity document. Corrections go on IMM 5218 instead."""
from __future__ import annotations

from portal.forms.editions import with_editions
from portal.forms.facts import status_facts
from portal.forms.parts.common import SERVICE_LANGUAGE, fee_date_rule, fee_day, minor, s57_step, sending_step
from portal.forms.parts.status import birth_fields, contact_fields, name_fields, s57_signer_list
from portal.forms.types import ChecklistItem, Context, FeeLine, Field, Finding, Fit, PacketType, Situation, Step, Triage
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

STEPS = (
    Step("request", _l("What is needed"), form_section=N_("IMM 5009 Section 1: type of request"), fields=(
        Field("language_of_service", _l("Service language"), kind="radio", options=SERVICE_LANGUAGE),
        Field("request", _l("I am applying for"), kind="radio", options=(
            ("vos", _l("Verification of Status (the record of landing or confirmation of PR is lost)")),
            ("correction", _l("A correction to my record of landing or confirmation of PR")))),
        Field("reason_needed", _l("Why the proof is needed (citizenship application, health card, school...)"),
              kind="textarea", required=False),
    )),
    Step("personal", _l("Personal details"), form_section=N_("IMM 5009 Section 2: personal details"), fields=(
        Field("uci", _l("UCI"), kind="uci", required=False, prefill=lambda c: c.client.get("uci") or None),
        *name_fields(as_on=_l("the record of landing or confirmation of PR")),
        Field("name_at_landing", _l("Name at the time of landing, if different"), kind="name", required=False),
        *birth_fields(),
    )),
    Step("landing", _l("Landing details"), form_section=N_("IMM 5009 Section 3: immigration details"), fields=(
        Field("landing_date", _l("Date became a permanent resident"), kind="date"),
        Field("landing_place", _l("Place (port of entry or IRCC office)")),
        Field("document_number", _l("Record of landing or confirmation of PR number, if known"), required=False),
    )),
    Step("contact", _l("Contact information"), form_section=N_("IMM 5009 Section 4: contact information"),
         fields=contact_fields()),
    sending_step(),
    s57_step(section=N_("IMM 5009 Section 5: declaration and signatures"),
             intro=_l("For a minor, the PR card rules of IRPR s.57 are followed.")),
)

CHECKLIST = (
    ChecklistItem("imm5009", _l("Verification of Status request (IMM 5009)"),
                  why=_l("the application (guide IMM 5545)"), form_code="IMM 5009"),
    ChecklistItem("identity_documents", _l("Copies of identity documents (passport, birth certificate, PR card)"),
                  why=_l("shows who the applicant is")),
    ChecklistItem("fee_receipt", _l("Fee receipt ($30)"), why=_l("the processing fee")),
    ChecklistItem("proof_of_authority", _l("Court order making the agency responsible for the child"),
                  why=_l("because the agency signs for an applicant under 18"),
                  show_if=lambda c: minor(c) and c.get("court_appointed") == "yes"),
    ChecklistItem("translations", _l("Translations with a translator's affidavit"), required=False,
                  why=_l("for any document not in English or French")),
)


def correction_rule(context: Context) -> list[Finding]:
    if context.get("request") != "correction":
        return []
    return [Finding("blocker", "vos.correction", _l(
        "A correction to a record of landing or confirmation of PR is asked for on form IMM 5218, not IMM 5009."),
        "guide IMM 5545; domain H")]


def fees(context: Context) -> list[FeeLine]:
    facts = status_facts(fee_day(context))["vos"]
    return [FeeLine(_("Verification of Status fee"), facts["fee"], facts["source"])]


def triage_fits(situation: Situation) -> list[Fit]:
    if situation.permanent_resident and situation.lacks_pr_documents:
        return [Fit(_l("A Verification of Status if the Record of Landing or COPR is lost."), recommended=False)]
    return []


PACKET = PacketType(
    key="vos",
    order=90,
    triage=Triage(_l("Verification of Status (IMM 5009)"), triage_fits),
    title=_l("Verification of Status (proof of PR when the record is lost)"),
    form_code="IMM 5009",
    description=_l("Since 2012 IRCC issues a Verification of Status instead of a replacement record of landing. It is "
                   "not a travel or identity document."),
    steps=STEPS,
    checklist=CHECKLIST,
    signers=s57_signer_list(),
    rules=(correction_rule, fee_date_rule(lambda context: fees(context))),
    fees=fees,
    submission=N_("By mail, as guide IMM 5545 says."),
    cover_letter=with_editions(("IMM 5009",)),
)
