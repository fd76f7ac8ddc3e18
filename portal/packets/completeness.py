"""What a packet still lacks: the one answer every screen, every gate and the PDF's checklist read.

`of()` lists each missing thing once, by kind:
- answer: a required question that applies and is empty, grouped by the step that asks it;
- checklist: a required checklist item with no file and not marked "not applicable" (optional items never are,
  nor items the packet's channel does not take, such as photos for an online application);
- signature: a signature the youth gives in Passage and has not given (or that an answer change cleared);
- question: a question the youth left for the caseworker ("ask my caseworker"), still unanswered;
- comment: a review comment still open;
- finding: an eligibility rule's blocking finding.

`GATES` says which kinds stop which move (docs/gates.md is the same table in words).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from portal import forms
from portal.forms import channels, engine
from portal.forms.types import PacketSummary
from portal.i18n import lazy_gettext as _l
from portal.models import Agency, ChecklistWaiver, Client, Document, Packet
from portal.packets import comments, signatures
from portal.youth import participation

ANSWER, CHECKLIST, SIGNATURE, QUESTION, COMMENT, FINDING = (
    "answer", "checklist", "signature", "question", "comment", "finding")
KINDS = (ANSWER, QUESTION, CHECKLIST, COMMENT, FINDING, SIGNATURE)
KIND_LABELS = {
    ANSWER: _l("Questions not answered yet"),
    QUESTION: _l("Questions the youth asked the caseworker about"),
    CHECKLIST: _l("Documents not attached yet"),
    COMMENT: _l("Review comments still open"),
    FINDING: _l("Eligibility problems"),
    SIGNATURE: _l("Signatures still to give"),
}

# gate → the kinds that stop it. Signatures stop submission only: signing is how they stop being missing.
GATES: dict[str, frozenset[str]] = {
    "send": frozenset({ANSWER, QUESTION, CHECKLIST, FINDING}),
    "approve": frozenset({ANSWER, QUESTION, CHECKLIST, COMMENT, FINDING}),
    "submit": frozenset({ANSWER, QUESTION, CHECKLIST, COMMENT, FINDING, SIGNATURE}),
    "sign": frozenset({ANSWER, QUESTION}),
}
# Gates a manager may pass anyway, with a written reason kept in the history and the audit log.
OVERRIDABLE = frozenset({"send", "approve", "submit"})
GATE_LABELS = {
    "send": _l("Send for review"),
    "approve": _l("Approve"),
    "submit": _l("Record submission"),
    "sign": _l("The youth's signature"),
}


@dataclass(frozen=True)
class Missing:
    kind: str
    key: str  # the field name, checklist item key, signer key, comment id or rule id
    label: str  # plain words
    step: str = ""  # the step that asks it (answers and questions), for a link
    step_title: str = ""
    for_youth: bool = False  # a question the youth may answer themselves
    youth_label: str = ""  # the question as the youth's own step page words it, when it has its own words


@dataclass(frozen=True)
class Completeness:
    items: tuple[Missing, ...]
    summary: PacketSummary | None = None

    @property
    def complete(self) -> bool:
        return not self.items

    def of_kind(self, kind: str) -> list[Missing]:
        return [item for item in self.items if item.kind == kind]

    def blocking(self, gate: str) -> list[Missing]:
        kinds = GATES[gate]
        return [item for item in self.items if item.kind in kinds]

    def groups(self, gate: str | None = None) -> list[tuple[str, str, list[Missing]]]:
        """(kind, heading, items) in reading order, only kinds with something missing (and that block `gate`)."""
        wanted = GATES[gate] if gate else set(KINDS)
        return [(kind, str(KIND_LABELS[kind]), found) for kind in KINDS
                if kind in wanted and (found := self.of_kind(kind))]

    def answers_by_step(self) -> list[tuple[str, str, list[Missing]]]:
        """(step key, step title, missing answers and questions) in the form's order."""
        steps: dict[str, tuple[str, list[Missing]]] = {}
        for item in self.items:
            if item.kind in (ANSWER, QUESTION):
                steps.setdefault(item.step, (item.step_title, []))[1].append(item)
        return [(key, title, found) for key, (title, found) in steps.items()]

    @property
    def eligibility_checked(self) -> bool:
        """The rules read the answers: until every required one is in, "no problem found" would promise too much."""
        return not self.of_kind(ANSWER) and not self.of_kind(QUESTION)

    def missing_checklist_keys(self) -> set[str]:
        return {item.key for item in self.of_kind(CHECKLIST)}


def summary_of(session: Session, *, packet: Packet) -> PacketSummary | None:
    """The engine's summary, or None for a packet type no longer registered."""
    if forms.find_packet_type(packet.packet_type) is None:
        return None
    client = session.get(Client, packet.client_id)
    agency = session.get(Agency, packet.agency_id)
    return forms.summarize(packet=packet, client=client, agency=agency)


def of(session: Session, *, packet: Packet, summary: PacketSummary | None = None) -> Completeness:
    """Everything the packet still lacks, now. Pass `summary` when the caller has one already."""
    summary = summary or summary_of(session, packet=packet)
    if summary is None:
        return Completeness(items=())
    asked = set(participation.asked_fields(packet))
    items: list[Missing] = []
    for section in summary.sections:
        for line in section.lines:
            name = line.field.name
            youth = line.field.answered_by in engine.YOUTH_ROLES
            if name in asked and line.applies:
                items.append(Missing(QUESTION, name, str(line.field.label), section.step.key,
                                     str(section.step.title), youth))
            elif line.missing:
                items.append(Missing(ANSWER, name, str(line.field.label), section.step.key, str(section.step.title),
                                     youth, str(line.field.youth_help or "")))
    items.extend(_checklist(session, packet=packet, summary=summary))
    items.extend(_signatures(session, packet=packet))
    for target, rows in comments.open_comments(session, packet=packet).items():
        for row in rows:
            items.append(Missing(COMMENT, str(row.id), row.body[:200], target))
    items.extend(Missing(FINDING, finding.rule, str(finding.message))
                 for finding in summary.findings if finding.level == "blocker")
    return Completeness(items=tuple(items), summary=summary)


def _checklist(session: Session, *, packet: Packet, summary: PacketSummary) -> list[Missing]:
    attached = set(session.exec(select(Document.checklist_item).where(Document.packet_id == packet.id)).all())
    waived = set(session.exec(select(ChecklistWaiver.checklist_item)
                              .where(ChecklistWaiver.packet_id == packet.id)).all())
    # An item the packet's channel does not take (photos for an online application) is not missing.
    channel = channels.find_channel(packet.packet_type)
    applies = channel.applies(packet.submit_channel) if channel else ""
    return [Missing(CHECKLIST, item.key, str(item.label)) for item in summary.checklist
            if item.required and item.key not in attached and item.key not in waived
            and not channels.not_needed(channel, applies, item.key)]


def _signatures(session: Session, *, packet: Packet) -> list[Missing]:
    given = signatures.signatures_for(session, packet=packet)
    return [Missing(SIGNATURE, signer.key, str(signer.role))
            for signer in participation.youth_signers(session, packet=packet) if signer.key not in given]


def gate_of(action: str) -> str | None:
    """The gate a lifecycle move passes through, if any ("send" covers sending back after changes)."""
    return action if action in ("send", "approve", "submit") else None
