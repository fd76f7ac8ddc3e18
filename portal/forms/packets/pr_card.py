"""PR card (IMM 5444, domain H): one application per person whatever the age, $50, the residency
obligation, and the minor signature rules of IRPR s.57."""
from __future__ import annotations

from portal.forms.editions import with_editions
from portal.forms.facts import status_facts
from portal.forms.parts.common import (
    EYES,
    SERVICE_LANGUAGE,
    answer_in,
    fee_date_rule,
    fee_day,
    minor,
    s57_step,
    sending_step,
    yes,
)
from portal.forms.parts.status import (
    birth_fields,
    contact_fields,
    history_group,
    history_rule,
    name_fields,
    s57_signer_list,
)
from portal.forms.rules.dates import as_date
from portal.forms.rules.residency import residency
from portal.forms.types import ChecklistItem, Context, FeeLine, Field, Finding, Fit, PacketType, Situation, Step, Triage
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

REASONS = (("first", _l("I did not receive my first PR card")), ("renew", _l("My card expired or will expire")),
           ("lost", _l("My card was lost, stolen or destroyed")), ("damaged", _l("My card is damaged")),
           ("name_change", _l("I changed my name or other details")))

STEPS = (
    Step("application", _l("Reason for applying"),
         form_section=N_("IMM 5444 Section A: reason for application"), fields=(
        Field("language_of_service", _l("Service language"), kind="radio", options=SERVICE_LANGUAGE),
        Field("reason", _l("Reason for this application"), kind="radio", options=REASONS),
        Field("in_canada", _l("Is the applicant in Canada now?"), kind="yesno",
              help=_l("A PR card application can only be made from inside Canada.")),
        Field("lost_details", _l("When, where and how the card was lost, stolen or destroyed"), kind="textarea",
              show_if=answer_in("reason", "lost")),
        Field("police_report", _l("Was the theft reported to the police?"), kind="yesno",
              show_if=answer_in("reason", "lost")),
    )),
    Step("personal", _l("Personal details"), form_section=N_("IMM 5444 Section B: personal details"), fields=(
        Field("uci", _l("UCI"), kind="uci", required=False, prefill=lambda c: c.client.get("uci") or None),
        *name_fields(as_on=_l("the confirmation of permanent residence")),
        *birth_fields(),
        Field("eye_colour", _l("Eye colour"), kind="choice", options=EYES, answered_by="either"),
        Field("height_cm", _l("Height (cm)"), kind="number", answered_by="either"),
        Field("became_pr", _l("Date became a permanent resident"), kind="date"),
        Field("copr_number", _l("Record of landing or confirmation of PR number"), required=False),
    )),
    Step("contact", _l("Contact information"), form_section=N_("IMM 5444 Section C: contact information"),
         fields=contact_fields()),
    Step("residency", _l("Addresses and time outside Canada"),
         form_section=N_("IMM 5444 Sections D–E: address history and absences (last 5 years)"), fields=(
             history_group("address_history", _l("Addresses in the last 5 years"), what="address",
                           what_label=_l("Street and number"), where_label=_l("City, province and country")),
             Field("absences", _l("Trips outside Canada in the last 5 years"), kind="group", required=False, columns=(
                 Field("left", _l("Date left Canada"), kind="date"),
                 Field("returned", _l("Date returned"), kind="date"),
                 Field("destination", _l("Where")),
                 Field("reason", _l("Why")),
             )),
         )),
    sending_step(),
    s57_step(section=N_("IMM 5444 Section F: declaration and signatures (IRPR s.57)"),
             intro=_l("For a minor, IRPR s.57 decides who signs.")),
)

CHECKLIST = (
    ChecklistItem("imm5444", _l("Application for a PR card (IMM 5444), one for each person"),
                  why=_l("the application (checklist IMM 5644)"), form_code="IMM 5444"),
    ChecklistItem("identity_document", _l("Passport or travel document used to come to Canada"), has_expiry=True,
                  why=_l("shows identity and entries")),
    ChecklistItem("copr", _l("Confirmation of PR or record of landing"), why=_l("shows PR status")),
    ChecklistItem("old_card", _l("The current PR card (both sides)"), has_expiry=True,
                  why=_l("because the card is being renewed or replaced"), show_if=answer_in("reason", "renew",
                                                                                         "damaged", "name_change")),
    ChecklistItem("police_report", _l("Police report of the theft"), why=_l("because the card was stolen and reported"),
                  show_if=yes("police_report")),
    ChecklistItem("photos", _l("Two PR card photos"), why=_l("IRCC photo specifications")),
    ChecklistItem("fee_receipt", _l("Fee receipt ($50)"), why=_l("the processing fee")),
    ChecklistItem("proof_of_authority", _l("Court order making the agency responsible for the child"),
                  why=_l("because the agency signs for an applicant under 18 under IRPR s.57"),
                  show_if=lambda c: minor(c) and c.get("court_appointed") == "yes"),
    ChecklistItem("name_change", _l("Proof of the name change"), why=_l("because the name changed"),
                  show_if=answer_in("reason", "name_change")),
)


def residency_rule(context: Context) -> list[Finding]:
    findings = []
    if context.get("in_canada") == "no":
        findings.append(Finding("blocker", "pr.in_canada", _l(
            "The applicant must be in Canada to apply for a PR card."), "domain H"))
    became = as_date(context.get("became_pr"))
    if became is None:
        return findings
    facts = status_facts(context.signing_date)["pr_card"]
    result = residency(became_pr=became, on=context.signing_date, absences=context.get("absences"))
    required = int(facts["residency_days"])
    if result.meets(required):
        return findings + [Finding("info", "pr.residency", _l(
            "%(days)s days in Canada counted (at least %(required)s needed in 5 years).",
            days=format(result.days_present, ","), required=required), "IRPA s.28; domain H", result.working)]
    return findings + [Finding("blocker", "pr.residency", _l(
        "Only %(days)s days in Canada counted: the residency obligation is %(required)s days in 5 years. Get legal "
        "advice before applying.", days=format(result.days_present, ","), required=required),
        "IRPA s.28; domain H", result.working)]


def fees(context: Context) -> list[FeeLine]:
    facts = status_facts(fee_day(context))["pr_card"]
    return [FeeLine(_("PR card processing fee"), facts["fee"], facts["source"],
                    _("One application and fee per person"))]


def triage_fits(situation: Situation) -> list[Fit]:
    if not (situation.permanent_resident and situation.lacks_pr_documents):
        return []
    if situation.age is not None and situation.age >= 18:
        return [Fit(_l("A permanent resident without PR documents: replace them first (PR card; Verification of "
                       "Status for a lost Record of Landing)."), rank=20)]
    return [Fit(_l("A PR minor without PR documents: replace them first."), rank=20)]


PACKET = PacketType(
    key="pr_card",
    order=80,
    triage=Triage(_l("PR card (IMM 5444)"), triage_fits),
    title=_l("Permanent resident card"),
    form_code="IMM 5444",
    description=_l("A first, renewed or replacement PR card, for a permanent resident in Canada."),
    steps=STEPS,
    checklist=CHECKLIST,
    signers=s57_signer_list(),
    rules=(residency_rule,
           history_rule("address_history", _l("Addresses"), years=5, since_18=False, gap_level="warning"),
           fee_date_rule(lambda context: fees(context))),
    fees=fees,
    submission=N_("Online in the permanent residence portal, or on paper as guide IMM 5445 says (checklist IMM 5644). "
               "The applicant must be in Canada."),
    cover_letter=with_editions(("IMM 5444",)),
)
