"""Triage: which packet applies to a client's situation (domain section 0).

recommend() turns a few answers into the recommended packet with the reason, plus the other packets
that may also apply. It covers every row of the section 0 table, including packet types built by
other areas (their keys are recommended even before they are registered).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.forms import facts
from portal.forms.engine import age_on
from portal.forms.rules import state_care

STATUSES = (
    ("citizen", "Canadian citizen (born in Canada, or born abroad to a Canadian parent)"),
    ("permanent_resident", "Permanent resident"),
    ("protected_person", "Protected person"),
    ("refugee_claimant", "Refugee claimant"),
    ("temporary_resident", "Temporary resident (visitor, student, worker)"),
    ("no_status", "No status"),
    ("unknown", "Not known yet"),
)

PACKET_TITLES = {
    "cit_0001": "Proof of citizenship (CIT 0001)",
    "cit_0403": "Citizenship for a minor without a Canadian parent (CIT 0403)",
    "cit_0003": "Citizenship for a minor with a Canadian parent (CIT 0003)",
    "cit_0002": "Citizenship for an adult (CIT 0002)",
    "state_care_pr": "PR pathway for people who were in state care (IMM 0008, IMM 0203)",
    "hc_pr": "Permanent residence on humanitarian and compassionate grounds",
    "imm_5710": "Work permit from inside Canada (IMM 5710)",
    "pr_card": "PR card (IMM 5444)",
    "vos": "Verification of Status (IMM 5009)",
}


@dataclass(frozen=True)
class TriageAnswers:
    status: str = "unknown"
    date_of_birth: date | None = None
    planned_signing_date: date | None = None
    born_in_canada: bool = False
    born_abroad_to_canadian_parent: bool = False
    parent_citizen: bool = False  # a natural or adoptive parent is a citizen, or applies at the same time
    came_before_19: bool = False
    care_one_year: bool = False  # at least 1 cumulative year under a court order giving full parental responsibility
    removal_order: bool = False  # under a removal order that cannot be enforced now
    refugee_claim: bool = False  # a refugee claim referred and not yet decided
    hc_approved_in_principle: bool = False
    lacks_pr_documents: bool = False
    fails_presence: bool = False  # a PR minor who cannot reach 1,095 days, or stateless / special hardship


@dataclass(frozen=True)
class Option:
    key: str
    title: str
    reason: str


@dataclass(frozen=True)
class Recommendation:
    key: str | None
    title: str
    reason: str
    age_at_signing: int | None
    alternatives: tuple[Option, ...] = ()
    notes: tuple[str, ...] = field(default=())


def _option(key: str, reason: str) -> Option:
    return Option(key, PACKET_TITLES.get(key, key), reason)


def state_care_days_left(today: date) -> int:
    """Days on which IRCC can still RECEIVE a state-care application, today included (0 once closed)."""
    return state_care.days_left(today, state_care.load_facts())


def recommend(answers: TriageAnswers, *, today: date | None = None) -> Recommendation:
    today = today or date.today()
    signing = answers.planned_signing_date or today
    age = age_on(answers.date_of_birth, signing)
    notes: list[str] = []
    if age is None:
        notes.append("The date of birth is missing: age rules decide the form, so add it to the client file.")
    else:
        notes.append(f"Age on the planned signing date ({signing.isoformat()}): {age}.")
    minor = age is not None and age < 18
    alternatives: list[Option] = []
    refugee_claim = answers.refugee_claim or answers.status == "refugee_claimant"
    work_permit = answers.removal_order or refugee_claim or answers.hc_approved_in_principle
    if work_permit:
        code = "S62" if answers.removal_order else ("S61" if refugee_claim else "A70")
        alternatives.append(_option("imm_5710", f"A work permit from inside Canada (code {code}) can follow the "
                                    "removal order, refugee claim or H&C approval in principle."))

    def result(key, reason) -> Recommendation:
        return Recommendation(key, PACKET_TITLES.get(key, key), reason, age, tuple(alternatives), tuple(notes))

    if answers.status == "citizen" or answers.born_in_canada or answers.born_abroad_to_canadian_parent:
        reason = ("Born in Canada: already a citizen, who needs a certificate, not a grant."
                  if answers.born_in_canada or answers.status == "citizen" and not answers.born_abroad_to_canadian_parent
                  else "Born abroad to a Canadian parent: already a citizen (including Bill C-3 cases born before "
                       f"{facts.a_date('bill_c3_in_force').isoformat()}), who needs a certificate.")
        return result("cit_0001", reason)

    if answers.status == "permanent_resident":
        if answers.lacks_pr_documents:
            alternatives.insert(0, _option("pr_card", "A PR card if the card is lost or expired (one application "
                                           "per person, any age)."))
            alternatives.insert(1, _option("vos", "A Verification of Status if the Record of Landing or COPR is "
                                           "lost."))
        if age is not None and age >= 18:
            if answers.lacks_pr_documents:
                alternatives.append(_option("cit_0002", "Citizenship once the PR documents are in hand."))
                return result("pr_card", "A permanent resident without PR documents: replace them first (PR card; "
                              "Verification of Status for a lost Record of Landing).")
            return result("cit_0002", "A permanent resident aged 18 or over on the signing date: the adult grant "
                          "(former Crown wards and youth in extended society care).")
        if answers.parent_citizen:
            alternatives.append(_option("cit_0403", "If the citizen is not a natural or adoptive parent, the "
                                        "minor applies under s.5(1) instead."))
            if answers.lacks_pr_documents:
                alternatives.append(_option("cit_0003", "Citizenship once the PR documents are in hand."))
                return result("pr_card", "A PR minor without PR documents: replace them first.")
            return result("cit_0003", "A permanent resident under 18 with a citizen (or co-applying) parent: the "
                          "grant under s.5(2).")
        if answers.fails_presence:
            notes.append("Below 1,095 days, or stateless or in special hardship: ask for a discretionary grant "
                         "under s.5(4), or waivers under s.5(3), inside the minor's application (Appendix D).")
        if answers.lacks_pr_documents:
            alternatives.append(_option("cit_0403", "Citizenship once the PR documents are in hand."))
            return result("pr_card", "A PR minor without PR documents: replace them first.")
        if minor or age is None:
            alternatives.append(_option("cit_0003", "Only if a natural or adoptive parent is a citizen."))
            return result("cit_0403", "A permanent resident under 18 with no Canadian parent (the typical child in "
                          "care): the grant under s.5(1). The society signs under its court order.")

    if answers.status in ("no_status", "temporary_resident", "refugee_claimant", "protected_person", "unknown"):
        days_left = state_care_days_left(today)
        if answers.came_before_19 and answers.care_one_year and answers.status != "protected_person":
            if days_left > 0:
                notes.append(f"The state-care pathway closes on "
                             f"{facts.a_date('state_care_pathway_closes').isoformat()}: {days_left:,} days left "
                             "for IRCC to RECEIVE the application.")
                alternatives.append(_option("hc_pr", "H&C permanent residence if the state-care pathway does not "
                                            "fit (for example, not 3 years' residence)."))
                return result("state_care_pr", "No status, came to Canada before 19, and at least 1 year in "
                              "court-ordered care: the fee-free state-care PR pathway, with a TRP and work or study "
                              "permit meanwhile.")
            notes.append("The state-care pathway has closed (check whether it was extended).")
        if work_permit and not answers.status == "no_status":
            return result("imm_5710", alternatives[0].reason)
        if answers.status in ("no_status", "unknown", "temporary_resident"):
            if work_permit:
                alternatives.insert(0, _option("hc_pr", "H&C permanent residence, the longer-term route."))
                return result("imm_5710", "Under a removal order that cannot be enforced: an open work permit "
                              "(S62) meanwhile.")
            return result("hc_pr", "No status and not eligible for the state-care pathway: permanent residence on "
                          "humanitarian and compassionate grounds.")
        if answers.status == "protected_person":
            return result(None, "A protected person applies for permanent residence as a protected person; that "
                          "packet is not in Passage yet.")
    return result(None, "No packet fits these answers. Check the status and the dates, or talk with CWICE.")
