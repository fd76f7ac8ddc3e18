"""Demo evidence: made-up scans and photos on the fully answered CIT 0403 packet, so its PDF shows the
evidence section. Generated here (no personal data, no files in the repository); idempotent."""
import io
from datetime import date, timedelta

import pikepdf
from PIL import Image, ImageDraw
from sqlmodel import Session, select

from portal.documents import uploads
from portal.models import Document, Packet
from portal.packets import completeness

PLAIN = (1700, 1100)


def _photo(text: str) -> bytes:
    image = Image.new("RGB", PLAIN, (236, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((60, 60, PLAIN[0] - 60, PLAIN[1] - 60), outline=(40, 60, 120), width=8)
    draw.text((120, 140), text, fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _scan(pages: int, text: str) -> bytes:
    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                 BaseFont=pikepdf.Name.Helvetica))
    for number in range(pages):
        pdf.add_blank_page(page_size=(612, 792))
        page = pdf.pages[-1]
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        # Two short lines: one long line would run off the page.
        page.Contents = pdf.make_stream(
            f"BT /F1 20 Tf 72 700 Td (DEMO - {text}) Tj 0 -28 Td (Page {number + 1}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def seed(session: Session, context: dict) -> None:
    client = context["clients"]["haddad-amira"]
    packet = session.exec(select(Packet).where(Packet.client_id == client.id, Packet.packet_type == "cit_0403")).first()
    if packet is None or session.exec(select(Document).where(Document.packet_id == packet.id)).first() is not None:
        return
    user = next(u for u in context["users"].values() if u.id == client.assigned_caseworker_id)
    files = [
        ("pr_proof", "copr.pdf", _scan(2, "Confirmation of permanent residence (made-up)"), None),
        ("passports", "passport.jpg", _photo("DEMO passport page (made-up)"), date.today() - timedelta(days=30)),
        ("two_id", "health-card.jpg", _photo("DEMO health card (made-up)"), None),
        ("proof_of_authority", "court-order.pdf", _scan(3, "Extended society care order (made-up)"), None),
    ]
    for item, name, data, expires_on in files:
        checked = uploads.check_file(data, name, max_bytes=50 * 1024 * 1024)
        uploads.add_document(session, packet=packet, user=user, checklist_item=item, checked=checked,
                             expires_on=expires_on)
    uploads.waive_item(session, packet=packet, user=user, checklist_item="photos",
                       reason="Applying online: photos are uploaded with the online application.")
    session.flush()
    # The README tour calls this packet complete: every other required item gets its made-up scan too.
    for item in completeness.of(session, packet=packet).of_kind(completeness.CHECKLIST):
        checked = uploads.check_file(_scan(1, f"Checklist item {item.key} (made-up)"), f"{item.key}.pdf",
                                     max_bytes=50 * 1024 * 1024)
        uploads.add_document(session, packet=packet, user=user, checklist_item=item.key, checked=checked)
