"""Packet PDFs: snapshot → parts (Jinja, every value escaped) → WeasyPrint → joined with pikepdf → bytes.

The packet is laid out in parts (see parts.py). A part that is already in the packet's part cache,
because nothing that shapes it changed since the last render, is reused as it is; only the others are
laid out. Then the parts are joined, and every page gets its header, footer, watermark and page number
(assemble.py). One FontConfiguration and the parsed print stylesheets are shared by every render in a
process, so a warm worker pays for fonts once. Images are placed by WeasyPrint one per page (JPEGs
embedded as they are); each page of an evidence PDF gets a placeholder page and the original page is
laid under it with pikepdf (evidence_pages.py), so text in scans stays as it was.
"""
from __future__ import annotations

import gc
import hashlib
import io
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import weasyprint
from flask import Flask, current_app
from weasyprint import CSS
from weasyprint.text.fonts import FontConfiguration

from portal.documents import (
    assemble,
    evidence_pages,
    font_faces,
    html_tree,
    page_numbers,
    parallel,
    parts,
    pdf_language,
)
from portal.documents.fetcher import EVIDENCE_BASE, STATIC_BASE, StaticOnlyFetcher
from portal.documents.font_families import FamilyPicker
from portal.documents.part_cache import PartCache

MAX_PAGES = 1500  # far beyond any real packet; stops a runaway document before it fills the disk
MAX_EVIDENCE_BYTES = 400 * 1024 * 1024
RENDER_GC_THRESHOLD = 10_000  # objects allocated between young-generation collections (Python's default: 700)
_DRAFT = object()  # marks a numbered part's draft among the parts to lay out
LAYOUT_VERSION = b"parts-3"  # change it when a change in the code alters what a part looks like (3: evidence figures)


class RenderError(RuntimeError):
    """A render that cannot finish; str(error) is a plain-language reason for the packet page."""


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    sha256: str
    laid_out: int = 0  # parts WeasyPrint laid out for this render; the others came from the cache


@dataclass(frozen=True)
class _Resources:
    fonts: object  # weasyprint FontConfiguration
    sheets: list  # the print stylesheets every part uses
    frame_sheets: list  # and the running header, footer and watermark
    digest: bytes  # of the stylesheets and the renderer: part cache names change with them
    page_font: page_numbers.PageFont
    families: FamilyPicker  # which font families a part's text needs


_lock = threading.Lock()
_shared: dict = {}


def _shared_resources(app: Flask) -> _Resources:
    """The font configuration, parsed stylesheets and page-number font, built once per process."""
    key = app.static_folder
    with _lock:
        if key not in _shared:
            font_faces.keep_faces_apart()
            fonts = FontConfiguration()
            fetcher = StaticOnlyFetcher(app.static_folder)
            digest = hashlib.sha256(LAYOUT_VERSION + weasyprint.__version__.encode())
            sheets = []
            for path in ("vendor/fonts/fonts.css", "css/print.css", "css/print-frame.css"):
                if (Path(app.static_folder) / path).exists():
                    digest.update((Path(app.static_folder) / path).read_bytes())
                    sheets.append(CSS(url=STATIC_BASE + path, url_fetcher=fetcher, font_config=fonts))
            page_font = page_numbers.load(page_numbers.default_font_path(app.static_folder))
            families = FamilyPicker(app.static_folder, fonts)
            _shared[key] = _Resources(fonts, sheets[:-1], sheets, digest.digest(), page_font, families)
        return _shared[key]


def build_html(snapshot: dict, *, final: bool, evidence_urls: dict[str, str] | None = None,
               app: Flask | None = None) -> str:
    """The whole packet as one HTML document (for comparisons and checks; renders go by parts)."""
    # The template environment directly: a job has no request, so no request context processors.
    template = (app or current_app).jinja_env.get_template("pdf/packet.html")
    with pdf_language.written_in(snapshot):
        return template.render(s=snapshot, final=final, evidence_urls=evidence_urls or {})


def _check_evidence_size(snapshot: dict) -> None:
    total = sum(document.get("size") or 0 for item in snapshot["checklist"] for document in item["documents"])
    if total > MAX_EVIDENCE_BYTES:
        raise RenderError("The evidence files together are too large for one packet. "
                          "Remove duplicates or scan at a lower resolution.")


def _evidence_token(document: dict) -> str:
    return hashlib.sha256(document["id"].encode()).hexdigest()[:32]


class _Layout:
    """Lays out the parts of one render, each from the cache when it is there."""

    def __init__(self, app: Flask, snapshot: dict, load: Callable[[str], bytes], cache: PartCache | None):
        self.app, self.snapshot, self.load, self.cache = app, snapshot, load, cache
        self.resources = _shared_resources(app)
        self.template = app.jinja_env.get_template("pdf/part.html")
        self.laid_out_now = 0  # parts that were not in the cache
        self.language = pdf_language.of(snapshot).encode()  # an English and a French part never share a name

    def source(self, part: parts.Part, page_of: dict[str, int] | None = None) -> tuple[str, bytes]:
        """The part's HTML, and what else its cache name depends on (its evidence files)."""
        urls = {document["id"]: EVIDENCE_BASE + _evidence_token(document) for document in part.documents}
        html = self.template.render(s=self.snapshot, part_template=part.template, evidence_urls=urls,
                                    page_of=page_of or {}, **part.context)
        return html, "\0".join(document["storage_key"] for document in part.documents).encode()

    def part(self, part: parts.Part, page_of: dict[str, int] | None = None) -> assemble.LaidOutPart:
        html, evidence_keys = self.source(part, page_of)
        return assemble.open_part(part, self._pdf(html, evidence_keys, lambda: self._lay_out(part, html)))

    def cached(self, html: str, extra: bytes) -> tuple[str, bytes | None]:
        name = self.cache.name(self.resources.digest, self.language, html.encode(), extra) if self.cache else ""
        return name, (self.cache.get(name) if self.cache else None)

    def store(self, name: str, data: bytes) -> None:
        self.laid_out_now += 1
        if self.cache:
            self.cache.put(name, data)

    def frame_html(self, final: bool) -> str:
        return self.app.jinja_env.get_template("pdf/frame.html").render(s=self.snapshot, final=final)

    def lay_out_frame(self, html: str) -> bytes:
        return self._write(html, self.resources.frame_sheets, tags=False)

    def _pdf(self, html: str, extra: bytes, make: Callable[[], bytes]) -> bytes:
        name, data = self.cached(html, extra)
        if data is None:
            data = make()
            self.store(name, data)
        return data

    def _render(self, html: str, sheets: list, *, tags: bool, evidence: dict | None = None):
        """WeasyPrint's layout of one HTML document, fetching only static files and this part's evidence."""
        fetcher = StaticOnlyFetcher(self.app.static_folder, evidence=evidence)
        return html_tree.document(html, base_url=STATIC_BASE, url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=self.resources.fonts, pdf_tags=tags)

    def _sheets(self, html: str) -> list:
        """The print stylesheets, with only the font families this part's text needs: the same glyphs, fewer
        fonts searched per run of text."""
        families = self.resources.families.sheet_for(html)
        return self.resources.sheets + ([families] if families else [])

    def page_count(self, html: str) -> int:
        """How many pages the part takes, from its layout alone (a numbered part's draft: no PDF is written)."""
        return len(self._render(html, self._sheets(html), tags=True).pages)

    def _write(self, html: str, sheets: list, *, tags: bool) -> bytes:
        return self._render(html, sheets, tags=tags).write_pdf(pdf_tags=tags, attachments=[])

    def _lay_out(self, part: parts.Part, html: str) -> bytes:
        images, pdfs = {}, {}
        for document in part.documents:
            data = self.load(document["storage_key"])
            if document["content_type"] == "application/pdf":
                pdfs[document["id"]] = data
            else:
                images[_evidence_token(document)] = (data, document["content_type"])
        document = self._render(html, self._sheets(html), tags=True, evidence=images)
        if len(document.pages) > MAX_PAGES:
            raise RenderError(f"The packet would be longer than {MAX_PAGES} pages. "
                              "Check the evidence for very long files.")
        if part.numbered:
            # Its links point into other parts: stand-in anchors keep WeasyPrint from dropping them.
            # The joined packet resolves them to the real pages (assemble.anchor_pages).
            own = {name for page in document.pages for name in page.anchors}
            for page in document.pages:
                for _kind, target, _rect, _box in page.links:
                    if target not in own:
                        document.pages[0].anchors.setdefault(target, (0, 0, 0, 0))
        placeholders = [(index, name, box, page.height) for index, page in enumerate(document.pages)
                        for name, box in page.anchors.items() if name.startswith(assemble.PLACEHOLDER_PREFIX)]
        data = document.write_pdf(pdf_tags=True, attachments=[])
        return _lay_evidence_pages(data, part, pdfs, placeholders)


def render_packet_pdf(snapshot: dict, *, final: bool, load: Callable[[str], bytes],
                      progress: Callable[[str, int], None] | None = None, app: Flask | None = None,
                      cache: PartCache | None = None, processes: int = 1) -> RenderedPdf:
    """Render a snapshot to PDF bytes. Raises RenderError with a plain reason when it cannot.

    With a cache, parts laid out by an earlier render of the same packet are reused when nothing
    that shapes them changed. With processes > 1 the parts still to lay out are shared among that many
    processes (parallel.py); the result is the same PDF.
    """
    app = app or current_app._get_current_object()
    progress = progress or (lambda _stage, _percent: None)
    _check_evidence_size(snapshot)
    if cache:
        cache.used.clear()  # what this render uses is what the cache keeps afterwards
    layout = _Layout(app, snapshot, load, cache)
    plan = parts.plan(snapshot)
    laid: dict[str, assemble.LaidOutPart] = {}
    numbered = [part for part in plan if part.numbered]
    guess = {part.name: 1 for part in numbered}
    frame = _lay_out_ordinary(layout, [part for part in plan if not part.numbered], laid, progress, processes,
                              final=final, numbered=numbered, guess=guess)
    # The contents and the evidence index list page numbers, and take pages themselves: lay them out
    # with a guess of their length, and again if the guess was wrong (rarely more than once).
    for _attempt in range(4):
        placeholder = [laid.get(part.name) or assemble.LaidOutPart(part, pikepdf.new(), {part.name: 0})
                       for part in plan]
        page_of = assemble.anchor_pages(placeholder, pages=guess)
        for part in numbered:
            laid[part.name] = layout.part(part, page_of)
        actual = {part.name: laid[part.name].pages for part in numbered}
        if actual == guess:
            break
        guess = actual
    ordered = [laid[part.name] for part in plan]
    pages = sum(part.pages for part in ordered)
    if pages > MAX_PAGES:
        raise RenderError(f"The packet would be longer than {MAX_PAGES} pages. Check the evidence for very long files.")
    progress("adding_evidence", 85)
    data = assemble.join(ordered, frame=frame, font=layout.resources.page_font,
                         title=f"{snapshot['packet']['form_code']} · {snapshot['packet']['title']}",
                         author=snapshot["agency"]["name"], language=pdf_language.of(snapshot))
    if cache:
        cache.keep_only_used()
    progress("adding_evidence", 95)
    return RenderedPdf(data=data, pages=pages, sha256=hashlib.sha256(data).hexdigest(), laid_out=layout.laid_out_now)


class _DraftNumbers(dict):
    """Page numbers for a draft of a numbered part: every entry gets a wide stand-in."""

    def get(self, _key, _default=None):
        return "888"

    def __bool__(self):
        return True


def _lay_out_ordinary(layout: _Layout, ordinary: list[parts.Part], laid: dict, progress, processes: int, *,
                      final: bool, numbered: list[parts.Part], guess: dict[str, int]) -> bytes:
    """The parts that show no page numbers: from the cache, or laid out (in several processes when asked).
    With them the page frame (header, footer, watermark), which depends on no page count either: laid out here
    it shares the other processes' time instead of waiting for them. Returns the frame.

    When several processes lay out, a draft of each numbered part (stand-in page numbers) is laid out with
    them too, and its page count goes into `guess`: the numbered parts are then usually laid out once after
    the others instead of twice (a 200-page packet's contents is several pages, not the first guess of one)."""
    todo = []
    for part in ordinary:
        html, extra = layout.source(part)
        name, data = layout.cached(html, extra)
        if data is None:
            todo.append((part, html, name))
        else:
            laid[part.name] = assemble.open_part(part, data)
    cached = len(ordinary) - len(todo)
    frame_html = layout.frame_html(final)
    frame_name, frame = layout.cached(frame_html, b"frame")
    if frame is None:
        todo.append((None, frame_html, frame_name))
    if processes > 1 and len(todo) >= parallel.MIN_PARTS:
        todo += [(part, layout.source(part, _DraftNumbers())[0], _DRAFT) for part in numbered]

    def make(item) -> bytes | int:
        part, html, name = item
        if part is None:
            return layout.lay_out_frame(html)
        if name is _DRAFT:  # only its length is wanted
            return layout.page_count(html)
        return layout._lay_out(part, html)

    def taking(item, count: int) -> None:  # in this process only: no connection may cross a fork
        part = item[0]
        stage = "adding_evidence" if part is not None and part.documents else "rendering"
        progress(stage, 20 + 60 * min(len(ordinary), cached + count - 1) // max(1, len(ordinary)))

    made = parallel.lay_out(todo, make, weights=[len(html) for _part, html, _name in todo], processes=processes,
                            taking=taking)
    guess.update((part.name, data) for (part, _html, name), data in zip(todo, made, strict=True) if name is _DRAFT)
    for (part, _html, name), data in zip(todo, made, strict=True):
        if name is _DRAFT:
            continue
        layout.store(name, data)
        if part is None:
            frame = data
        else:
            laid[part.name] = assemble.open_part(part, data)
    return frame


def _lay_evidence_pages(data: bytes, part: parts.Part, pdfs: dict[str, bytes], placeholders) -> bytes:
    if not part.documents:
        return data
    try:
        return evidence_pages.lay(data, part, pdfs, placeholders)
    except (pikepdf.PdfError, subprocess.SubprocessError) as error:
        raise RenderError("One of the PDF files attached as evidence could not be read. "
                          "Replace it and try again.") from error


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
                      "lines": [{"label": "Question", "form_ref": "Q1",
                                 "display": "Answer — عربى 中文 한국어 हिन्दी עברית Ωμέγα Ж",
                                 "missing": False, "rows": [], "columns": []}]}],
        "release": [],
        "checklist": [],
        "signers": [{"key": "applicant", "role": "Applicant", "capacity": "", "signature": None}],
        "fees": [],
    }


def lay_out_part(snapshot: dict, part: parts.Part, *, load: Callable[[str], bytes], app: Flask | None = None,
                 cache: PartCache | None = None) -> bytes:
    """One part as a PDF of its own (the online kit's cover letter), from the part cache when it is there."""
    layout = _Layout(app or current_app._get_current_object(), snapshot, load, cache)
    laid = layout.part(part)
    out = io.BytesIO()
    laid.pdf.save(out)
    return out.getvalue()
