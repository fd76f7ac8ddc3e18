"""CIT 0003: citizenship for a minor with a citizen (or co-applying) parent, s.5(2) (domain B)."""

from portal.forms.editions import with_editions
from portal.forms.parts import citizenship as c
from portal.forms.parts.common import fee_date_rule, sending_step
from portal.forms.types import ChecklistItem, Finding, Fit, PacketType, Situation, Step, Triage
from portal.i18n import N_
from portal.i18n import lazy_gettext as _l

PARENT_ANSWERS = ("parent1_citizen", "parent2_citizen")


def _qualifying_parent(context) -> bool:
    for number in ("1", "2"):
        if context.get(f"parent{number}_citizen") in ("yes", "applying") and context.get(
                f"parent{number}_relationship") in ("natural", "adoptive"):
            return True
    return False


def rule_citizen_parent(context):
    answered = [context.get(name) for name in PARENT_ANSWERS]
    if not any(answered):
        return [Finding("warning", "parent.citizen", _l("The parents' citizenship is not answered yet."), "domain B")]
    if _qualifying_parent(context):
        return []
    citizen_but_not_parent = any(
        context.get(f"parent{n}_citizen") in ("yes", "applying") and context.get(f"parent{n}_relationship") in (
            "step", "other") for n in ("1", "2"))
    if citizen_but_not_parent:
        message = _l("The citizen is a step-parent or relative who has not adopted the minor: legally adopted is not "
                     "the same as custody or guardianship. Use CIT 0403 instead.")
    else:
        message = _l("No natural or adoptive parent is a citizen or applying at the same time: the grant under "
                     "s.5(2) is not possible. Use CIT 0403 instead.")
    return [Finding("blocker", "parent.citizen", message, "Citizenship Act s.5(2); IRCC guide 0003 [C]; domain B")]


def rule_guardian_applies(context):
    if context.get("authority_kind") in ("guardian", "agency", "agreement"):
        return [Finding("info", "signer.guardian", _l(
            "A guardian (or the society) may apply for the minor, but citizenship is granted only because a parent is "
            "a citizen."), "IRCC OB minors [C]; domain B")]
    return []


def triage_fits(situation: Situation) -> list[Fit]:
    if not situation.permanent_resident or situation.age is not None and situation.age >= 18:
        return []
    if not situation.parent_citizen:
        if situation.lacks_pr_documents:
            return []
        return [Fit(_l("Only if a natural or adoptive parent is a citizen."), recommended=False)]
    if situation.lacks_pr_documents:
        return [Fit(_l("Citizenship once the PR documents are in hand."), recommended=False)]
    return [Fit(_l("A permanent resident under 18 with a citizen (or co-applying) parent: the grant under s.5(2)."),
                rank=30)]


PACKET = PacketType(
    key="cit_0003",
    order=20,
    triage=Triage(_l("Citizenship for a minor with a Canadian parent (CIT 0003)"), triage_fits),
    title=_l("Citizenship for a minor with a Canadian parent"),
    form_code="CIT 0003",
    description=_l("Grant of citizenship under s.5(2) for a permanent resident under 18 whose natural or adoptive "
                   "parent is a citizen or applies at the same time. No presence, tax or test requirement."),
    steps=(
        Step("applicant", _l("Who is applying"), c.authority_fields(), form_section=N_("Person authorised to apply")),
        c.service_step(section=N_("Q1 Language of service; Q2 Special needs")),
        c.identity_step(section=N_("Minor's identity")),
        c.contact_step(section=N_("Contact details and address")),
        c.pr_step(section=N_("Permanent resident details")),
        Step("parents", _l("Parents' citizenship"), c.parent_fields(citizen_parent_required=True),
             form_section=N_("Parents' citizenship details")),
        c.prohibitions_step(section=N_("Prohibitions")),
        sending_step(),
        c.declaration_step(section=N_("Declaration and signatures")),
    ),
    checklist=(
        c.form_item("CIT 0003"),
        ChecklistItem("checklist_cit_0008", _l("Document checklist CIT 0008, completed"),
                      why=_l("listed in the application package (2017); VERIFY the current checklist number"),
                      required=False),
        c.PR_PROOF,
        c.PR_EXPLANATION,
        ChecklistItem("passport_bio", _l("Passport bio page, if the minor has a passport"), why=_l("identity"),
                      required=False, has_expiry=True),
        c.TWO_ID,
        c.BIRTH_CERTIFICATE,
        ChecklistItem("parent_citizenship_proof", _l("Proof of the parent's citizenship (birth, citizenship or "
                                                     "naturalization certificate), or the parent's application sent "
                                                     "together"),
                      why=_l("the grant rests on a parent's citizenship")),
        ChecklistItem("proof_of_guardianship", _l("Proof of guardianship or authority (court order or agreement)"),
                      why=_l("a guardian or the society applies, not a parent"),
                      show_if=lambda ctx: ctx.get("authority_kind") in ("guardian", "agency", "agreement")),
        c.PROHIBITION_DOCS,
        c.PHOTOS,
        c.FEE_RECEIPT,
        c.TRANSLATIONS,
    ),
    signers=(c.AUTHORISED_PERSON, c.MINOR_COUNTERSIGNS),
    rules=(
        c.rule_minor_age,
        c.rule_pr,
        rule_citizen_parent,
        rule_guardian_applies,
        c.rule_removal_and_prohibitions,
        c.rule_signing_date,
        fee_date_rule(c.minor_fees),
        c.rule_form_version("CIT 0003"),
    ),
    fees=c.minor_fees,
    submission=N_("Paper to CPC Sydney, or online when a parent or guardian applies for the minor."),
    cover_letter=with_editions(("CIT 0003",)),
)
