"""Signatures given on the youth's own device, shown on the packet's signature page.

The youth confirms the declaration by typing their full name (it must match the name on file, whatever
the case or accents) and the date. A signature covers the packet's answers as they were when it was
given: when one of them changes, the signature is voided, recorded, and the youth is asked to sign again.
"""
import hashlib
import json
import re
import unicodedata
from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from portal import audit
from portal.casework.clients import fold
from portal.i18n import format_date
from portal.i18n import lazy_gettext as _l
from portal.models import Client, Packet, PacketEvent, Role, Signature, User, utcnow
from portal.packets.editable import is_editable
from portal.validation import FormInvalid
from portal.youth import participation


class SignatureError(FormInvalid):
    """A signature that cannot be given: a message per field."""


def _name_tokens(text: str) -> frozenset[str]:
    """Folded name parts: hyphens, apostrophes and periods separate nothing and matter nothing."""
    folded = fold(unicodedata.normalize("NFKC", text or ""))
    folded = re.sub(r"[\-‐‑'’.,]", " ", folded)
    return frozenset(folded.split())


def names_on_file(client: Client) -> list[str]:
    names = [f"{client.given_names} {client.family_name}".strip()]
    names += [part.strip() for part in re.split(r"[;,\n]", client.other_names or "") if part.strip()]
    return [name for name in names if name]


def name_matches(typed: str, client: Client) -> bool:
    """The typed name has exactly the parts of the name on file (or of another name on file), in any order."""
    typed_tokens = _name_tokens(typed)
    return bool(typed_tokens) and any(typed_tokens == _name_tokens(name) for name in names_on_file(client))


def _digest(answers: dict, fields) -> str:
    covered = {name: answers.get(name) for name in sorted(fields)}
    return hashlib.sha256(json.dumps(covered, sort_keys=True, default=str).encode()).hexdigest()


def covered_fields(packet: Packet) -> list[str]:
    """A declaration vouches for the whole application: every field of the type, and anything answered."""
    names = set(packet.answers or {})
    packet_type = participation.packet_type(packet)
    if packet_type is not None:
        names.update(item.name for step in packet_type.steps for item in step.fields)
    return sorted(names)


def _live(session: Session, packet: Packet) -> list[Signature]:
    return list(session.exec(
        select(Signature).where(Signature.packet_id == packet.id, Signature.voided_at.is_(None))
        .order_by(Signature.signed_at)
    ))


def signatures_for(session, *, packet) -> dict:
    """Valid signatures keyed by signer key: each has name, signed_at, signed_on, method, user_id and drawing.

    A signature whose answers no longer match is left out even if nothing voided it yet, so the PDF
    can never print a signature under answers it did not cover.
    """
    valid = {}
    for signature in _live(session, packet):
        if signature.answers_digest == _digest(packet.answers or {}, signature.covered_fields):
            valid[signature.signer_key] = {
                "name": signature.typed_name,
                "signed_at": signature.signed_at,
                "signed_on": signature.signed_on,
                "method": signature.method,
                "user_id": signature.user_id,
                "drawing": signature.drawing,  # SVG path data in a 0 0 300 100 box, or ""
            }
    return valid


DRAWING = re.compile(r"(?:M\d{1,3} \d{1,3}(?: L\d{1,3} \d{1,3})* ?){1,400}")
DRAWING_MAX = 20000


def clean_drawing(value: str) -> tuple[str, str | None]:
    """SVG path data from the drawing pad (moves and lines in a 300 x 100 box), or an error."""
    value = " ".join((value or "").split())
    if not value:
        return "", None
    if len(value) > DRAWING_MAX or not DRAWING.fullmatch(value):
        return "", _l("The drawing could not be read. Please clear it and draw again, or sign with your name only.")
    if any(int(x) > 300 or int(y) > 100 for x, y in re.findall(r"[ML](\d+) (\d+)", value)):
        return "", _l("The drawing could not be read. Please clear it and draw again, or sign with your name only.")
    return value, None


def _check_may_sign(session: Session, *, packet: Packet, user: User, signer_key: str) -> None:
    """Only the youth the packet is for, while it can change, as a signer still to sign."""
    if user.role != Role.youth or user.client_id != packet.client_id:
        raise SignatureError({"signer": _l("Only the person this application is for can sign here.")})
    if not is_editable(packet):
        raise SignatureError({"signer": _l("This application can no longer be signed here. "
                                           "Please talk to your caseworker.")})
    keys = {signer.key for signer in participation.youth_signers(session, packet=packet)}
    if signer_key not in keys:
        raise SignatureError({"signer": _l("Your signature is not needed here.")})
    if signer_key in signatures_for(session, packet=packet):
        raise SignatureError({"signer": _l("You already signed. Nothing more to do here.")})


def _clean_typed_name(typed_name: str, client: Client) -> tuple[str, str | None]:
    typed_name = " ".join((typed_name or "").split())[:200]
    if not typed_name:
        return typed_name, _l("Please type your full name.")
    if not name_matches(typed_name, client):
        return typed_name, _l("This must be your full name as your caseworker has it on file. "
                              "Check the spelling, or ask your caseworker.")
    return typed_name, None


def _clean_signed_on(signed_on: str, *, today: date) -> tuple[date | None, str | None]:
    try:
        written = date.fromisoformat((signed_on or "").strip())
    except ValueError:
        return None, _l("Enter today's date, for example %(d)s.", d=format_date(today))
    if abs(written - today) > timedelta(days=1):  # a day either way, for time zones
        return written, _l("Please enter today's date: %(d)s.", d=format_date(today))
    return written, None


def _void_stale(session: Session, *, packet: Packet, signer_key: str, now: datetime) -> None:
    """A stale signature by the same signer is replaced, not stacked."""
    for old in _live(session, packet):
        if old.signer_key == signer_key:
            old.voided_at = now
            old.void_reason = old.void_reason or "answer_changed"


def sign(
    session: Session, *, packet: Packet, user: User, signer_key: str, typed_name: str, signed_on: str,
    confirmed: bool, drawing: str = "", today: date | None = None, now: datetime | None = None,
) -> Signature:
    """Record the youth's signature, or raise SignatureError with a message per field."""
    now = now or utcnow()
    today = today or now.date()
    _check_may_sign(session, packet=packet, user=user, signer_key=signer_key)
    client = session.get(Client, packet.client_id)
    typed_name, name_error = _clean_typed_name(typed_name, client)
    written, date_error = _clean_signed_on(signed_on, today=today)
    drawing, drawing_error = clean_drawing(drawing)
    checked = {
        "confirm": None if confirmed else _l("Please tick the box to say the declaration is true."),
        "typed_name": name_error,
        "signed_on": date_error,
        "drawing": drawing_error,
    }
    errors = {name: error for name, error in checked.items() if error is not None}
    if errors:
        raise SignatureError(errors)
    _void_stale(session, packet=packet, signer_key=signer_key, now=now)
    fields = covered_fields(packet)
    signature = Signature(
        agency_id=packet.agency_id, packet_id=packet.id, signer_key=signer_key, user_id=user.id, typed_name=typed_name,
        signed_on=written, signed_at=now, method="typed_and_drawn" if drawing else "typed", drawing=drawing,
        revision=packet.revision, covered_fields=fields,
        answers_digest=_digest(packet.answers or {}, fields),
    )
    session.add(signature)
    session.add(PacketEvent(agency_id=packet.agency_id, packet_id=packet.id, actor_id=user.id, kind="signature",
                            note="signed", data={"signer": signer_key}))
    session.flush()
    audit.record(session, action="signature.signed", user=user, record_type="packet", record_id=packet.id,
                 detail=f"signer={signer_key} signature={signature.id}")
    return signature


def on_answers_changed(session, *, packet, changed, user=None, **_ignored) -> list[Signature]:
    """Called by every save of answers: void each signature that covered a changed answer, and record it."""
    voided = []
    changed = set(changed or ())
    now = utcnow()
    for signature in _live(session, packet):
        hit = sorted(changed & set(signature.covered_fields))
        if not hit:
            continue
        signature.voided_at = now
        signature.void_reason = "answer_changed"
        signature.voided_fields = hit
        voided.append(signature)
        session.add(PacketEvent(agency_id=packet.agency_id, packet_id=packet.id, actor_id=user.id if user else None,
                                kind="signature_voided", note="answer_changed",
                                data={"signer": signature.signer_key, "fields": hit}))
        audit.record(session, action="signature.voided", user=user, agency_id=packet.agency_id, record_type="packet",
                     record_id=packet.id, detail=f"signer={signature.signer_key} reason=answer_changed")
    if voided:
        session.flush()
    return voided


def signature_states(session: Session, *, packet: Packet) -> list[dict]:
    """For each signature the youth gives on this packet: signed, cleared (and why), or still to sign."""
    valid = signatures_for(session, packet=packet)
    latest_void = {}
    for signature in session.exec(
        select(Signature).where(Signature.packet_id == packet.id, Signature.voided_at.is_not(None))
        .order_by(Signature.voided_at)
    ):
        latest_void[signature.signer_key] = signature
    live_keys = {signature.signer_key for signature in _live(session, packet)}
    states = []
    for signer in participation.youth_signers(session, packet=packet):
        if signer.key in valid:
            states.append({"signer": signer, "state": "signed", "signature": valid[signer.key]})
        elif signer.key in latest_void or signer.key in live_keys:
            states.append({"signer": signer, "state": "cleared", "voided": latest_void.get(signer.key)})
        else:
            states.append({"signer": signer, "state": "to_sign"})
    return states


def all_signatures(session: Session, *, packet: Packet) -> list[Signature]:
    """Every signature ever given on the packet, newest first, for staff."""
    return list(session.exec(select(Signature).where(Signature.packet_id == packet.id)
                             .order_by(Signature.signed_at.desc())))

