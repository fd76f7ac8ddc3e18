"""CIT 0001: proof of citizenship (citizenship certificate) for someone already a citizen (domain D)."""

from portal.forms import facts
from portal.forms.editions import with_editions
from portal.forms.engine import age_at_signing
from portal.forms.parts import citizenship as c
from portal.forms.parts.common import answer_in, fee_date_rule, fee_day, sending_step, yes
from portal.forms.rules import descent
from portal.forms.types import ChecklistItem, Field, Finding, Fit, PacketType, Signer, Situation, Step, Triage
from portal.i18n import N_, format_date
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l
from portal.models import StatusInCanada


def minor(context) -> bool:
    age = age_at_signing(context)
    return age is not None and age < 18


def adult(context) -> bool:
    return not minor(context)


def born_abroad(context) -> bool:
    return context.get("citizenship_basis") == "born_abroad"


def rule_basis(context):
    findings = []
    if context.client.get("status") not in (StatusInCanada.citizen, None, ""):
        findings.append(Finding("warning", "status.citizen", _l(
            "The client file does not show the applicant as a citizen: proof of citizenship is only for people who "
            "already are citizens (born in Canada, or born abroad to a Canadian parent)."), "domain 0, D"))
    if born_abroad(context):
        findings += rule_bill_c3(context)
    return findings


def parent_by_descent(context) -> bool:
    return born_abroad(context) and context.get("parent_basis") == "born_abroad"


def rule_bill_c3(context) -> list[Finding]:
    """Born abroad: does citizenship pass from the Canadian parent (Bill C-3)? With the working."""
    in_force = facts.lookup("date", "bill_c3_in_force")
    days = context.get("parent_presence_days")
    test = descent.by_descent(born_on=context.client.get("dob"), parent_born_abroad=parent_by_descent(context),
                              parent_presence_days=days if isinstance(days, int) else None,
                              in_force=in_force.value, required_days=facts.number("c3_parent_presence_days"))
    level = {True: "info", None: "warning", False: "blocker"}[test.citizen]
    return [Finding(level, "citizenship.bill_c3", test.reason, in_force.cite() + "; " + test.source, test.working)]


def after_c3(context) -> bool:
    born = context.client.get("dob")
    return parent_by_descent(context) and born is not None and born >= facts.a_date("bill_c3_in_force")


def fees(context) -> list:
    return [c.fee_line("cit_proof", fee_day(context))]


def triage_fits(situation: Situation) -> list[Fit]:
    if situation.born_abroad_to_canadian_parent and situation.descent_citizen is None:
        return [Fit(_l("Born abroad on or after %(date)s to a Canadian parent also born abroad: a citizen, with a "
                       "certificate, only if that parent had 1,095 days in Canada before the birth. Enter the "
                       "parent's days to be sure.", date=format_date(facts.a_date("bill_c3_in_force"))), rank=10)]
    if not situation.citizen:
        return []
    if (situation.born_in_canada
            or situation.status == StatusInCanada.citizen and not situation.born_abroad_to_canadian_parent):
        return [Fit(_l("Born in Canada: already a citizen, who needs a certificate, not a grant."), rank=10)]
    return [Fit(_l("Born abroad to a Canadian parent: already a citizen (including Bill C-3 cases born before "
                   "%(date)s), who needs a certificate.", date=format_date(facts.a_date("bill_c3_in_force"))), rank=10)]


def submission() -> str:
    return _("Online (first certificate or replacement only) or on paper to %(address)s.",
             address=facts.code("cit_proof_mailing_address"))


PACKET = PacketType(
    key="cit_0001",
    order=40,
    triage=Triage(_l("Proof of citizenship (CIT 0001)"), triage_fits),
    title=_l("Proof of citizenship"),
    form_code="CIT 0001",
    description=_l("A citizenship certificate for someone who is already a citizen: born in Canada, or born abroad to "
                   "a Canadian parent. For a minor, the parent or legal guardian (for a child in care, the society) "
                   "files."),
    steps=(
        Step("applicant", _l("Who is applying"), c.authority_fields(),
             form_section=N_("Person applying for the minor"), show_if=minor),
        c.identity_step(section=N_("Applicant's details")),
        Step("basis", _l("How the applicant is a citizen"), (
            Field("citizenship_basis", _l("The applicant is a citizen because they were"), kind="radio", options=(
                ("born_in_canada", _l("Born in Canada")),
                ("born_abroad", _l("Born outside Canada to a Canadian parent")),
                ("granted", _l("Granted citizenship before (certificate lost or never received)")),
            )),
            Field("birth_province", _l("Province or territory of birth"), kind="text",
                  show_if=answer_in("citizenship_basis", "born_in_canada")),
            Field("birth_registration_number", _l("Birth certificate registration number"), kind="text", required=False,
                  show_if=answer_in("citizenship_basis", "born_in_canada")),
            Field("citizen_parent_name", _l("Canadian parent's full name"), kind="name", show_if=born_abroad),
            Field("citizen_parent_dob", _l("Canadian parent's date of birth"), kind="date", show_if=born_abroad),
            Field("parent_basis", _l("The Canadian parent is a citizen because they were"), kind="radio",
                  show_if=born_abroad, options=(("born_in_canada", _l("Born in Canada")),
                                                ("naturalized", _l("Granted citizenship (naturalized)")),
                                                ("born_abroad", _l("Born outside Canada to a Canadian parent")))),
            Field("parent_presence_days", _l("Days the Canadian parent was physically present in Canada before the "
                                             "applicant's birth"), kind="number", show_if=after_c3,
                  help=_l("Born on or after the Bill C-3 date to a parent also born abroad: citizenship passes only "
                          "if that parent had at least 1,095 days in Canada before the birth. Count from the "
                          "parent's travel and school records.")),
            Field("previous_certificate", _l("Has a citizenship certificate been issued before?"), kind="yesno"),
            Field("previous_certificate_number", _l("Certificate number, if known"), kind="text", required=False,
                  show_if=yes("previous_certificate")),
        ), form_section=N_("Citizenship details")),
        c.contact_step(section=N_("Contact details")),
        sending_step(),
        Step("declaration", _l("Declaration"), (
            Field("uses_representative", _l("Is a representative (someone acting for a fee or not) used?"),
                  kind="yesno"),
            *c.declaration_step().fields,
        ), form_section=N_("Declaration and signature")),
    ),
    checklist=(
        c.form_item("CIT 0001"),
        c.PHOTOS,
        c.TWO_ID,
        ChecklistItem("birth_certificate", _l("The applicant's birth certificate"), why=_l("every applicant")),
        ChecklistItem("parent_citizenship_proof", _l("Proof of the Canadian parent's citizenship"),
                      why=_l("the applicant was born outside Canada"), show_if=born_abroad),
        ChecklistItem("proof_of_authority", _l("Proof of guardianship or authority (court order or agreement)"),
                      why=_l("a guardian or the society applies for a minor"),
                      show_if=lambda ctx: minor(ctx) and ctx.get("authority_kind") in ("agency", "guardian",
                                                                                       "agreement")),
        ChecklistItem("imm_5476", _l("Use of a representative (IMM 5476)"), why=_l("a representative is used"),
                      show_if=yes("uses_representative")),
        c.FEE_RECEIPT,
        c.TRANSLATIONS,
    ),
    signers=(
        Signer("authorised_person", _l("Parent or legal guardian"), capacity=c.authorised_capacity, show_if=minor),
        # Signature matrix (domain I.1): citizenship forms take the minor's own signature from 14 [C]; the CIT 0001
        # form's signature box for 14 to 17 is not in the stored copies, so the matrix is followed (VERIFY).
        Signer("minor", _l("Applicant (minor aged 14 to 17)"),
               capacity=_l("the applicant, signing with the parent or guardian"), 
               show_if=c.minor_14_to_17, youth_signs=True),
        Signer("applicant", _l("Applicant"), capacity=_l("the applicant, signing for themself"), show_if=adult,
               youth_signs=True),
    ),
    rules=(rule_basis, c.rule_signing_date, fee_date_rule(fees), c.rule_form_version("CIT 0001")),
    fees=fees,
    submission=submission(),
    submission_words=submission,
    cover_letter=with_editions(("CIT 0001",)),
)
