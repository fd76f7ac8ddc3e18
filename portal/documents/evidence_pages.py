"""The pages of an evidence item's PDF files laid into its laid-out part, and its photos described.

WeasyPrint lays out a placeholder page for each page of an evidence PDF (`evpdf-<document>-<page>`);
here the original page is drawn under it, as a tagged Figure whose alternative text names the item, the
file and the page (accessible.py). A page that uses a font it does not embed is drawn as a picture
instead. Errors from pikepdf and pdftoppm go to the caller, which says which file could not be read.
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf

from portal.documents import accessible
from portal.documents.parts import Part

PX_TO_PT = 0.75


@dataclass(frozen=True)
class _Placement:
    index: int  # the placeholder page in the part
    rect: pikepdf.Rectangle
    document_id: str
    page: int  # in the evidence file, from 0


def _alt(part: Part, document: dict, page: int = 0) -> str:
    context, paged = part.context, document["content_type"] == "application/pdf"
    return accessible.evidence_alt(
        item_number=context.get("item_number", 0), item_count=context.get("attached_count", 0),
        label=context["item"]["label"] if "item" in context else "", filename=document["filename"],
        page=page + 1 if paged else 0, pages=(document.get("pages") or 0) if paged else 0)


def _placements(placeholders, sources: dict, pdfs: dict[str, bytes]) -> list[_Placement]:
    """Where each evidence page goes; opens each file once, into `sources`."""
    placements = []
    for index, name, box, page_height in placeholders:
        _prefix, document_id, page = name.split("-", 2)
        document_id = document_id.replace("_", "-")
        if document_id not in pdfs:
            continue
        if document_id not in sources:
            sources[document_id] = pikepdf.open(io.BytesIO(pdfs[document_id]))
        if int(page) < len(sources[document_id].pages):
            x0, y0, x1, y1 = box
            rect = pikepdf.Rectangle(x0 * PX_TO_PT, (page_height - y1) * PX_TO_PT,
                                     x1 * PX_TO_PT, (page_height - y0) * PX_TO_PT)
            placements.append(_Placement(index, rect, document_id, int(page)))
    return placements


def _inherited_resources(page: pikepdf.Dictionary):
    while page is not None and "/Resources" not in page:
        page = page.get("/Parent")
    return page.Resources if page is not None else None


def _flatten_unembedded(placements: list[_Placement], sources: dict, pdfs: dict[str, bytes]) -> None:
    """Pictures, into `sources` by (document, page), of the pages whose fonts are not all embedded."""
    wanted: dict[str, list[int]] = {}
    for placement in placements:
        page = sources[placement.document_id].pages[placement.page]
        if not accessible.fonts_embedded(_inherited_resources(page.obj)):
            wanted.setdefault(placement.document_id, []).append(placement.page)
    for document_id, numbers in wanted.items():
        for number, picture in accessible.flattened_pages(pdfs[document_id], numbers).items():
            sources[document_id, number] = picture


def lay(data: bytes, part: Part, pdfs: dict[str, bytes], placeholders) -> bytes:
    """The part (a PDF) with its evidence PDFs' pages laid in as figures and its photos described."""
    described = {document["id"]: document for document in part.documents}
    sources: dict[object, pikepdf.Pdf] = {}  # each evidence file, and pages of it drawn as pictures
    try:
        placements = _placements(placeholders, sources, pdfs)
        _flatten_unembedded(placements, sources, pdfs)
        with pikepdf.open(io.BytesIO(data)) as packet:
            accessible.describe_images(packet, [_alt(part, document) for document in part.documents
                                                if document["content_type"] != "application/pdf"])
            for placement in placements:
                picture = sources.get((placement.document_id, placement.page))
                source = picture or sources[placement.document_id]
                page = source.pages[0] if picture else source.pages[placement.page]
                accessible.lay_figure(packet, placement.index, source, page, placement.rect,
                                      _alt(part, described[placement.document_id], placement.page))
            out = io.BytesIO()
            packet.save(out)
            return out.getvalue()
    finally:
        for source in sources.values():
            source.close()
