"""CIT 0002: citizenship for an adult (18 and over), s.5(1): former Crown wards (domain C)."""

from portal.forms.editions import with_editions
from portal.forms.parts import citizenship as c
from portal.forms.parts import discretion
from portal.forms.parts.common import age_between, fee_date_rule, sending_step
from portal.forms.types import ChecklistItem, Field, Finding, Fit, PacketType, Signer, Situation, Step, Triage
from portal.i18n import N_
from portal.i18n import lazy_gettext as _l

LANGUAGE_EVIDENCE = (
    ("test", _l("Approved test result at CLB / NCLC 4 or higher (CELPIP, IELTS General, TEF, TCF)")),
    ("school", _l("Diploma or transcript from secondary or post-secondary studies in English or French")),
    ("program", _l("Government language program certificate (LINC, CLIC) at CLB 4 or higher")),
    ("none", _l("No proof yet")),
)


def rule_language(context):
    if not age_between(18, 54)(context):
        return []
    evidence = context.get("language_evidence")
    if evidence in (None, "", "none"):
        level = "warning" if context.get("waiver_language") == "yes" else "blocker"  # s.5(3) waiver asked for
        return [Finding(level, "language.clb4", _l(
            "Proof of English or French at CLB 4 is needed for ages 18 to 54 and none is recorded yet."),
            "Citizenship Act s.5(1)(d); domain C")]
    return []


def triage_fits(situation: Situation) -> list[Fit]:
    if not situation.permanent_resident or situation.age is None or situation.age < 18:
        return []
    if situation.lacks_pr_documents:
        return [Fit(_l("Citizenship once the PR documents are in hand."), recommended=False)]
    return [Fit(_l("A permanent resident aged 18 or over on the signing date: the adult grant (former Crown wards "
                   "and youth in extended society care)."), rank=30)]


PACKET = PacketType(
    key="cit_0002",
    order=30,
    triage=Triage(_l("Citizenship for an adult (CIT 0002)"), triage_fits),
    title=_l("Citizenship for an adult"),
    form_code="CIT 0002",
    description=_l("Grant of citizenship under s.5(1) for a permanent resident aged 18 or over (for example a former "
                   "Crown ward in extended society care), who signs for themself."),
    steps=(
        c.service_step(applied_before=True, section=N_("1–2 Language of service, special needs, applied before")),
        c.identity_step(marital=True, section=N_("3–4 Names, birth details, marital status")),
        c.contact_step(section=N_("5 Addresses and telephone")),
        c.pr_step(section=N_("Permanent resident status")),
        c.travel_documents_step(section=N_("Passports and travel documents (Q14)"), q_missing="Q14", q_gaps="Q14"),
        c.presence_step(section=N_("Physical presence and absences")),
        c.tax_step(section=N_("Income tax")),
        Step("language", _l("Language ability"), (
            Field("language_evidence", _l("Proof of English or French at CLB / NCLC 4"), kind="radio",
                  options=LANGUAGE_EVIDENCE),
            Field("language_evidence_detail", _l("Which document (name of test or school, date)"), kind="text",
                  show_if=lambda ctx: ctx.get("language_evidence") not in (None, "", "none")),
        ), form_section=N_("Language"), show_if=age_between(18, 54)),
        c.prohibitions_step(section=N_("Prohibitions")),
        discretion.discretion_step(adult_form=True),
        sending_step(),
        c.declaration_step(section=N_("Declaration")),
    ),
    checklist=(
        c.form_item("CIT 0002"),
        ChecklistItem("checklist_cit_0007", _l("Document checklist CIT 0007, completed"),
                      why=_l("listed in the adult application package")),
        c.PRESENCE_PRINTOUT,
        c.PR_PROOF,
        c.PR_EXPLANATION,
        ChecklistItem("language_proof", _l("Proof of language ability (CLB / NCLC 4)"),
                      why=_l("the applicant is 18 to 54 on the signing date"), show_if=age_between(18, 54)),
        c.PASSPORTS,
        c.PASSPORTS_MISSING,
        c.TWO_ID,
        c.TAX_PROOF,
        c.PROHIBITION_DOCS,
        c.PHOTOS,
        c.FEE_RECEIPT,
        *discretion.CHECKLIST,
        c.TRANSLATIONS,
    ),
    signers=(Signer("applicant", _l("Applicant"), capacity=_l("the applicant, signing for themself"),
                    youth_signs=True),),
    rules=(
        c.rule_adult_age,
        c.rule_pr,
        c.rule_presence,
        c.rule_tax,
        rule_language,
        discretion.rule_discretion,
        c.rule_removal_and_prohibitions,
        c.rule_signing_date,
        fee_date_rule(c.adult_fees),
        c.rule_form_version("CIT 0002"),
    ),
    fees=c.adult_fees,
    submission=N_("Online, or on paper to CPC Sydney. The knowledge test and oath ceremony follow."),
    cover_letter=with_editions(("CIT 0002",), discretion.cover_letter),
)
