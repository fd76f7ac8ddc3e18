"""Appendix D of the citizenship guides: a request for a discretionary grant under s.5(4), and waivers under
s.5(3), each with the written submission IRCC reads (domain A.8).

s.5(4): the Minister may grant citizenship "to alleviate cases of statelessness or of special and unusual hardship
or to reward services of exceptional value"; it is asked for inside the normal application, has a high threshold
and no PR, presence or test requirement [S cilf.ca 2024-06-25; Calleya 2024 FC 1624].
s.5(3): waivers on compassionate grounds: language and knowledge for anyone; the oath for a minor, or for a person
who cannot understand it because of a mental disability [R; Citizenship Act s.5(3)].
"""
from __future__ import annotations

from portal.forms.parts.common import age_between, minor
from portal.forms.types import ChecklistItem, Context, Field, Finding, Step
from portal.i18n import N_
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l

SOURCE_5_4 = "Citizenship Act s.5(4); domain A.8 [S cilf.ca 2024-06-25; Calleya 2024 FC 1624]"
SOURCE_5_3 = "Citizenship Act s.5(3); domain A.8 [R]"
GROUNDS_5_4 = (("statelessness", _l("To alleviate statelessness")),
               ("hardship", _l("Special and unusual hardship")),
               ("exceptional_value", _l("Services of exceptional value to Canada")))
WAIVERS = ("waiver_language", "waiver_knowledge", "waiver_oath")


def asks_5_4(context: Context) -> bool:
    return context.get("request_5_4") == "yes"


def asks_waiver(context: Context) -> bool:
    return any(context.get(name) == "yes" for name in WAIVERS)


def discretion_step(*, adult_form: bool) -> Step:
    """Appendix D. The adult form offers the language and knowledge waivers (they apply from 18 to 54); both forms
    offer the oath waiver (a minor, or a mental disability)."""
    fields = [
        Field("request_5_4", _l("Ask the Minister for a discretionary grant under s.5(4)?"), kind="yesno",
              required=False,
              help=_l("Rare, with a high threshold: for statelessness, special and unusual hardship, or services of "
                      "exceptional value. It can make up for requirements the applicant cannot meet.")),
        Field("grounds_5_4", _l("Grounds for the discretionary grant"), kind="radio", options=GROUNDS_5_4,
              show_if=asks_5_4),
        Field("submission_5_4", _l("Written submission: the facts, why the usual requirements cannot be met, and "
                                   "what refusing citizenship would mean for the applicant"), kind="textarea",
              max_length=6000, show_if=asks_5_4,
              help=_l("Printed as the Appendix D submission. Name each piece of evidence enclosed.")),
    ]
    if adult_form:
        fields += [
            Field("waiver_language", _l("Ask to waive the language requirement (s.5(3)(a))?"), kind="yesno",
                  required=False, show_if=age_between(18, 54)),
            Field("waiver_knowledge", _l("Ask to waive the knowledge test (s.5(3)(a))?"), kind="yesno",
                  required=False, show_if=age_between(18, 54)),
        ]
    fields += [
        Field("waiver_oath", _l("Ask to waive the oath (a minor, or a person who cannot understand it because of a "
                                "mental disability)?"), kind="yesno", required=False),
        Field("waiver_submission", _l("Written submission for the waivers: the compassionate grounds, with the "
                                      "evidence (for example a doctor's letter)"), kind="textarea", max_length=6000,
              show_if=asks_waiver),
    ]
    return Step("discretion", _l("Discretionary grant and waivers"), tuple(fields),
                form_section=N_("Appendix D: waiver requests and discretionary grant (s.5(3), s.5(4))"),
                intro=_l("Only when the usual requirements cannot be met. A lawyer or CWICE can help with the "
                         "submission."))


CHECKLIST = (
    ChecklistItem("submission_5_4", _l("Written submission for the discretionary grant (s.5(4)), signed and "
                                       "dated"), why=_l("a discretionary grant is asked for"), show_if=asks_5_4),
    ChecklistItem("evidence_5_4", _l("Evidence for the grounds (for statelessness: letters from the countries "
                                     "concerned; for hardship: agency, school, medical letters)"),
                  why=_l("a discretionary grant is asked for"), show_if=asks_5_4),
    ChecklistItem("waiver_evidence", _l("Written request for the waivers with its evidence (for example a doctor's "
                                        "letter)"), why=_l("a waiver under s.5(3) is asked for"), show_if=asks_waiver),
)


def rule_discretion(context: Context) -> list[Finding]:
    found = []
    if asks_5_4(context):
        found.append(Finding("info", "discretion.5_4", _l(
            "A discretionary grant under s.5(4) is asked for: IRCC refers it to the Minister. The threshold is high "
            "and grants are rare; the usual requirements the applicant does not meet stay findings until then."),
            SOURCE_5_4))
        if not (context.get("submission_5_4") or "").strip():
            found.append(Finding("blocker", "discretion.5_4_submission", _l(
                "Write the submission for the discretionary grant."), SOURCE_5_4))
    if context.get("waiver_oath") == "yes" and not minor(context):
        found.append(Finding("info", "discretion.oath", _l(
            "The oath waiver for an adult is only for a person who cannot understand the oath because of a mental "
            "disability: enclose the medical evidence."), SOURCE_5_3))
    if asks_waiver(context) and not (context.get("waiver_submission") or "").strip():
        found.append(Finding("blocker", "discretion.waiver_submission", _l(
            "Write the submission for the waivers."), SOURCE_5_3))
    return found


def cover_letter(context: Context) -> list[str]:
    paragraphs = []
    if asks_5_4(context):
        grounds = dict(GROUNDS_5_4).get(context.get("grounds_5_4"), "")
        paragraphs.append(_("The applicant asks the Minister to exercise the discretion under subsection 5(4) of the "
                            "Citizenship Act (%(grounds)s). The written submission and its evidence are enclosed "
                            "(Appendix D).", grounds=str(grounds).lower() or _("grounds set out in the submission")))
    waived = [label for name, label in (("waiver_language", _("the language requirement")),
                                        ("waiver_knowledge", _("the knowledge requirement")),
                                        ("waiver_oath", _("the oath"))) if context.get(name) == "yes"]
    if waived:
        paragraphs.append(_("The applicant asks that %(requirements)s be waived on compassionate grounds under "
                            "subsection 5(3) of the Citizenship Act; the written request is enclosed.",
                            requirements=", ".join(waived)))
    return paragraphs

