"""The vocabulary of a packet type, declared as data and read by the guided-form engine,
the review screen and the PDF renderer alike.

A packet type module (portal/forms/cit_0403.py, ...) builds one PacketType from these classes.
Conditions and rules are plain functions of a Context, so they are testable without a request.

What people read (titles, labels, help, option labels, checklist wording, signer roles, finding
messages) is marked with `_l`, portal.i18n.lazy_gettext (Flask-Babel's LazyString): a lazy string that takes the
reader's language when shown. str() it before it is stored, serialised or joined; keys, codes, form references
and legal sources stay plain English.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from portal.i18n import gettext
from portal.models import StatusInCanada

Condition = Callable[["Context"], bool]


@dataclass(frozen=True)
class Context:
    """What conditions and rules may look at: the answers so far and the client file."""

    answers: dict[str, Any]
    client: dict[str, Any]  # plain values copied from the client file (never the ORM object)
    signing_date: date  # planned signing date; every age rule reads from it
    today: date
    agency: dict[str, Any] = field(default_factory=dict)
    started_on: date | None = None  # the day the packet was started (turning 18 mid-packet)

    def get(self, name: str, default: Any = None) -> Any:
        return self.answers.get(name, default)


@dataclass(frozen=True)
class Field:
    name: str  # unique within the packet type; the key in Packet.answers
    label: str  # as worded on the official form
    kind: str = "text"  # text, textarea, name, date, choice, radio, yesno, checkbox, number, uci, passport,
    # postal_code, phone, email, country, group (repeatable rows; see `columns`)
    form_ref: str = ""  # the official question number, e.g. "Q8C"
    help: str = ""  # for staff
    youth_help: str = ""  # plain language a 14-year-old understands
    required: bool = True
    answered_by: str = "staff"  # staff | youth | either
    options: tuple[tuple[str, str], ...] = ()  # (value, label)
    show_if: Condition | None = None
    validators: tuple[Callable[[Any, Context], str | None], ...] = ()  # return an error message or None
    max_length: int = 200
    columns: tuple[Field, ...] = ()  # for kind == "group": the fields of one row
    prefill: Callable[[Context], Any] | None = None  # a value from the client file, offered before asking
    blank_display: str = ""  # what an empty optional answer means when printed, e.g. "Present" for an open end date
    future: bool = False  # a date that may be after today (an expiry, a planned payment); others may not


@dataclass(frozen=True)
class Step:
    key: str  # in the URL: /packets/<id>/steps/<key>
    title: str
    fields: tuple[Field, ...]
    form_section: str = ""  # the official form's section this step covers, for the review and the PDF
    role: str = ""  # "release": the representative and release-of-information section, printed on its own page
    intro: str = ""
    youth_intro: str = ""
    show_if: Condition | None = None


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    why: str = ""  # the condition that brings it in, in words: "because the applicant is 14 to 17"
    required: bool = True
    show_if: Condition | None = None
    has_expiry: bool = False  # passports, permits, PR cards: the upload asks for the expiry date
    help: str = ""
    form_code: str = ""  # an official form: the checklist names the edition assumed (facts.toml)


@dataclass(frozen=True)
class Signer:
    key: str
    role: str  # "Authorised person", "Applicant (minor aged 14 to 17)"
    capacity: Callable[[Context], str] | str = ""  # "agency under court order"
    show_if: Condition | None = None
    youth_signs: bool = False  # the youth signs this on their own device


@dataclass(frozen=True)
class Finding:
    level: str  # blocker | warning | info
    rule: str  # short id of the rule, e.g. "presence.1095"
    message: str  # plain words with the numbers: "fewer than 1,095 days of physical presence: 1,021 counted"
    source: str = ""  # where the rule comes from: "Citizenship Act s.5(1)(c); domain A.1"
    working: tuple[str, ...] = ()  # optional lines showing how a number was reached


@dataclass(frozen=True)
class FeeLine:
    label: str
    amount: float  # Canadian dollars
    source: str = ""  # the fee table entry: effective date and source
    note: str = ""


@dataclass(frozen=True)
class Situation:
    """What triage knows about a client: the status today, the age on the planned signing date, a few facts."""

    status: str = StatusInCanada.unknown
    age: int | None = None  # on the planned signing date; None when the date of birth is missing
    signing_date: date | None = None
    today: date | None = None
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
    state_care_days_left: int = 0  # days on which IRCC can still receive a state-care application
    hc_pending: bool = False  # an H&C application by this person is open (approved in principle counts)
    stateless: bool = False  # has never had any country's citizenship
    # Born abroad to a Canadian parent: does citizenship pass (Bill C-3)? None = not known yet (see rules/descent.py)
    descent_citizen: bool | None = None
    descent_working: tuple[str, ...] = ()
    stateless_5_5: bool = False  # the s.5(5) conditions hold (see rules/descent.py)

    WITHOUT_PR = (StatusInCanada.no_status, StatusInCanada.temporary_resident, StatusInCanada.refugee_claimant,
                  StatusInCanada.protected_person, StatusInCanada.unknown)

    @property
    def minor(self) -> bool:
        return self.age is not None and self.age < 18

    @property
    def permanent_resident(self) -> bool:
        return self.status == StatusInCanada.permanent_resident

    @property
    def citizen(self) -> bool:
        """Born abroad, citizenship passes only when the Bill C-3 test says so (descent_citizen)."""
        if self.born_in_canada:
            return True
        if self.born_abroad_to_canadian_parent:
            return self.descent_citizen is True or (self.status == StatusInCanada.citizen
                                                    and self.descent_citizen is None)
        return self.status == StatusInCanada.citizen

    @property
    def protected(self) -> bool:
        return self.status == StatusInCanada.protected_person

    @property
    def claimant(self) -> bool:
        return self.refugee_claim or self.status == StatusInCanada.refugee_claimant

    @property
    def needs_work_permit(self) -> bool:
        return self.removal_order or self.claimant or self.hc_approved_in_principle

    @property
    def work_permit_code(self) -> str:
        """An H&C approved in principle is R207(d), A70, even with a removal order (domain E.1, corrections)."""
        if self.hc_approved_in_principle:
            return "A70"
        return "S62" if self.removal_order else "S61"

    @property
    def work_permit_basis(self) -> str:
        return {"A70": "R207(d)", "S62": "R206(1)(b)", "S61": "R206(1)(a)"}[self.work_permit_code]

    @property
    def hc_open(self) -> bool:
        """IRPA 25(1.2)(a): no second H&C while one is pending; approval in principle means it is still open."""
        return self.hc_pending or self.hc_approved_in_principle

    @property
    def fits_state_care(self) -> bool:
        """The state-care pathway's own conditions (section 0, situation F), open or not."""
        return (self.status in self.WITHOUT_PR and self.status != StatusInCanada.protected_person
                and self.came_before_19 and self.care_one_year)

    @property
    def state_care_open(self) -> bool:
        return self.fits_state_care and self.state_care_days_left > 0


@dataclass(frozen=True)
class Fit:
    """Why a packet type fits a situation: as the recommendation (lowest rank wins), or only as also possible."""

    reason: str
    rank: int = 50
    recommended: bool = True


@dataclass(frozen=True)
class Triage:
    """A packet type's place in triage (domain section 0): its name there, and when and why it fits."""

    title: str  # "Citizenship for a minor without a Canadian parent (CIT 0403)"
    fits: Callable[[Situation], list[Fit]]
    notes: Callable[[Situation], list[str]] | None = None  # said whenever they apply, recommended or not
    alert: Callable[[Situation], str | None] | None = None  # a warning shown with it when it is recommended


@dataclass(frozen=True)
class ClosingDate:
    """A pathway that takes applications only until a date: IRCC must receive them by then."""

    closes: Callable[[], date | None]
    title: str  # the deadline's words on My work and the dashboard


@dataclass(frozen=True)
class PacketType:
    key: str  # "cit_0403"; the module that declares it is portal/forms/packets/<key>.py
    title: str  # "Citizenship for a minor without a Canadian parent"
    form_code: str  # "CIT 0403"
    description: str
    steps: tuple[Step, ...]
    checklist: tuple[ChecklistItem, ...] = ()
    signers: tuple[Signer, ...] = ()
    rules: tuple[Callable[[Context], list[Finding]], ...] = ()
    fees: Callable[[Context], list[FeeLine]] | None = None
    # How and where it is sent (address, online or paper), in English: the render snapshot keeps it as it is.
    submission: str = ""
    allows_family_members: bool = False
    # (may a new packet be started on this day, why not): for a pathway with a closing date; None = always
    available: Callable[[date], tuple[bool, str]] | None = None
    # paragraphs the cover letter adds for this packet (the basis, an exemption code, a program); None = none
    cover_letter: Callable[[Context], list[str]] | None = None
    order: int = 100  # where it is listed among the packet types (triage's "choose another", the dashboard)
    triage: Triage | None = None  # when triage suggests it, and why
    closing: ClosingDate | None = None  # a pathway with a last day of receipt: a deadline while a packet is open
    # `submission` in the language served, when it names a value (an address); else `submission` is translated
    submission_words: Callable[[], str] | None = None

    def submission_shown(self) -> str:
        """How it is sent, in the language served (the review page)."""
        return self.submission_words() if self.submission_words else gettext(self.submission)

    def step(self, key: str) -> Step | None:
        return next((step for step in self.steps if step.key == key), None)

    def field(self, name: str) -> Field | None:
        for step in self.steps:
            for item in step.fields:
                if item.name == name:
                    return item
        return None


# What the review screen and the PDF read: everything about one packet, computed once.
@dataclass(frozen=True)
class AnswerLine:
    field: Field
    value: Any  # as stored
    display: str  # as printed: formatted, "N/A" when the field does not apply, "" when missing
    applies: bool
    missing: bool
    rows: tuple[tuple[str, ...], ...] = ()  # for groups: each row's cells as printed, in column order
    meta: dict[str, Any] = field(default_factory=dict)  # who answered and when (Packet.answer_meta entry)


@dataclass(frozen=True)
class SectionSummary:
    step: Step
    lines: tuple[AnswerLine, ...]


@dataclass(frozen=True)
class PacketSummary:
    packet_type: PacketType
    context: Context
    sections: tuple[SectionSummary, ...]  # in the official form's order; steps that do not apply are left out
    checklist: tuple[ChecklistItem, ...]  # the items that apply
    signers: tuple[tuple[Signer, str], ...]  # (signer, capacity in words)
    findings: tuple[Finding, ...]
    fees: tuple[FeeLine, ...]
    missing: tuple[AnswerLine, ...]
