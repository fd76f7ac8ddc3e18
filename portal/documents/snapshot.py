"""The render snapshot: everything a packet PDF shows, as plain JSON, taken when the render is asked for.

The worker reads only the snapshot (and the stored files it names), so a PDF shows the packet as it
was when "Generate packet" was pressed, even if someone edits the answers a second later.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import force_locale
from sqlmodel import Session

from portal import forms
from portal.documents import uploads
from portal.forms import engine
from portal.i18n import gettext as _
from portal.models import Agency, Client, Packet, User
from portal.packets import completeness, signatures
from portal.packets import language as packet_language

SNAPSHOT_VERSION = 1
# Control characters print as empty boxes and garble the PDF's text layer for the whole page. Typed values lose
# them when saved (validation.clean_text); this keeps them out of the PDF whatever the data's origin.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The applicant's identity as the packet's own questions name it: field name -> key in "applicant".
IDENTITY_FIELDS = {"uci": "uci", "family_name": "family_name", "given_names": "given_names", "dob": "date_of_birth",
                   "date_of_birth": "date_of_birth"}


def _summary(*, packet: Packet, client: Client, agency: Agency, today: date):
    return forms.summarize(packet=packet, client=client, agency=agency, today=today)


def _representative(session: Session, *, packet: Packet, client: Client, user: User | None) -> User | None:
    for user_id in (packet.owner_id, client.assigned_caseworker_id):
        if user_id:
            found = session.get(User, user_id)
            if found is not None:
                return found
    return user


def _signatures(session: Session, *, packet: Packet) -> dict:
    result = {}
    for key, signature in (signatures.signatures_for(session, packet=packet) or {}).items():
        signed_at = signature.get("signed_at")
        result[key] = {
            "name": str(signature.get("name", "")),
            "signed_at": signed_at.isoformat() if hasattr(signed_at, "isoformat") else str(signed_at or ""),
            "method": str(signature.get("method", "")),
        }
    return result


def _applicant(client: Client, summary) -> dict:
    """Who the packet is for, as the application itself states it, so the header and cover letter say
    what the answers say; the client file fills in what this packet type does not ask."""
    values = {
        "family_name": client.family_name,
        "given_names": client.given_names,
        "date_of_birth": client.date_of_birth.isoformat() if client.date_of_birth else "",
        "uci": client.uci,
    }
    answered = set()
    for section in summary.sections:
        for line in section.lines:
            key = IDENTITY_FIELDS.get(line.field.name)
            if key is None or key in answered or not line.applies or line.value in (None, ""):
                continue
            answered.add(key)  # the first question that asks it: the applicant's own identity step
            value = line.value
            values[key] = value.isoformat() if hasattr(value, "isoformat") else (
                str(value) if key == "date_of_birth" else line.display)
    return {"name": f"{values['given_names'] or ''} {values['family_name'] or ''}".strip(), **values}


def _display(line) -> str:
    """The answer as given; the packet's own words (not answered, does not apply) in its language."""
    if line.missing and not line.display:
        return _("Not answered yet")
    if not line.display or (line.display == engine.NOT_APPLICABLE and engine.is_blank(line.value)):
        return _("N/A")
    return line.display


def build(session: Session, *, packet: Packet, user: User | None, today: date | None = None) -> dict:
    """The snapshot of one packet: answers in the form's order, checklist with files, signers, people."""
    # The packet goes to IRCC in its own language (packet.language), whatever language the person asking reads.
    language = packet_language.spoken(packet.language)
    with force_locale(language):
        taken = _build(session, packet=packet, user=user, today=today or date.today())
    return _printable({**taken, "language": language})


def _printable(value):
    if isinstance(value, str):  # left as it is (and of its own type) unless there is something to drop
        return _UNPRINTABLE.sub("", value) if _UNPRINTABLE.search(value) else value
    if isinstance(value, dict):
        return {key: _printable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(item) for item in value]
    return value


def _build(session: Session, *, packet: Packet, user: User | None, today: date) -> dict:
    client = session.get(Client, packet.client_id)
    agency = session.get(Agency, packet.agency_id)
    summary = _summary(packet=packet, client=client, agency=agency, today=today)
    rows = uploads.checklist_rows(session, packet=packet, items=summary.checklist, today=today)
    state = completeness.of(session, packet=packet, summary=summary)
    missing_items = state.missing_checklist_keys()
    representative = _representative(session, packet=packet, client=client, user=user)
    signatures = _signatures(session, packet=packet)
    sections = []
    release = []
    for section in summary.sections:
        lines = [
            {
                "label": str(line.field.label),
                "form_ref": line.field.form_ref,
                "display": _display(line),
                "missing": bool(line.missing),
                "rows": [list(row) for row in line.rows],
                "columns": [str(column.label) for column in line.field.columns],
            }
            for line in section.lines
        ]
        entry = {"key": section.step.key, "title": str(section.step.title), "form_section": section.step.form_section,
                 "lines": lines}
        sections.append(entry)
        if section.step.role == "release":
            release.append(entry)
    checklist = []
    for row in rows:
        checklist.append({
            "key": row.item.key,
            "label": str(row.item.label),
            "why": str(row.item.why),
            "required": row.item.required,
            "has_expiry": row.item.has_expiry,
            # "missing" only when the completeness model says so: an optional item left out is never missing
            "status": row.status if row.status != "missing" or row.item.key in missing_items else "optional",
            "reason": row.waiver.reason if row.waiver else "",
            "warnings": list(row.warnings),
            "documents": [
                {
                    "id": str(document.id),
                    "filename": document.filename,
                    "content_type": document.content_type,
                    "pages": document.pages,
                    "size": document.size,
                    "sha256": document.sha256,
                    "storage_key": document.storage_key,
                    "expires_on": document.expires_on.isoformat() if document.expires_on else None,
                }
                for document in row.documents
            ],
        })
    packet_type = summary.packet_type
    return {
        "version": SNAPSHOT_VERSION,
        "generated_on": today.isoformat(),
        "packet": {
            "id": str(packet.id),
            "type": packet.packet_type,
            "title": str(packet_type.title),
            "form_code": packet_type.form_code,
            "revision": packet.revision,
            "submission": packet_type.submission,
            # Packet-specific paragraphs (basis and fee exemption, program participation when chosen).
            "cover_letter": list(packet_type.cover_letter(summary.context)) if packet_type.cover_letter else [],
        },
        "agency": {"name": agency.name, "address": agency.address, "phone": agency.phone, "email": agency.email},
        "applicant": _applicant(client, summary),
        "representative": {
            "name": representative.name if representative else "",
            "email": representative.email if representative else "",
        },
        "sections": sections,
        "release": release,
        "checklist": checklist,
        # what the packet still lacks, from the completeness model: the checklist page lists it
        "missing": [{"kind": item.kind, "label": str(item.label), "step": str(item.step_title)}
                    for item in state.items if item.kind != completeness.COMMENT],
        "signers": [
            {"key": signer.key, "role": str(signer.role), "capacity": capacity or "",
             "signature": signatures.get(signer.key)}
            for signer, capacity in summary.signers
        ],
        "fees": [{"label": fee.label, "amount": fee.amount, "note": fee.note} for fee in summary.fees],
    }
