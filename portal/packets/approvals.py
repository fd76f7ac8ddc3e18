"""Approved revisions, frozen, and what changed since the last one was approved."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlmodel import Session, select

from portal.forms import find_packet_type
from portal.i18n import lazy_gettext as _l
from portal.models import Document, Packet, PacketApproval, Render


def last_approval(session: Session, *, packet: Packet, before_revision: int | None = None) -> PacketApproval | None:
    statement = select(PacketApproval).where(PacketApproval.packet_id == packet.id)
    if before_revision is not None:
        statement = statement.where(PacketApproval.revision < before_revision)
    return session.exec(statement.order_by(PacketApproval.revision.desc())).first()


def attach_final_render(session: Session, *, packet: Packet, render) -> PacketApproval | None:
    """Link the approval of the packet's current revision to its final (unwatermarked) render."""
    approval = last_approval(session, packet=packet)
    if approval is None or approval.revision != packet.revision:
        return None
    approval.render_id = render.id
    approval.sha256 = getattr(render, "sha256", None)
    session.add(approval)
    return approval


def approval_fingerprint(session: Session, *, approval: PacketApproval) -> str | None:
    """The final PDF's SHA-256, copied into the approval the first time the render is seen done."""
    if approval.sha256:
        return approval.sha256
    if approval.render_id is None:  # asked for elsewhere (e.g. the packet page) for the approved version
        render = session.exec(select(Render).where(
            Render.packet_id == approval.packet_id, Render.final.is_(True), Render.revision == approval.revision,
            Render.sha256.is_not(None)).order_by(Render.created_at.desc())).first()
        if render is not None:
            approval.render_id = render.id
    else:
        render = session.get(Render, approval.render_id)
    if render is not None and render.sha256 and render.final:
        approval.sha256 = render.sha256
        session.add(approval)
    return approval.sha256


@dataclass
class FieldChange:
    name: str
    label: str
    before: str
    after: str


@dataclass
class DocumentChange:
    checklist_item: str
    label: str
    change: str  # added | removed | replaced
    before: str = ""
    after: str = ""


@dataclass
class Changes:
    approval: PacketApproval
    fields: list[FieldChange] = field(default_factory=list)
    documents: list[DocumentChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.fields and not self.documents


def _display(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    if isinstance(value, bool):
        return _l("Yes") if value else _l("No")
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _comparable(value) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def diff_answers(before: dict, after: dict, *, labels: dict | None = None) -> list[FieldChange]:
    labels = labels or {}
    changes = []
    for name in sorted(set(before) | set(after),
                       key=lambda key: (list(labels).index(key) if key in labels else 10**6, key)):
        old, new = before.get(name), after.get(name)
        if _comparable(old) != _comparable(new):
            changes.append(FieldChange(name=name, label=labels.get(name, name), before=_display(old),
                                       after=_display(new)))
    return changes


def diff_documents(before: list[dict], after: list[dict], *, labels: dict | None = None) -> list[DocumentChange]:
    """Document by document, by content (sha256) within each checklist item."""
    labels = labels or {}
    items = sorted({doc["checklist_item"] for doc in before} | {doc["checklist_item"] for doc in after})
    changes = []
    for item in items:
        old = {doc["sha256"]: doc for doc in before if doc["checklist_item"] == item}
        new = {doc["sha256"]: doc for doc in after if doc["checklist_item"] == item}
        removed = [old[sha] for sha in old if sha not in new]
        added = [new[sha] for sha in new if sha not in old]
        label = labels.get(item, item)
        while removed and added:
            gone, came = removed.pop(0), added.pop(0)
            changes.append(DocumentChange(item, label, "replaced", gone["filename"], came["filename"]))
        changes.extend(DocumentChange(item, label, "removed", before=doc["filename"]) for doc in removed)
        changes.extend(DocumentChange(item, label, "added", after=doc["filename"]) for doc in added)
    return changes


def current_documents(session: Session, *, packet: Packet) -> list[dict]:
    rows = session.exec(select(Document).where(Document.packet_id == packet.id)).all()
    return [{"id": str(doc.id), "checklist_item": doc.checklist_item, "filename": doc.filename, "sha256": doc.sha256}
            for doc in rows]


def changes_since_approval(session: Session, *, packet: Packet) -> Changes | None:
    """What changed since the last approved revision before this one; None when none was approved."""
    approval = last_approval(session, packet=packet, before_revision=packet.revision)
    if approval is None:
        return None
    packet_type = find_packet_type(packet.packet_type)
    field_labels, item_labels = {}, {}
    if packet_type is not None:
        field_labels = {item.name: item.label for step in packet_type.steps for item in step.fields}
        item_labels = {item.key: item.label for item in packet_type.checklist}
    return Changes(
        approval=approval,
        fields=diff_answers(approval.answers or {}, packet.answers or {}, labels=field_labels),
        documents=diff_documents(approval.documents or [], current_documents(session, packet=packet),
                                 labels=item_labels),
    )
