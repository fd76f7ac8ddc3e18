"""PR pathway for foreign nationals who were in state care (domain F): no fees, paper only, closes for
applications received after the closing date in the facts file."""
from __future__ import annotations

from datetime import date

from portal.forms.editions import with_editions
from portal.forms.engine import age_at_signing
from portal.forms.facts import status_facts
from portal.forms.parts.common import PROVINCES, adult, answer_in, yes
from portal.forms.parts.status import (
    family_rule,
    history_rule,
    imm0008_signers,
    imm0008_step,
    imm5406_step,
    schedule_a_step,
)
from portal.forms.rules import state_care
from portal.forms.rules.dates import age_on, as_date
from portal.forms.types import (
    ChecklistItem,
    ClosingDate,
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
from portal.i18n import N_, format_date, format_number
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l


def aged_19_or_more(context: Context) -> bool:
    age = age_at_signing(context)
    return age is not None and age >= 19


def adult_family_members(context: Context) -> bool:
    return any(age_on(as_date(row.get("date_of_birth")), context.signing_date) >= 18
               for row in context.get("family_members") or [] if as_date(row.get("date_of_birth")))


def has_family(context: Context) -> bool:
    return bool(context.get("family_members"))


def receipt_date(context: Context) -> date:
    """The lock-in day: when IRCC received it once recorded, else the expected date, else the signing date."""
    return (as_date(context.get("ircc_received_on")) or as_date(context.get("expected_receipt_date"))
            or context.signing_date)


STEPS = (
    Step("eligibility", _l("Eligibility"), form_section=N_("Eligibility (guide IMM 0204)"),
         intro=_l("The pathway is for people who came to Canada before 19 and spent at least one year in court-ordered "
                  "care. Care periods come from the client file."),
         fields=(
             Field("arrival_date", _l("Date the applicant first came to Canada"), kind="date", answered_by="either",
                   youth_help=_l("The day you first arrived in Canada. A close guess is fine for now; your worker "
                                 "will check it.")),
             Field("residence_since", _l("Continuous residence in Canada since (if not the arrival date)"), kind="date",
                   required=False),
             Field("continuous_since_19", _l("Has the applicant lived in Canada continuously since turning 19?"),
                   kind="yesno", show_if=aged_19_or_more),
             Field("in_canada", _l("Is the applicant in Canada now, and will they stay until PR is granted?"),
                   kind="yesno", answered_by="either",
                   youth_help=_l("Are you in Canada now, and will you stay here until you get permanent residence?")),
             Field("intended_province", _l("Province or territory where the applicant plans to live"), kind="choice",
                   options=PROVINCES, answered_by="either", youth_help=_l("Where in Canada do you plan to live?")),
             Field("excluded_1f", _l("Has the applicant ever been involved in war crimes, crimes against humanity or "
                                     "other acts that exclude from refugee protection (article 1F)?"), kind="yesno"),
             Field("expected_receipt_date", _l("Date IRCC should receive the application"), kind="date", future=True,
                   help=_l("Age is locked in on the day IRCC receives it; allow time for the mail.")),
         )),
    imm0008_step(),
    schedule_a_step(show_if=adult),
    imm5406_step(family_help=_l("Spouse or partner, dependent children, the partner's dependent children, and "
                                "grandchildren who are dependent children of a dependent child. All must be in "
                                "Canada.")),
    Step("care_proof", _l("Proof of state care"), form_section=N_("Proof of state care (checklist IMM 0203)"), fields=(
        Field("care_agency", _l("Agency that had legal responsibility (children's aid society)"),
              prefill=lambda c: c.agency.get("name") or None),
        Field("care_letter_requested", _l("Has the confirmation letter or the records been asked for?"), kind="yesno",
              help=_l("In Ontario a society must answer a request for a person's own records within 30 days, free.")),
        Field("care_letter_requested_on", _l("Date asked"), kind="date", show_if=yes("care_letter_requested")),
    )),
    Step("declaration", _l("Declaration"),
         form_section=N_("Declarations and signatures (IMM 0008, Schedule A, IMM 5406)"),
         fields=(
             Field("declaration_read", _l("The applicant has read the declarations and the answers are complete and "
                                          "true"), kind="checkbox"),
         )),
)

CHECKLIST = (
    ChecklistItem("imm0008", _l("Generic application form IMM 0008, signed"), why=_l("a mandatory form at intake"),
                  form_code="IMM 0008"),
    ChecklistItem("schedule_a", _l("Schedule A (IMM 5669) for the applicant and each family member 18 or older"),
                  why=_l("a mandatory form for everyone 18 or older"), show_if=adult, form_code="IMM 5669"),
    ChecklistItem("imm5406", _l("Additional family information (IMM 5406)"), why=_l("a mandatory form at intake"),
                  form_code="IMM 5406"),
    ChecklistItem("proof_of_care", _l("Proof of state care: court documents, agency records or a confirmation "
                                      "letter from the children's aid society"),
                  why=_l("shows at least one year under the province's legal responsibility by court order")),
    ChecklistItem("proof_of_residence", _l("Proof of 3 years' residence in Canada (leases, bills, landlord or school "
                                           "letters)"), why=_l("shows the 3 years of continuous residence")),
    ChecklistItem("identity_document", _l("Passport, travel document or identity document"), has_expiry=True,
                  why=_l("because the applicant has an identity document"),
                  show_if=answer_in("identity_document", "passport", "travel_document", "national_id")),
    ChecklistItem("statutory_declaration", _l("Statutory declaration of identity"),
                  why=_l("because the applicant has no identity document"),
                  show_if=answer_in("identity_document", "statutory_declaration", "none")),
    ChecklistItem("proof_of_authority", _l("Proof of authority to sign for the minor (court order, guardianship order "
                                           "or written agreement)"),
                  why=_l("because the applicant is under 18 and a guardian signs"),
                  show_if=lambda c: not adult(c)),
    ChecklistItem("family_forms", _l("Forms for each family member (their own IMM 5406, and Schedule A if 18 or "
                                     "older)"),
                  why=_l("because family members are included; all go in one envelope"), show_if=has_family),
    ChecklistItem("police_certificates", _l("Police certificates, only if IRCC asks"), required=False,
                  why=_l("only on IRCC's request")),
    ChecklistItem("representative", _l("Use of a representative (IMM 5476) and release of information (IMM "
                                       "5475), if used"),
                  required=False, why=_l("only if a representative or another contact is named")),
)


def eligibility_rule(context: Context) -> list[Finding]:
    dob = context.client.get("dob")
    if dob is None:
        return []
    facts = status_facts(context.today)["state_care"]
    continuous = context.get("continuous_since_19")
    return state_care.eligibility(
        date_of_birth=dob, care_periods=context.client.get("care_periods"), today=context.today,
        receipt_date=receipt_date(context), facts=facts, arrival_date=as_date(context.get("arrival_date")),
        residence_since=as_date(context.get("residence_since")),
        continuous_since_19=None if not continuous else continuous == "yes",
        province=context.get("intended_province", ""),
        in_canada=None if not context.get("in_canada") else context.get("in_canada") == "yes",
        identity=context.get("identity_document", ""),
        excluded_1f=context.get("excluded_1f") == "yes")


def deadline_rule(context: Context) -> list[Finding]:
    facts = status_facts(context.today)["state_care"]
    left = state_care.days_left(context.today, facts)
    return [Finding("warning" if left <= 60 else "info", "state_care.days_left",
                    _l("IRCC must receive the application by %(date)s: %(days)s left, today included.",
                       date=format_date(facts["closes"]), days=state_care.plural_days(left)), state_care.SOURCE),
            Finding("info", "state_care.bridge", _l(
                "While PR is processed, the applicant can have a temporary resident permit and a work or study permit "
                "with no fees (IMM 5710 packet, basis 'former child in state care')."),
                "Ministerial Instructions of 2023-07-25; domain F")]


def fees(context: Context) -> list[FeeLine]:
    return [FeeLine(_("No fees: processing, right of permanent residence and biometrics fees are waived"), 0.0,
                    "IRCC program delivery instructions, fees [C]; domain F")]


def available(today: date) -> tuple[bool, str]:
    return state_care.can_start(today)


def submission(context: Context | None = None) -> str:
    return _("Paper only, all family members in one envelope, to: %(address)s. Only the mandatory forms are needed "
             "at intake; IRCC does not return the application for missing supporting documents.",
             address=status_facts()["state_care"]["mailing_address"])


def cover_letter(context: Context) -> list[str]:
    return [_("This application is made under the public policy for foreign nationals who were in state care. "
              "Processing, right of permanent residence and biometrics fees are waived under that policy.")]


def triage_fits(situation: Situation) -> list[Fit]:
    if not situation.state_care_open:
        return []
    return [Fit(_l("No status, came to Canada before 19, and at least 1 year in court-ordered care: the fee-free "
                   "state-care PR pathway, with a TRP and work or study permit meanwhile."), rank=20)]


def triage_notes(situation: Situation) -> list[str]:
    if situation.state_care_open:
        return [_l("The state-care pathway closes on %(date)s: %(days)s days left for IRCC to RECEIVE the "
                   "application.", date=format_date(state_care.closing_date(state_care.load_facts())),
                   days=format_number(situation.state_care_days_left))]
    if situation.fits_state_care:
        return [_l("The state-care pathway has closed (check whether it was extended).")]
    return []


def triage_alert(situation: Situation) -> str:
    return _l("The state-care pathway closes on %(date)s: %(days)s days left.",
              date=format_date(state_care.closing_date(state_care.load_facts())),
              days=format_number(situation.state_care_days_left))


def closes() -> date | None:
    return state_care.closing_date(state_care.load_facts())


PACKET = PacketType(
    key="state_care_pr",
    order=60,
    triage=Triage(_l("PR pathway for people who were in state care (IMM 0008, IMM 0203)"), triage_fits, triage_notes,
                  triage_alert),
    closing=ClosingDate(closes, _l("State-care pathway closes: IRCC must receive the application by this date")),
    title=_l("Permanent residence for people who were in state care"),
    form_code="IMM 0008 (guide IMM 0204)",
    description=_l("The public policy for foreign nationals who came before 19 and spent at least one year in "
                   "court-ordered care. No fees."),
    steps=STEPS,
    checklist=CHECKLIST,
    signers=imm0008_signers() + (
        Signer("family_adults", _l("Each family member 18 or older"),
               capacity=_l("signs their own Schedule A and IMM 5406"), show_if=adult_family_members),
    ),
    rules=(deadline_rule, eligibility_rule, family_rule("state_care", must_be_in_canada=True),
           history_rule("personal_history", _l("Schedule A personal history")),
           history_rule("address_history", _l("Schedule A addresses"))),
    fees=fees,
    submission=submission(),
    submission_words=submission,
    allows_family_members=True,
    available=available,
    cover_letter=with_editions(("IMM 0008", "IMM 5669", "IMM 5406"), cover_letter),
)
