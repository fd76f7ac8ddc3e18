"""What the evidence panel shows, and the upload actions the views call (one function each)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlmodel import Session

from portal import forms
from portal.documents import renders, uploads
from portal.models import Agency, Client, Document, Packet, Render, User
from portal.packets import channel as packet_channel
from portal.packets.lifecycle import is_editable


@dataclass
class EvidenceState:
    rows: list[uploads.ChecklistRow]
    render: Render | None
    editable: bool
    max_mb: int
    channel: packet_channel.PacketChannel | None = None  # online or paper: the checklist adapts (photos, address)

    @property
    def missing(self) -> list[uploads.ChecklistRow]:
        """Items with no file and no reason, leaving out those the chosen channel does not take."""
        return [row for row in self.rows if row.status == "missing"
                and not (self.channel and self.channel.not_needed(row.item.key))]

    def row(self, key: str) -> uploads.ChecklistRow | None:
        return next((row for row in self.rows if row.item.key == key), None)


def checklist_items(session: Session, *, packet: Packet):
    client = session.get(Client, packet.client_id)
    agency = session.get(Agency, packet.agency_id)
    return forms.summarize(packet=packet, client=client, agency=agency).checklist


def state(session: Session, *, packet: Packet, today: date | None = None) -> EvidenceState:
    items = checklist_items(session, packet=packet)
    return EvidenceState(
        rows=uploads.checklist_rows(session, packet=packet, items=items, today=today),
        render=renders.latest_render(session, packet=packet),
        editable=is_editable(packet),
        max_mb=current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024),
        channel=packet_channel.of(packet),
    )


def item_keys(session: Session, *, packet: Packet) -> set[str]:
    return {item.key for item in checklist_items(session, packet=packet)}


def upload_files(session: Session, *, packet: Packet, user: User, checklist_item: str, files: list[tuple[str, bytes]],
                 expires_on: date | None = None) -> tuple[list[Document], list[str]]:
    """Attach each acceptable file; returns (attached, messages for refused files). Caller commits."""
    attached, refused = [], []
    for filename, data in files:
        try:
            checked = uploads.check_file(data, filename, max_bytes=current_app.config["UPLOAD_MAX_BYTES"])
        except uploads.UploadRefused as error:
            refused.append(f"{uploads.safe_display(filename)}: {error}")
            continue
        attached.append(uploads.add_document(session, packet=packet, user=user, checklist_item=checklist_item,
                                             checked=checked, expires_on=expires_on))
    return attached, refused
