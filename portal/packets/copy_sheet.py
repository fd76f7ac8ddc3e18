"""The copy sheet: a packet's answers in the online form's order, each exactly as the online form wants it, so
nothing is retyped by hand. Where IRCC has not published the online form's order, the paper form's order is
used and the sheet says "order not verified". Questions asked only online, or only on paper, are marked.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from portal import forms
from portal.models import Agency, Client, Packet
from portal.packets import channel as packet_channel


@dataclass(frozen=True)
class CopyValue:
    id: str  # unique on the page: "v-<field>" or "v-<field>-<row>-<column>"
    label: str
    form_ref: str
    value: str  # exactly what goes in the online form; "" when the question is not answered yet
    paper_only: bool = False


@dataclass(frozen=True)
class CopySection:
    key: str
    title: str
    form_section: str
    values: tuple[CopyValue, ...]


@dataclass(frozen=True)
class CopySheet:
    title: str
    form_code: str
    order_verified: bool
    sections: tuple[CopySection, ...]
    online_only: tuple[str, ...]  # questions the online form asks that the paper form does not
    channel: packet_channel.PacketChannel


def build(session: Session, *, packet: Packet) -> CopySheet:
    client = session.get(Client, packet.client_id)
    agency = session.get(Agency, packet.agency_id)
    summary = forms.summarize(packet=packet, client=client, agency=agency)
    chosen = packet_channel.of(packet)
    paper_only = set(chosen.channel.paper_only) if chosen.channel else set()
    sections = []
    for section in summary.sections:
        values = []
        for line in section.lines:
            if not line.applies:
                continue  # a question that does not apply is not asked online either
            name = line.field.name
            marked = name in paper_only
            if line.field.kind == "group":
                for row_number, row in enumerate(line.rows, start=1):
                    for column, cell in zip(line.field.columns, row, strict=False):
                        values.append(CopyValue(f"v-{name}-{row_number}-{column.name}",
                                                f"{line.field.label}, {row_number}: {column.label}",
                                                line.field.form_ref, cell, marked))
                continue
            values.append(CopyValue(f"v-{name}", str(line.field.label), line.field.form_ref,
                                    "" if line.missing else line.display, marked))
        sections.append(CopySection(section.step.key, str(section.step.title), section.step.form_section,
                                    tuple(values)))
    return CopySheet(
        title=str(summary.packet_type.title), form_code=summary.packet_type.form_code,
        order_verified=bool(chosen.channel and chosen.channel.online_order_published),
        sections=tuple(sections), online_only=tuple(chosen.channel.online_only) if chosen.channel else (),
        channel=chosen,
    )
