"""Evidence uploads: checked by content, cleaned, encrypted, attached to a packet's checklist items.

A file is judged by its bytes (magic numbers, then actually opening it with Pillow or pikepdf),
never by its name or declared type. Photos lose their metadata (GPS, device ids) and are turned
upright; HEIC becomes JPEG. Each refusal says what is wrong in plain words, and a refused file
changes nothing that was already uploaded.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import pikepdf
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlmodel import Session, select

from portal import audit
from portal.documents import storage, upload_ready
from portal.forms import channels
from portal.i18n import lazy_gettext as _l
from portal.models import ChecklistWaiver, Document, Packet, Render, RenderStatus, User, utcnow

MAX_PIXELS = 60_000_000  # a 48-megapixel phone photo passes; a decompression bomb does not
JPEG_QUALITY = 88
# Typical IRCC processing time for the packets Passage prepares (citizenship for minors, PR cards,
# work permits): a document expiring within this window is likely to expire before the decision.
LIKELY_DECISION_DAYS = 365
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
ACCEPT = "image/*,application/pdf"

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    pillow_heif = None


class UploadRefused(ValueError):
    """The file cannot be attached; str(error) is the message for the person who uploaded it."""


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    content_type: str
    pages: int
    filename: str


def _sniff(data: bytes) -> str:
    head = data[:64]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1", b"heim", b"heis"}:
        return "heic"
    text = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(marker in text
           for marker in (b"<svg", b"<html", b"<!doctype html", b"<script", b"<?xml", b"<body", b"<iframe")):
        return "markup"
    # A PDF may carry junk before its header; readers accept it within the first kilobyte.
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return "unknown"


def safe_filename(name: str, content_type: str) -> str:
    """A display name with no path, no control characters and the extension of what is stored."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[^\w\- ]+", "_", stem, flags=re.UNICODE).strip(" ._") or "document"
    extension = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}[content_type]
    return stem[:100] + extension


def _clean_pdf(data: bytes) -> tuple[bytes, int]:
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as error:
        raise UploadRefused(_l("This PDF is protected with a password. "
                               "Please upload a copy without a password.")) from error
    except pikepdf.PdfError as error:
        raise UploadRefused(_l("This PDF is damaged or incomplete. "
                               "Please scan or save it again and upload the new copy.")) from error
    with pdf:
        if pdf.is_encrypted:
            raise UploadRefused(_l("This PDF is encrypted. Please upload a copy that is not locked or encrypted."))
        pages = len(pdf.pages)
        if pages == 0:
            raise UploadRefused(_l("This PDF has no pages. Please check the file and upload it again."))
        # Scripts, embedded files and metadata have no place in evidence sent to IRCC.
        _strip_active_content(pdf)
        out = io.BytesIO()
        try:
            pdf.save(out)
        except pikepdf.PdfError as error:
            raise UploadRefused(_l("This PDF is damaged or incomplete. "
                                   "Please scan or save it again and upload the new copy.")) from error
    return out.getvalue(), pages


# Keys that carry actions, scripts, attachments or hidden metadata, wherever they are: the document catalog,
# pages, annotations, form fields, images. /AA holds actions run on events (page open, field change, ...).
_DROPPED_KEYS = ("/AA", "/OpenAction", "/JS", "/JavaScript", "/Metadata", "/EmbeddedFiles", "/AF", "/XFA",
                 "/Collection", "/PieceInfo")
# Actions that run something, open or fetch another file, or send data are dropped; links within the
# document, and web and mail links, stay.
_SAFE_ACTIONS = {"/GoTo", "/Named", "/Thread", "/Trans", "/URI"}
_DROPPED_ANNOTATIONS = {"/FileAttachment", "/Movie", "/Sound", "/Screen", "/RichMedia", "/3D"}


def _is_safe_action(action) -> bool:
    if not isinstance(action, pikepdf.Dictionary) or "/Next" in action:
        return False  # a chain of actions: one of them could be anything
    kind = str(action.get("/S", ""))
    if kind == "/URI":
        return str(action.get("/URI", "")).strip().lower().startswith(("https://", "http://", "mailto:"))
    return kind in _SAFE_ACTIONS


def _clean_dictionary(node) -> None:
    for key in _DROPPED_KEYS:
        if key in node:
            del node[key]
    if "/A" in node and not _is_safe_action(node.A):
        del node["/A"]
    if "/Annots" in node and isinstance(node.Annots, pikepdf.Array):
        node.Annots = pikepdf.Array([annotation for annotation in node.Annots
                                     if str(annotation.get("/Subtype", "")) not in _DROPPED_ANNOTATIONS])


def _clean_tree(root) -> None:
    """Clean every dictionary reachable from `root` (iteratively: outlines can be long chains)."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        if isinstance(node, pikepdf.Array):
            stack.extend(item for item in node if isinstance(item, (pikepdf.Array, pikepdf.Dictionary,
                                                                    pikepdf.Stream)))
            continue
        _clean_dictionary(node)
        children = [node[key] for key in list(node.keys())]
        stack.extend(child for child in children
                     if isinstance(child, (pikepdf.Array, pikepdf.Dictionary, pikepdf.Stream)))


def _strip_active_content(pdf: pikepdf.Pdf) -> None:
    """Rewrite the PDF with no JavaScript (document, page, annotation or form-field actions), no launch, remote
    or file actions, no embedded files and no XMP metadata at any level; what is left is what prints."""
    _clean_tree(pdf.Root)
    if "/Info" in pdf.trailer:
        del pdf.trailer["/Info"]


def _clean_image(data: bytes, kind: str) -> tuple[bytes, str]:
    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
        if isinstance(error, Image.DecompressionBombError):
            raise UploadRefused(_l("This picture has too many pixels to handle safely. "
                                   "Please upload a smaller photo or a scan.")) from error
        raise UploadRefused(_l("This picture is damaged or is not really a picture. "
                               "Please take the photo again.")) from error
    if width * height > MAX_PIXELS:
        raise UploadRefused(_l("This picture has too many pixels to handle safely. "
                               "Please upload a smaller photo or a scan."))
    try:
        image.load()
        image = ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError) as error:
        raise UploadRefused(_l("This picture is damaged or is not really a picture. "
                               "Please take the photo again.")) from error
    out = io.BytesIO()
    # Saving a fresh image without exif/info drops GPS, device ids and every other tag.
    if kind == "png":
        if image.mode not in ("RGBA", "LA", "P", "L", "RGB"):
            image = image.convert("RGBA")
        image.info = {}
        image.save(out, format="PNG")
        return out.getvalue(), PNG
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    image.info = {}
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=False)
    return out.getvalue(), JPEG


def check_file(data: bytes, filename: str, *, max_bytes: int) -> CheckedFile:
    """The cleaned file ready to store, or UploadRefused with the reason."""
    if not data:
        raise UploadRefused(_l("This file is empty. Please choose the file again."))
    if len(data) > max_bytes:
        raise UploadRefused(
            _l("This file is larger than %(mb)s MB. Please scan at a lower resolution or split it into parts.",
               mb=max_bytes // (1024 * 1024))
        )
    kind = _sniff(data)
    if kind == "markup":
        raise UploadRefused(_l("Web pages and SVG drawings can't be attached. "
                               "Please upload a PDF, or a photo or scan (JPEG, PNG or HEIC)."))
    if kind == "unknown":
        raise UploadRefused(_l("This kind of file can't be attached. "
                               "Please upload a PDF, or a photo or scan (JPEG, PNG or HEIC)."))
    if kind == "pdf":
        cleaned, pages = _clean_pdf(data)
        return CheckedFile(cleaned, PDF, pages, safe_filename(filename, PDF))
    if kind == "heic" and pillow_heif is None:  # pragma: no cover
        raise UploadRefused(_l("HEIC photos can't be read here. Please upload a JPEG instead."))
    cleaned, content_type = _clean_image(data, kind)
    return CheckedFile(cleaned, content_type, 1, safe_filename(filename, content_type))


def documents_of(session: Session, *, packet: Packet) -> list[Document]:
    statement = select(Document).where(Document.packet_id == packet.id).order_by(
        Document.checklist_item, Document.position, Document.created_at
    )
    return list(session.exec(statement))


def waivers_of(session: Session, *, packet: Packet) -> dict[str, ChecklistWaiver]:
    rows = session.exec(select(ChecklistWaiver).where(ChecklistWaiver.packet_id == packet.id))
    return {row.checklist_item: row for row in rows}


def add_document(session: Session, *, packet: Packet, user: User, checklist_item: str, checked: CheckedFile,
                 expires_on: date | None = None) -> Document:
    """Store a checked file and attach it at the end of the item's list; the caller commits."""
    existing = session.exec(
        select(Document.position).where(Document.packet_id == packet.id, Document.checklist_item == checklist_item)
    ).all()
    document = Document(
        agency_id=packet.agency_id,
        packet_id=packet.id,
        checklist_item=checklist_item,
        position=(max(existing) + 1) if existing else 0,
        filename=checked.filename,
        content_type=checked.content_type,
        size=len(checked.data),
        pages=checked.pages,
        sha256=hashlib.sha256(checked.data).hexdigest(),
        storage_key=storage.save(checked.data),
        expires_on=expires_on,
        uploaded_by_id=user.id,
    )
    _keep_upload_ready(document, checked)
    session.add(document)
    waiver = session.exec(
        select(ChecklistWaiver).where(ChecklistWaiver.packet_id == packet.id,
                                      ChecklistWaiver.checklist_item == checklist_item)
    ).first()
    if waiver is not None:
        session.delete(waiver)  # a file uploaded for an item means the item applies after all
    session.flush()
    audit.record(session, action="document.upload", user=user, record_type="document", record_id=document.id,
                 detail=f"packet={packet.id} item={checklist_item}")
    return document


def replace_document(session: Session, *, document: Document, user: User, checked: CheckedFile,
                     expires_on: date | None = None) -> Document:
    old_key, old_ready = document.storage_key, document.ready_key
    document.filename = checked.filename
    document.content_type = checked.content_type
    document.size = len(checked.data)
    document.pages = checked.pages
    document.sha256 = hashlib.sha256(checked.data).hexdigest()
    document.storage_key = storage.save(checked.data)
    _keep_upload_ready(document, checked)
    if expires_on is not None:
        document.expires_on = expires_on
    document.uploaded_by_id = user.id
    document.created_at = utcnow()
    session.add(document)
    session.flush()
    audit.record(session, action="document.replace", user=user, record_type="document", record_id=document.id)
    _forget_unless_rendered(session, old_key)
    if old_ready and old_ready != old_key:
        _forget_unless_rendered(session, old_ready)
    return document


def _keep_upload_ready(document: Document, checked: CheckedFile) -> None:
    """Make the file's upload-ready PDF now, once, so the online kit only joins files (upload_ready.py)."""
    ready = upload_ready.prepare(checked.data, checked.content_type, max_bytes=channels.upload_max_bytes())
    document.ready_key = document.storage_key if ready.data is checked.data else storage.save(ready.data)
    document.ready_pages, document.ready_size = ready.pages, len(ready.data)


def remove_document(session: Session, *, document: Document, user: User) -> None:
    key, ready = document.storage_key, document.ready_key
    session.delete(document)
    session.flush()
    audit.record(session, action="document.remove", user=user, record_type="document", record_id=document.id,
                 detail=f"packet={document.packet_id}")
    _forget_unless_rendered(session, key)
    if ready and ready != key:
        _forget_unless_rendered(session, ready)


def _forget_unless_rendered(session: Session, key: str) -> None:
    """Delete a replaced file, unless a render snapshot still points at it (renders are kept as versions)."""
    for snapshot in session.exec(select(Render.snapshot).where(Render.status != RenderStatus.failed)):
        if key in str(snapshot):
            return
    storage.delete(key)


def move_document(session: Session, *, document: Document, user: User, direction: str) -> None:
    """Swap a file with its neighbour in the item's list ("up" or "down")."""
    siblings = list(session.exec(
        select(Document).where(Document.packet_id == document.packet_id,
                               Document.checklist_item == document.checklist_item)
        .order_by(Document.position, Document.created_at)
    ))
    index = next(i for i, row in enumerate(siblings) if row.id == document.id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, row in enumerate(siblings):
        row.position = position
        session.add(row)
    session.flush()
    audit.record(session, action="document.reorder", user=user, record_type="document", record_id=document.id)


def set_expiry(session: Session, *, document: Document, expires_on: date | None) -> None:
    document.expires_on = expires_on
    session.add(document)
    session.flush()


def waive_item(session: Session, *, packet: Packet, user: User, checklist_item: str, reason: str) -> ChecklistWaiver:
    waiver = session.exec(
        select(ChecklistWaiver).where(ChecklistWaiver.packet_id == packet.id,
                                      ChecklistWaiver.checklist_item == checklist_item)
    ).first() or ChecklistWaiver(agency_id=packet.agency_id, packet_id=packet.id, checklist_item=checklist_item,
                                 reason="")
    waiver.reason = reason
    waiver.by_id = user.id
    session.add(waiver)
    session.flush()
    audit.record(session, action="checklist.waive", user=user, record_type="packet", record_id=packet.id,
                 detail=f"item={checklist_item}")
    return waiver


def unwaive_item(session: Session, *, packet: Packet, user: User, checklist_item: str) -> None:
    waiver = session.exec(
        select(ChecklistWaiver).where(ChecklistWaiver.packet_id == packet.id,
                                      ChecklistWaiver.checklist_item == checklist_item)
    ).first()
    if waiver is not None:
        session.delete(waiver)
        session.flush()
        audit.record(session, action="checklist.unwaive", user=user, record_type="packet", record_id=packet.id,
                     detail=f"item={checklist_item}")


def expiry_warning(expires_on: date | None, *, today: date | None = None) -> str | None:
    """"expired" or "expires_soon" (before the likely decision), else None; templates word it."""
    if expires_on is None:
        return None
    today = today or date.today()
    if expires_on < today:
        return "expired"
    if expires_on < today + timedelta(days=LIKELY_DECISION_DAYS):
        return "expires_soon"
    return None


@dataclass
class ChecklistRow:
    item: object  # forms.types.ChecklistItem
    documents: list[Document]
    waiver: ChecklistWaiver | None
    warnings: list[str]  # expiry_warning() codes, one per file that has one

    @property
    def status(self) -> str:
        if self.documents:
            return "uploaded"
        if self.waiver is not None:
            return "not_applicable"
        return "missing"


def checklist_rows(session: Session, *, packet: Packet, items, today: date | None = None) -> list[ChecklistRow]:
    """Each applicable checklist item with its files, waiver and expiry warnings, in the form's order."""
    documents = documents_of(session, packet=packet)
    waivers = waivers_of(session, packet=packet)
    rows = []
    for item in items:
        files = [d for d in documents if d.checklist_item == item.key]
        warnings = []
        if getattr(item, "has_expiry", False):
            for document in files:
                warning = expiry_warning(document.expires_on, today=today)
                if warning:
                    warnings.append(warning)
        rows.append(ChecklistRow(item=item, documents=files, waiver=waivers.get(item.key), warnings=warnings))
    return rows


def safe_display(name: str) -> str:
    """A file name as typed, shortened and without path, for messages (Jinja escapes it)."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (base[:80] or str(_l("The file")))
