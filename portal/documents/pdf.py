"""Packet PDF assembly: snapshot → HTML (Jinja, every value escaped) → WeasyPrint → evidence → bytes.

One FontConfiguration and one parsed print stylesheet are shared by every render in a process, so a
warm worker pays for fonts once. Images are placed by WeasyPrint one per page (JPEGs embedded as they
are); each page of an evidence PDF gets a placeholder page (header, page number and watermark drawn by
WeasyPrint) and the original page is laid under it with pikepdf, so text in scans stays as it was.
"""
from __future__ import annotations

import gc
import hashlib
import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pikepdf
from flask import Flask, current_app

from portal.documents.fetcher import EVIDENCE_BASE, STATIC_BASE, StaticOnlyFetcher

MAX_PAGES = 1500  # far beyond any real packet; stops a runaway document before it fills the disk
MAX_EVIDENCE_BYTES = 400 * 1024 * 1024
PX_TO_PT = 0.75
RENDER_GC_THRESHOLD = 10_000  # objects allocated between young-generation collections (Python's default: 700)


class RenderError(RuntimeError):
    """A render that cannot finish; str(error) is a plain-language reason for the packet page."""


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    sha256: str


_lock = threading.Lock()
_shared: dict = {}


def _shared_resources(app: Flask):
    """The font configuration and parsed stylesheets, built once per process."""
    key = app.static_folder
    with _lock:
        if key not in _shared:
            from weasyprint import CSS
            from weasyprint.text.fonts import FontConfiguration

            fonts = FontConfiguration()
            fetcher = StaticOnlyFetcher(app.static_folder)
            sheets = []
            for path in ("vendor/fonts/fonts.css", "css/print.css"):
                if (Path(app.static_folder) / path).exists():
                    sheets.append(CSS(url=STATIC_BASE + path, url_fetcher=fetcher, font_config=fonts))
            _shared[key] = (fonts, sheets)
        return _shared[key]


def build_html(snapshot: dict, *, final: bool, evidence_urls: dict[str, str] | None = None, app: Flask | None = None) -> str:
    """The packet as one HTML document; Jinja autoescapes every value taken from the snapshot."""
    # The template environment directly: a job has no request, so no request context processors.
    template = (app or current_app).jinja_env.get_template("documents/packet.html")
    return template.render(s=snapshot, final=final, evidence_urls=evidence_urls or {})


def _evidence(snapshot: dict, load: Callable[[str], bytes]):
    """Decrypted evidence: images for WeasyPrint (by token) and PDFs for pikepdf (by document id)."""
    images: dict[str, tuple[bytes, str]] = {}
    urls: dict[str, str] = {}
    pdfs: dict[str, bytes] = {}
    total = 0
    for item in snapshot["checklist"]:
        for document in item["documents"]:
            data = load(document["storage_key"])
            total += len(data)
            if total > MAX_EVIDENCE_BYTES:
                raise RenderError("The evidence files together are too large for one packet. Remove duplicates or scan at a lower resolution.")
            if document["content_type"] == "application/pdf":
                pdfs[document["id"]] = data
            else:
                token = hashlib.sha256(document["id"].encode()).hexdigest()[:32]
                images[token] = (data, document["content_type"])
                urls[document["id"]] = EVIDENCE_BASE + token
    return images, urls, pdfs


def render_packet_pdf(snapshot: dict, *, final: bool, load: Callable[[str], bytes],
                      progress: Callable[[str, int], None] | None = None, app: Flask | None = None) -> RenderedPdf:
    """Render a snapshot to PDF bytes. Raises RenderError with a plain reason when it cannot."""
    app = app or current_app._get_current_object()
    progress = progress or (lambda _stage, _percent: None)
    from weasyprint import HTML

    fonts, sheets = _shared_resources(app)
    images, urls, pdfs = _evidence(snapshot, load)
    html = build_html(snapshot, final=final, evidence_urls=urls, app=app)
    fetcher = StaticOnlyFetcher(app.static_folder, evidence=images)
    progress("rendering", 30)
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=fonts, pdf_tags=True
    )
    if len(document.pages) > MAX_PAGES:
        raise RenderError(f"The packet would be longer than {MAX_PAGES} pages. Check the evidence for very long files.")
    placeholders = []
    for index, page in enumerate(document.pages):
        for name, box in page.anchors.items():
            if name.startswith("evpdf-"):
                placeholders.append((index, name, box, page.height))
    progress("rendering", 60)
    data = document.write_pdf(pdf_tags=True, attachments=[])
    progress("adding_evidence", 75)
    data = _lay_evidence_pages(data, snapshot, pdfs, placeholders)
    progress("adding_evidence", 95)
    with pikepdf.open(io.BytesIO(data)) as check:
        pages = len(check.pages)
    return RenderedPdf(data=data, pages=pages, sha256=hashlib.sha256(data).hexdigest())


def _lay_evidence_pages(data: bytes, snapshot: dict, pdfs: dict[str, bytes], placeholders) -> bytes:
    if not placeholders:
        return data
    sources: dict[str, pikepdf.Pdf] = {}
    try:
        with pikepdf.open(io.BytesIO(data)) as packet:
            for index, name, box, page_height in placeholders:
                _prefix, document_id, page_number = name.split("-", 2)
                document_id = document_id.replace("_", "-")
                if document_id not in pdfs:
                    continue
                if document_id not in sources:
                    sources[document_id] = pikepdf.open(io.BytesIO(pdfs[document_id]))
                source = sources[document_id]
                page_number = int(page_number)
                if page_number >= len(source.pages):
                    continue
                x0, y0, x1, y1 = box
                rect = pikepdf.Rectangle(x0 * PX_TO_PT, (page_height - y1) * PX_TO_PT,
                                         x1 * PX_TO_PT, (page_height - y0) * PX_TO_PT)
                packet.pages[index].add_underlay(source.pages[page_number], rect)
            out = io.BytesIO()
            packet.save(out)
            return out.getvalue()
    except pikepdf.PdfError as error:
        raise RenderError("One of the PDF files attached as evidence could not be read. Replace it and try again.") from error
    finally:
        for source in sources.values():
            source.close()


def warm_up(app: Flask) -> None:
    """Ready a rendering process (the worker, before it forks): fonts, styles, one small packet laid out.

    Then tune the garbage collector for rendering. Layout makes millions of short-lived objects that
    reference counting frees; collecting the youngest generation every 700 of them cost about a fifth
    of a render. Freezing what is loaded now also keeps it out of every later collection, and shared
    with forked work horses instead of copied.
    """
    with app.app_context():
        _shared_resources(app)
        sample = sample_snapshot()
        render_packet_pdf(sample, final=False, load=lambda _key: b"", app=app)
    gc.collect()
    gc.freeze()
    gc.set_threshold(RENDER_GC_THRESHOLD, 10, 10)


def sample_snapshot() -> dict:
    """A made-up packet with no personal data: for warming up workers and for benchmarks."""
    return {
        "version": 1,
        "generated_on": "2026-01-01",
        "packet": {"id": "00000000-0000-0000-0000-000000000000", "type": "sample", "title": "Sample packet",
                   "form_code": "CIT 0000", "revision": 1, "submission": ""},
        "agency": {"name": "Sample agency", "address": "1 Main Street", "phone": "", "email": ""},
        "applicant": {"name": "Sample Applicant", "family_name": "Applicant", "given_names": "Sample",
                      "date_of_birth": "2010-01-01", "uci": ""},
        "representative": {"name": "Sample Caseworker", "email": ""},
        "sections": [{"key": "one", "title": "Section", "form_section": "1",
                      "lines": [{"label": "Question", "form_ref": "Q1", "display": "Answer — عربى 中文 한국어 हिन्दी עברית Ωμέγα Ж",
                                 "missing": False, "rows": [], "columns": []}]}],
        "release": [],
        "checklist": [],
        "signers": [{"key": "applicant", "role": "Applicant", "capacity": "", "signature": None}],
        "fees": [],
    }
