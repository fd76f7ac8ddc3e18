"""What a youth sees of their own applications, and what their "ask my caseworker" flags become for staff.

Plain functions over the packet and its type; the youth's reach is always access.scope(), so a youth
account sees its own client's packets and nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, cast, or_
from sqlmodel import Session, select

from portal import access
from portal.forms import engine, find_packet_type
from portal.forms.types import Context, Field, PacketType, Signer, Step
from portal.i18n import lazy_gettext as _l
from portal.models import Agency, Client, Packet, PacketStatus, Role, User
from portal.packets.readable import readable

# The packet's life in words a 14-year-old understands; each stage lists the statuses it covers.
TIMELINE = (
    ("filling", _l("Filling in the form"), {PacketStatus.draft}),
    ("checking", _l("Your caseworker's team checks it"), {PacketStatus.in_review, PacketStatus.changes_requested}),
    ("ready", _l("Ready to send"), {PacketStatus.approved}),
    ("sent", _l("Sent to the government (IRCC)"), {PacketStatus.submitted}),
    ("decided", _l("Decision"), {PacketStatus.decided}),
)
OUTCOME_WORDS = {
    "approved": _l("Approved"),
    "refused": _l("Refused. Your caseworker will talk with you about what comes next."),
    "returned": _l("Sent back to be fixed. Your caseworker is working on it."),
}
STATUS_NOTES = {
    PacketStatus.draft: _l("You and your caseworker are answering the questions."),
    PacketStatus.in_review: _l("Someone at the agency is checking the answers. You don't need to do anything."),
    PacketStatus.changes_requested: _l("A few answers need fixing. Your caseworker will ask you if they need help."),
    PacketStatus.approved: _l("Everything was checked. Your caseworker will send it soon."),
    PacketStatus.submitted: _l("It was sent. The government can take many months to answer."),
    PacketStatus.decided: _l("The government answered."),
    PacketStatus.withdrawn: _l("This application was stopped. Ask your caseworker if you have questions."),
}
ASK_FLAG = "ask_caseworker"


def packet_type(packet: Packet) -> PacketType | None:
    return find_packet_type(packet.packet_type)


def context(session: Session, *, packet: Packet) -> Context:
    client = session.get(Client, packet.client_id)
    agency = session.get(Agency, packet.agency_id)
    return engine.build_context(packet=packet, client=client, agency=agency)


def youth_signers(session: Session, *, packet: Packet) -> list[Signer]:
    """The signatures the youth gives themselves on this packet, as the signer matrix asks today."""
    kind = packet_type(packet)
    if kind is None:
        return []
    ctx = context(session, packet=packet)
    return [signer for signer in kind.signers if signer.youth_signs and (signer.show_if is None or signer.show_if(ctx))]


def asked_fields(packet: Packet) -> list[str]:
    """Questions the youth marked "I'm not sure: ask my caseworker" and nobody has answered since."""
    meta = packet.answer_meta or {}
    return sorted(name for name, flags in meta.items() if isinstance(flags, dict) and flags.get(ASK_FLAG))


@dataclass(frozen=True)
class YouthStep:
    step: Step
    fields: tuple[Field, ...]
    answered: int
    asked: int

    @property
    def done(self) -> bool:
        return self.answered + self.asked >= len(self.fields)


def youth_steps(session: Session, *, packet: Packet) -> list[YouthStep]:
    """The steps that hold questions for the youth, with how many they have answered or passed on."""
    kind = packet_type(packet)
    if kind is None:
        return []
    ctx = context(session, packet=packet)
    asked = set(asked_fields(packet))
    steps = []
    for step in engine.visible_steps(kind, ctx, role="youth"):
        fields = tuple(engine.visible_fields(step, ctx, role="youth"))
        answered = sum(1 for item in fields
                       if item.name not in asked and not engine.is_missing(item, ctx.get(item.name)))
        steps.append(YouthStep(step=step, fields=fields, answered=answered,
                               asked=sum(1 for i in fields if i.name in asked)))
    return steps


def timeline(packet: Packet) -> list[dict]:
    """Each stage with its state: done, current or later. A withdrawn packet stops where it was."""
    current = next((index for index, (_key, _label, statuses) in enumerate(TIMELINE) if packet.status in statuses),
                   None)
    stages = []
    for index, (key, label, _statuses) in enumerate(TIMELINE):
        if current is None:
            state = "later"
        elif index < current:
            state = "done"
        elif index == current:
            state = "done" if key == "decided" else "current"
        else:
            state = "later"
        stages.append({"key": key, "label": label, "state": state})
    return stages


def status_note(packet: Packet) -> str:
    if packet.status == PacketStatus.decided and packet.outcome in OUTCOME_WORDS:
        return str(OUTCOME_WORDS[packet.outcome])
    return str(STATUS_NOTES.get(packet.status, ""))


def title_of(packet: Packet) -> str:
    kind = packet_type(packet)
    return kind.title if kind else packet.packet_type


def youth_packets(session: Session, *, user: User) -> list[Packet]:
    statement = access.scope(select(Packet), Packet, user, session).order_by(Packet.created_at.desc())
    return list(session.exec(statement))


def youth_packet(session: Session, *, user: User, packet_id) -> Packet:
    return readable(access.get_or_404(session, Packet, packet_id, user))


# For staff: the youth's questions on "My work" ---------------------------------------------------

@dataclass(frozen=True)
class AskedQuestion:
    packet: Packet
    client: Client
    field_name: str
    label: str
    step_key: str
    asked_at: str


def questions_for_staff(session: Session, *, user: User, limit: int = 200) -> list[AskedQuestion]:
    """Open "ask my caseworker" questions on packets this user may see; a caseworker gets their own clients'."""
    if user.role not in (Role.manager, Role.caseworker):
        return []
    statement = access.scope(select(Packet, Client).join(Client, Client.id == Packet.client_id), Packet, user, session)
    statement = statement.where(Packet.status.in_([PacketStatus.draft, PacketStatus.changes_requested,
                                                   PacketStatus.approved]))
    # Narrow in SQL first (the JSON is stored as text on both databases), then read the flags exactly.
    statement = statement.where(cast(Packet.answer_meta, String).contains(f'"{ASK_FLAG}": true'))
    if user.role == Role.caseworker:
        statement = statement.where(or_(Packet.owner_id == user.id, Client.assigned_caseworker_id == user.id))
    questions = []
    for packet, client in session.exec(statement.order_by(Packet.updated_at.desc())):
        names = asked_fields(packet)
        if not names:
            continue
        kind = packet_type(packet)
        for name in names:
            item = kind.field(name) if kind else None
            step = next((s for s in kind.steps if any(f.name == name for f in s.fields)), None) if kind else None
            questions.append(AskedQuestion(
                packet=packet, client=client, field_name=name, label=item.label if item else name,
                step_key=step.key if step else "", asked_at=str((packet.answer_meta[name] or {}).get("at", "")),
            ))
            if len(questions) >= limit:
                return questions
    return questions


def today() -> date:
    return date.today()
