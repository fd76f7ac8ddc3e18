"""Open work permits from inside Canada (IMM 5710) for people without status: the basis rules.

Each basis has its own regulation, IRCC code and fees (domain E.1). Facts (fees, the 180-day wait)
come from the `work_permit` table of the status facts, so a fee change is a data edit.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from portal.forms.rules.dates import add_months
from portal.forms.types import FeeLine, Finding
from portal.i18n import format_date, ngettext
from portal.i18n import gettext as _
from portal.i18n import lazy_gettext as _l


@dataclass(frozen=True)
class Basis:
    key: str
    label: str
    regulation: str
    code: str  # the exemption code IRCC asks for; "" when none is published
    pays_processing: bool
    pays_holder_fee: bool
    fees_source: str
    biometrics_fee_waived: bool = False
    verify: str = ""  # what still has to be checked on canada.ca


BASES: dict[str, Basis] = {
    "r206_1_b": Basis(
        "r206_1_b", _l("Removal order that cannot be enforced, and the applicant cannot support themself without "
                       "working"),
        "IRPR s.206(1)(b)", "S62", True, False,
        "canada.ca work permit while appealing a removal order: pay $155, do not pay the $100 open work permit "
        "holder fee; domain E.1"),
    "r206_1_a": Basis(
        "r206_1_a", _l("Refugee claim referred to the Refugee Protection Division and not yet decided"),
        "IRPR s.206(1)(a)", "S61", False, False, "IRPR s.299(2)(a), exemption code E01; domain E.1"),
    "r207_d": Basis(
        "r207_d", _l("Permanent residence on humanitarian grounds approved in principle (stage 1)"),
        "IRPR s.207(d)", "A70", True, False,
        "domain E.1: the holder fee is probably not payable (R303.2 lists only R207(b))",
        verify=_l("whether the open work permit holder fee applies to A70")),
    "r208_b": Basis(
        "r208_b", _l("Temporary resident permit valid for 6 months or more, and the applicant cannot support "
                     "themself without working"), "IRPR s.208(b)", "", True, True, "domain E.1 (fees not confirmed)",
        verify=_l("the code and whether the holder fee applies to R208(b)")),
    "state_care": Basis(
        "state_care", _l("Former child in state care: work or study permit with the temporary resident permit"),
        "Public policy for foreign nationals who were in state care (TRP measure)", "", False, False,
        "canada.ca trp-state-care: no fees for the TRP, work or study permit, or biometrics; domain F",
        biometrics_fee_waived=True),
}

BASIS_OPTIONS = tuple((basis.key, _l("%(regulation)s: %(basis)s", regulation=basis.regulation, basis=basis.label))
                      for basis in BASES.values())

# Why a removal order cannot be enforced (domain E.1). "No passport" alone is not a reason.
UNENFORCEABLE_REASONS = (
    ("rad_appeal", _l("Appeal pending at the Refugee Appeal Division")),
    ("prra", _l("Pre-removal risk assessment (PRRA) pending")),
    ("court_stay", _l("Stay of removal from the Federal Court")),
    ("suspension", _l("Temporary suspension of removals to the country")),
    ("sentence", _l("Serving a sentence in Canada")),
    ("beyond_control", _l("Cannot be removed for other reasons beyond their control")),
    ("no_passport_only", _l("Only that there is no passport")),
)


def days(span: timedelta) -> str:
    return ngettext("%(num)s day", "%(num)s days", span.days)


def designated_wait_ends(referral_date: date, *, wait_days: int) -> date:
    """R206(2): the first day a designated-country claimant may be issued the permit."""
    return referral_date + timedelta(days=wait_days)


def _need_to_work(*, basis: str, needs_work_to_support: bool | None, source: str) -> list[Finding]:
    """R206(1)(a), R206(1)(b) and R208(b): only for someone who cannot support themself without working."""
    if basis in ("r206_1_a", "r206_1_b", "r208_b") and needs_work_to_support is False:
        return [Finding(
            "blocker", "r206.need", _("This basis is only for someone who cannot support themself without working. "
                                      "Add proof of need: a social assistance letter, bank statements, or a letter "
                                      "from a support group."),
            source)]
    return []


def _unenforceable_order(*, basis: str, removal_order: bool | None, reason: str, source: str) -> list[Finding]:
    """R206(1)(b): a removal order that cannot be enforced, for a reason other than a missing passport."""
    if basis != "r206_1_b":
        return []
    findings = []
    if removal_order is False:
        findings.append(Finding("blocker", "r206.removal_order",
                                _("R206(1)(b) needs a removal order that cannot be enforced."), source))
    if reason == "no_passport_only":
        findings.append(Finding(
            "blocker", "r206.no_passport", _("Not having a passport is not enough, on its own, to make a removal "
                                             "order unenforceable. Name the reason it cannot be enforced (appeal, "
                                             "PRRA, stay, suspension...)."),
            "domain E.1 [S meurrensonimmigration]"))
    return findings


def designated(nationality: str, facts: dict) -> bool:
    """Only a country named in facts.toml's designated list (empty since 2019) brings R206(2)'s wait."""
    listed = {country.strip().lower() for country in facts.get("designated_countries", ())}
    return bool(nationality) and nationality.strip().lower() in listed


def _undecided_claim(*, basis: str, today: date, facts: dict, claim_decided: bool | None,
                     referral_date: date | None, nationality: str, source: str) -> list[Finding]:
    """R206(1)(a): a claim not yet decided, and past the wait for a designated country's claimants."""
    if basis != "r206_1_a":
        return []
    findings = []
    if claim_decided:
        findings.append(Finding("blocker", "r206.claim_decided",
                                _("R206(1)(a) is for a claim the Refugee Protection Division has not decided "
                                  "yet. After a negative decision, look at R206(1)(b)."), source))
    if referral_date is None:
        findings.append(Finding("warning", "r206.referral", _("Enter the date the claim was referred to the RPD."),
                                source))
    elif designated(nationality, facts):
        findings += _designated_country_wait(today=today, facts=facts, referral_date=referral_date)
    return findings


def _designated_country_wait(*, today: date, facts: dict, referral_date: date) -> list[Finding]:
    """R206(2): a claimant from a designated country waits after the referral before the permit is issued."""
    wait = int(facts["designated_country_wait_days"])
    ends = designated_wait_ends(referral_date, wait_days=wait)
    if today < ends:
        return [Finding(
            "blocker", "r206.wait_180", _("A claimant from a designated country must wait %(wait)s days after the "
                                          "referral: the permit can be issued from %(day)s (%(left)s from now).",
                                          wait=wait, day=format_date(ends), left=days(ends - today)),
            "IRPR s.206(2); designated list in facts.toml; domain E.1",
            (_("referred %(referred)s + %(wait)s days = %(day)s", referred=format_date(referral_date), wait=wait,
               day=format_date(ends)),))]
    return []


def _approval_in_principle(*, basis: str, approval_date: date | None, source: str) -> list[Finding]:
    """R207(d): the date of the stage 1 letter."""
    if basis == "r207_d" and approval_date is None:
        return [Finding("blocker", "r207.aip", _("Enter the date of the approval in principle (stage 1 letter)."),
                        source)]
    return []


def _six_month_permit(*, basis: str, today: date, trp_expiry: date | None, source: str) -> list[Finding]:
    """R208(b): a temporary resident permit valid for at least 6 more months."""
    if basis != "r208_b":
        return []
    if trp_expiry is None:
        return [Finding("warning", "r208.trp", _("Enter the expiry date of the temporary resident permit."), source)]
    if trp_expiry < add_months(today, 6):
        return [Finding(
            "blocker", "r208.trp_6_months", _("The permit expires on %(day)s: R208(b) needs a temporary resident "
                                              "permit valid for at least 6 months.", day=format_date(trp_expiry)),
            "IRPR s.208(b); domain E.1 [S]")]
    return []


def _state_care_permit(*, basis: str, state_care_eligible: bool | None) -> list[Finding]:
    """The state-care TRP: arrival before 19 and a year in court-ordered care."""
    if basis == "state_care" and state_care_eligible is False:
        return [Finding(
            "warning", "state_care.trp", _("The fee-free permit is for someone who came before 19 and spent at least "
                                           "one year in court-ordered care; the care periods on the client file do "
                                           "not show that yet."), "domain F")]
    return []


def _family_members(*, basis: str, family_members: int, source: str) -> list[Finding]:
    """R206 covers the applicant alone."""
    if family_members and basis in ("r206_1_a", "r206_1_b"):
        return [Finding("info", "r206.family", _("R206 does not cover family members: they need their own basis, for "
                                                "example an LMIA-based work permit."), source)]
    return []


def _to_verify(*, basis: str, chosen: Basis) -> list[Finding]:
    """What is still to be checked on canada.ca for this basis."""
    if chosen.verify:
        return [Finding("info", f"{basis}.verify",
                        _("Check on canada.ca before sending: %(what)s.", what=chosen.verify), "domain K")]
    return []


def basis_findings(*, basis: str, today: date, facts: dict, needs_work_to_support: bool | None = None,
                   removal_order: bool | None = None, unenforceable_reason: str = "",
                   referral_date: date | None = None, nationality: str = "",
                   claim_decided: bool | None = None, approval_in_principle_date: date | None = None,
                   trp_expiry: date | None = None, state_care_eligible: bool | None = None,
                   family_members: int = 0) -> list[Finding]:
    """Blockers and warnings for the chosen basis, each naming its regulation."""
    chosen = BASES.get(basis)
    if chosen is None:
        return [Finding("blocker", "r206.basis", _("Choose the basis for the open work permit."), "domain E.1")]
    source = f"{chosen.regulation}; domain E.1"
    return [
        *_need_to_work(basis=basis, needs_work_to_support=needs_work_to_support, source=source),
        *_unenforceable_order(basis=basis, removal_order=removal_order, reason=unenforceable_reason, source=source),
        *_undecided_claim(basis=basis, today=today, facts=facts, claim_decided=claim_decided,
                          referral_date=referral_date, nationality=nationality, source=source),
        *_approval_in_principle(basis=basis, approval_date=approval_in_principle_date, source=source),
        *_six_month_permit(basis=basis, today=today, trp_expiry=trp_expiry, source=source),
        *_state_care_permit(basis=basis, state_care_eligible=state_care_eligible),
        *_family_members(basis=basis, family_members=family_members, source=source),
        *_to_verify(basis=basis, chosen=chosen),
    ]


def work_permit_fees(*, basis: str, facts: dict) -> list[FeeLine]:
    """Processing and open work permit holder fees for the basis (biometrics are separate)."""
    chosen = BASES.get(basis)
    if chosen is None:
        return []
    source = f"{chosen.fees_source} (fees from {facts['fees_effective']})"
    processing = float(facts["processing_fee"]) if chosen.pays_processing else 0.0
    lines = [FeeLine(_("Work permit processing fee"), processing, source,
                     "" if chosen.pays_processing else _("Exempt: no processing fee for this basis"))]
    holder = float(facts["holder_fee"]) if chosen.pays_holder_fee else 0.0
    note = ""
    if not chosen.pays_holder_fee:
        # The answer and the upload slot are named as IRCC's portal names them, so they stay as they are.
        if chosen.pays_processing and chosen.code == "S62":
            note = _("Do not pay this fee: answer %(answer)s to the holder fee question and upload the processing fee "
                     "receipt under %(slot)s", answer="'No, I am exempt'", slot="'Proof of Fee Exemption'")
        else:
            note = _("Do not pay this fee: answer %(answer)s to the holder fee question", answer="'No, I am exempt'")
    lines.append(FeeLine(_("Open work permit holder fee"), holder, source, note))
    return lines
