"""CIT 0403: citizenship for a minor without a Canadian parent, s.5(1) (domain A)."""

from portal.forms.editions import with_editions
from portal.forms.parts import citizenship as c
from portal.forms.parts import discretion
from portal.forms.parts.common import fee_date_rule, sending_step
from portal.forms.types import ChecklistItem, Field, Finding, Fit, PacketType, Signer, Situation, Step, Triage
from portal.i18n import N_
from portal.i18n import lazy_gettext as _l


def minor_waiver(context) -> bool:
    return context.get("applying_as") == "minor_waiver"


CITIZEN_ANSWERS = ("yes", "applying")
COUNTS_FOR_5_2 = ("natural", "adoptive")  # s.5(2): a step-parent or relative counts only once they adopt


def rule_no_citizen_parent(context):
    """A natural or adoptive citizen parent moves the minor to s.5(2); a citizen step-parent who never adopted does
    not, so the minor stays here (the same reading CIT 0003's own rule makes)."""
    parents = [(context.get(f"parent{n}_citizen"), context.get(f"parent{n}_relationship")) for n in ("1", "2")]
    if any(citizen in CITIZEN_ANSWERS and relation in COUNTS_FOR_5_2 for citizen, relation in parents):
        return [Finding("blocker", "parent.not_citizen", _l(
            "A natural or adoptive parent is a Canadian citizen or applying at the same time: CIT 0003 (s.5(2)) is "
            "the form for this minor."), "Citizenship Act s.5(2); IRCC guide 0403 [C]; domain 0, A.1, B")]
    if any(citizen in CITIZEN_ANSWERS for citizen, _relation in parents):
        return [Finding("info", "parent.step_parent", _l(
            "The citizen is a step-parent or relative who has not adopted the minor: that does not make a grant under "
            "s.5(2) possible, so this minor applies here, under s.5(1)."),
            "Citizenship Act s.5(1), 5(2); IRCC guide 0003: legally adopted is not the same as custody [C]; "
            "domain B")]
    return []


def rule_waiver(context):
    if minor_waiver(context):
        return [Finding("warning", "signer.waiver", _l(
            "No authorised person applies: the minor asks for a waiver (question 1, and the box in Section 19). IRCC "
            "will ask for more information."), "canada.ca cit0403 [C]; domain A.2")]
    return []


APPLICANT = Step("applicant", _l("Who is applying"), (
    Field("applying_as", _l("Who is making this application"), kind="radio", form_ref="Q1", options=(
        ("authorised_person", _l("An authorised person, for the minor")),
        ("minor_waiver", _l("The minor, asking for a waiver (no authorised person is available)")),
    ), help=_l("For a child in care, the society applies as the authorised person under its court order.")),
    *c.authority_fields(),
    Field("waiver_reason", _l("Why no authorised person can apply"), kind="textarea", show_if=minor_waiver),
), form_section=N_("Q1 Who is applying"))

def triage_fits(situation: Situation) -> list[Fit]:
    if not situation.permanent_resident or situation.age is not None and situation.age >= 18:
        return []
    if situation.parent_citizen:
        return [Fit(_l("If the citizen is not a natural or adoptive parent, the minor applies under s.5(1) instead."),
                    recommended=False)]
    if situation.lacks_pr_documents:
        return [Fit(_l("Citizenship once the PR documents are in hand."), recommended=False)]
    return [Fit(_l("A permanent resident under 18 with no Canadian parent (the typical child in care): the grant "
                   "under s.5(1). The society signs under its court order."), rank=30)]


def triage_notes(situation: Situation) -> list[str]:
    minor = situation.age is None or situation.age < 18
    if situation.permanent_resident and minor and not situation.parent_citizen and situation.fails_presence:
        return [_l("Below 1,095 days, or stateless or in special hardship: ask for a discretionary grant under "
                   "s.5(4), or waivers under s.5(3), inside the minor's application (Appendix D).")]
    return []


PACKET = PacketType(
    key="cit_0403",
    order=10,
    triage=Triage(_l("Citizenship for a minor without a Canadian parent (CIT 0403)"), triage_fits, triage_notes),
    title=_l("Citizenship for a minor without a Canadian parent"),
    form_code="CIT 0403",
    description=_l("Grant of citizenship under s.5(1) for a permanent resident under 18 with no citizen parent, "
                   "made by the person with custody or a court order (for a child in care, the society)."),
    steps=(
        APPLICANT,
        c.service_step(section=N_("Q2 Language of service; Q3 Special needs")),
        c.identity_step(section=N_("Q4–Q6 Personal details")),
        c.contact_step(section=N_("Q7 Contact details and address history")),
        c.pr_step(section=N_("Permanent resident status")),
        c.travel_documents_step(section=N_("Q8 Passports and travel documents (Q8C, Q8D)")),
        c.presence_step(section=N_("Physical presence")),
        c.tax_step(section=N_("Income tax")),
        c.prohibitions_step(section=N_("Prohibitions")),
        Step("parents", _l("Parents and guardian"), c.parent_fields(citizen_parent_required=False),
             form_section=N_("Parents' and guardian's details")),
        discretion.discretion_step(adult_form=False),
        sending_step(),
        c.declaration_step(waiver_box=True, section=N_("Section 19 Declaration and signatures")),
    ),
    checklist=(
        c.form_item("CIT 0403"),
        c.PRESENCE_PRINTOUT,
        c.PR_PROOF,
        c.PR_EXPLANATION,
        c.PASSPORTS,
        c.PASSPORTS_MISSING,
        c.TWO_ID,
        c.BIRTH_CERTIFICATE,
        c.PROOF_OF_AUTHORITY,
        ChecklistItem("waiver_letter", _l("Letter explaining why no authorised person can apply for the minor"),
                      why=_l("the minor asks for a waiver"), show_if=minor_waiver),
        c.TAX_PROOF,
        c.PROHIBITION_DOCS,
        c.PHOTOS,
        *discretion.CHECKLIST,
        c.FEE_RECEIPT,
        c.TRANSLATIONS,
    ),
    signers=(
        c.AUTHORISED_PERSON,
        Signer("minor", _l("Applicant (minor aged 14 to 17)"), capacity=_l("the applicant, countersigning"),
               show_if=lambda ctx: c.minor_14_to_17(ctx) and not minor_waiver(ctx), youth_signs=True),
        Signer("minor_waiver", _l("Applicant (minor seeking a waiver)"), show_if=minor_waiver, youth_signs=True,
               capacity=_l("the applicant, with the Section 19 waiver box ticked")),
    ),
    rules=(
        c.rule_minor_age,
        c.rule_pr,
        c.rule_presence,
        c.rule_tax,
        c.rule_removal_and_prohibitions,
        rule_no_citizen_parent,
        rule_waiver,
        discretion.rule_discretion,
        c.rule_signing_date,
        fee_date_rule(c.minor_fees),
        c.rule_form_version("CIT 0403"),
    ),
    fees=c.minor_fees,
    submission=N_("Paper to CPC Sydney, or online (a representative cannot apply online for a client: VERIFY whether "
               "an agency worker counts as guardian in IRCC's online tool)."),
    cover_letter=with_editions(("CIT 0403",), discretion.cover_letter),
)
