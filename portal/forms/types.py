"""The vocabulary of a packet type, declared as data and read by the guided-form engine,
the review screen and the PDF renderer alike.

A packet type module (portal/forms/cit_0403.py, ...) builds one PacketType from these classes.
Conditions and rules are plain functions of a Context, so they are testable without a request.

What people read (titles, labels, help, option labels, checklist wording, signer roles, finding
messages) is marked with `_l`, portal.i18n.lazy_gettext (Flask-Babel's LazyString): a lazy string that takes the reader's
language when shown. str() it before it is stored, serialised or joined; keys, codes, form references
and legal sources stay plain English.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

Condition = Callable[["Context"], bool]


@dataclass(frozen=True)
class Context:
    """What conditions and rules may look at: the answers so far and the client file."""

    answers: dict[str, Any]
    client: dict[str, Any]  # plain values copied from the client file (never the ORM object)
    signing_date: date  # planned signing date; every age rule reads from it
    today: date
    agency: dict[str, Any] = field(default_factory=dict)

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
    columns: tuple["Field", ...] = ()  # for kind == "group": the fields of one row
    prefill: Callable[[Context], Any] | None = None  # a value from the client file, offered before asking
    blank_display: str = ""  # what an empty optional answer means when printed, e.g. "Present" for an open end date


@dataclass(frozen=True)
class Step:
    key: str  # in the URL: /packets/<id>/steps/<key>
    title: str
    fields: tuple[Field, ...]
    form_section: str = ""  # the official form's section this step covers, for the review and the PDF
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
class PacketType:
    key: str  # "cit_0403"
    title: str  # "Citizenship for a minor without a Canadian parent"
    form_code: str  # "CIT 0403"
    description: str
    steps: tuple[Step, ...]
    checklist: tuple[ChecklistItem, ...] = ()
    signers: tuple[Signer, ...] = ()
    rules: tuple[Callable[[Context], list[Finding]], ...] = ()
    fees: Callable[[Context], list[FeeLine]] | None = None
    submission: str = ""  # how and where it is sent (address, online or paper)
    allows_family_members: bool = False
    # (may a new packet be started on this day, why not): for a pathway with a closing date; None = always
    available: Callable[[date], tuple[bool, str]] | None = None
    # paragraphs the cover letter adds for this packet (the basis, an exemption code, a program); None = none
    cover_letter: Callable[["Context"], list[str]] | None = None

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
