"""Joining separately rendered parts into one packet PDF, then drawing what every page carries.

Each part is a tagged PDF from WeasyPrint. Joining keeps what makes the packet usable: the pages in
order; one structure tree (each part's elements under one Document element, with the parent tree
renumbered for the new page and link positions), so screen readers read the whole packet; the named
destinations that links point to, so a link in the contents reaches a page in another part; and the
bookmarks, a continuation's nested under the previous part's. Then every page gets the frame (running
header, footer and DRAFT watermark, laid out once by WeasyPrint) and its "Page N of M", both marked as
artifacts so that screen readers skip them. Last, every distinct font program gets its own subset tag
(subset_tags.py).
"""
from __future__ import annotations

import io
from dataclasses import dataclass

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem

from portal.documents import accessible, page_numbers, subset_tags
from portal.documents.parts import Part

FRAME_NAME = "/PassageFrame"
PLACEHOLDER_PREFIX = "evpdf-"  # where a page of a PDF file is laid; not a destination of the packet


@dataclass
class LaidOutPart:
    part: Part
    pdf: pikepdf.Pdf
    anchors: dict[str, int]  # destination name -> page index within the part

    @property
    def pages(self) -> int:
        return len(self.pdf.pages)


def open_part(part: Part, data: bytes) -> LaidOutPart:
    pdf = pikepdf.open(io.BytesIO(data))
    index = {page.objgen: number for number, page in enumerate(pdf.pages)}
    anchors = {}
    for name, destination in _destinations(pdf):
        if destination[0].objgen in index:
            anchors[name] = index[destination[0].objgen]
    return LaidOutPart(part, pdf, anchors)


def _destinations(pdf: pikepdf.Pdf):
    names = pdf.Root.get("/Names", {}).get("/Dests", {}).get("/Names", [])
    for position in range(0, len(names), 2):
        name = str(names[position])
        if not name.startswith(PLACEHOLDER_PREFIX):
            yield name, names[position + 1]


def anchor_pages(parts: list[LaidOutPart], pages: dict[str, int] | None = None) -> dict[str, int]:
    """Each destination's page number in the joined packet. `pages` may stand in for a part's page
    count (a numbered part not laid out yet). A numbered part keeps stand-ins for the destinations its
    links point to, so a destination defined in an ordinary part wins, and so does a numbered part's own."""
    pages = pages or {}
    found, fallback, start = {}, {}, 1
    for laid in parts:
        for name, index in laid.anchors.items():
            (fallback if _stand_in(laid, name) else found).setdefault(name, start + index)
        start += pages.get(laid.part.name, laid.pages)
    return {**fallback, **found}


def _stand_in(laid: LaidOutPart, name: str) -> bool:
    """Whether the destination may be a numbered part's stand-in for a link into another part. A numbered
    part's heading is named like the part ("evidence"): the contents' stand-in for it must not win."""
    return laid.part.numbered and name != laid.part.name


def join(parts: list[LaidOutPart], *, frame: bytes, font: page_numbers.PageFont, title: str, author: str,
         language: str = "en") -> bytes:
    merged = pikepdf.new()
    lang = language  # the packet's language; a part laid out in another one says so on its elements
    document = merged.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    tree = merged.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
    document.P = tree
    numbers: list = []  # parent tree: (key, value)
    links: list = []  # (annotation, its structure element): keys after all the pages'
    destinations, fallback = {}, {}
    outline: list[OutlineItem] = []
    for laid in parts:
        offset = len(merged.pages)
        for page in laid.pdf.pages:  # one by one: extend() warns of named destinations, carried over below
            merged.pages.append(page)
        _join_structure(merged, laid.pdf, offset, document, numbers, links, lang)
        for name, destination in _destinations(laid.pdf):
            target = fallback if _stand_in(laid, name) else destinations
            target.setdefault(name, _destination(merged, destination))
        items = [_outline_item(merged, item) for item in laid.pdf.open_outline().root]
        if laid.part.nested and outline:
            outline[-1].children.extend(items)
        else:
            outline.extend(items)
    total = len(merged.pages)
    for position, (annotation, element) in enumerate(links):
        annotation.StructParent = total + position
        numbers.append((total + position, element))
    flat = Array()
    for key, value in numbers:
        flat.append(key)
        flat.append(value)
    tree.ParentTree = merged.make_indirect(Dictionary(Nums=flat))
    tree.ParentTreeNextKey = total + len(links)
    named = Array()
    for name in sorted({**fallback, **destinations}):
        named.append(pikepdf.String(name))
        named.append(destinations.get(name) or fallback[name])
    merged.Root.Names = Dictionary(Dests=merged.make_indirect(Dictionary(Names=named)))
    merged.Root.StructTreeRoot = tree
    merged.Root.MarkInfo = Dictionary(Marked=True)
    merged.Root.Lang = pikepdf.String(lang)
    merged.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    with merged.open_outline() as bookmarks:
        bookmarks.root.extend(outline)
    _draw_frame_and_numbers(merged, frame, font)
    subset_tags.retag(merged)  # after the frame, whose fonts are joined too
    merged.docinfo[Name.Title] = title
    merged.docinfo[Name.Author] = author
    merged.docinfo[Name.Creator] = "Passage"
    merged.docinfo[Name.Producer] = producer = f"Passage with WeasyPrint and pikepdf {pikepdf.__version__}"
    # PDF/UA-1 asks for the title (and the claim itself) in XMP metadata; the viewer shows the title.
    merged.Root.Metadata = merged.make_stream(
        accessible.xmp(title=title, lang=lang, author=author, producer=producer),
        Type=Name.Metadata, Subtype=Name.XML)
    out = io.BytesIO()
    # Object streams pack the structure tree's thousands of small dictionaries into compressed streams:
    # a 200-page packet is 0.9 MB instead of 3.4 MB (upload portals cap file sizes), and written in half the
    # time. The part streams are copied as they are, never decoded and compressed again.
    merged.save(out, min_version="1.7", object_stream_mode=pikepdf.ObjectStreamMode.generate,
                stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def _join_structure(merged, source, offset, document, numbers, links, lang: str) -> None:
    root = source.Root.get("/StructTreeRoot")
    if root is None:
        return
    part_document = root.K[0]
    del part_document["/P"]  # so the copy stops here instead of pulling in the part's root
    copied = merged.copy_foreign(part_document)
    own_lang = str(source.Root.get("/Lang", "")) or lang
    for child in copied.K:
        child.P = document
        if own_lang != lang and "/Lang" not in child:  # a part in another language says so
            child.Lang = pikepdf.String(own_lang)
        document.K.append(child)
    entries = merged.copy_foreign(root.ParentTree).Nums
    by_key = {int(entries[position]): entries[position + 1] for position in range(0, len(entries), 2)}
    for index in range(len(source.pages)):
        page = merged.pages[offset + index].obj
        old = int(page.get("/StructParents", index))
        page.StructParents = offset + index
        numbers.append((offset + index, by_key.get(old, Array())))
        for annotation in page.get("/Annots", ()):
            if "/StructParent" in annotation and int(annotation.StructParent) in by_key:
                links.append((annotation, by_key[int(annotation.StructParent)]))


def _destination(merged, destination) -> Array:
    return Array([merged.copy_foreign(destination[0]), Name.XYZ, *[float(value) for value in destination[2:4]], 0])


def _outline_item(merged, item) -> OutlineItem:
    copy = OutlineItem(str(item.title), destination=_destination(merged, item.destination))
    copy.children.extend(_outline_item(merged, child) for child in item.children)
    return copy


def _draw_frame_and_numbers(merged, frame: bytes, font: page_numbers.PageFont) -> None:
    with pikepdf.open(io.BytesIO(frame)) as frame_pdf:
        frame_object = merged.copy_foreign(frame_pdf.pages[0].as_form_xobject())
    font_object = page_numbers.font_dictionary(merged, font)
    opening = merged.make_indirect(pikepdf.Stream(merged, b"q\n"))
    total = len(merged.pages)
    for number, page in enumerate(merged.pages, start=1):
        resources = page.obj.Resources
        if "/XObject" not in resources:
            resources.XObject = Dictionary()
        resources.XObject[FRAME_NAME] = frame_object
        if "/Font" not in resources:
            resources.Font = Dictionary()
        resources.Font[page_numbers.FONT_NAME] = font_object
        # The part's drawing is closed off in its own graphics state, so the frame is drawn on a clean one.
        stamp = (b"Q\n/Artifact BMC q " + FRAME_NAME.encode() + b" Do Q EMC\n"
                 + page_numbers.content(font, number, total))
        contents = page.obj.Contents
        contents = list(contents) if isinstance(contents, Array) else [contents]
        page.obj.Contents = Array([opening, *contents, merged.make_indirect(pikepdf.Stream(merged, stamp))])
