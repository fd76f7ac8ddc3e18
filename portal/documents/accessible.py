"""What PDF/UA-1 (ISO 14289-1) asks of the packet beyond WeasyPrint's tags: evidence pages as figures with
alternative text, embedded fonts on every page, and the document's XMP metadata.

An evidence PDF's page is drawn on its placeholder page as one Figure: its drawing is enclosed in a
marked-content sequence whose MCID the page's parent tree maps to a Figure element (in the placeholder's
empty element, after the page's caption), with alternative text naming the item, the file and the page.
Its own marked content goes (it pointed into a structure tree that is not in the packet); optional
content stays. A page that uses a font without embedding it (Helvetica, Times, ...) cannot be read the
same everywhere, and PDF/UA forbids it: that page is drawn as a picture instead (pdftoppm at 150 dpi),
a Figure like a photo.
"""
from __future__ import annotations

import subprocess
import tempfile
import zlib
from pathlib import Path
from xml.sax.saxutils import escape

import pikepdf
from pikepdf import Array, Dictionary, Name

from portal.documents import subset_tags
from portal.i18n import gettext as _

FLATTEN_DPI = 150  # legible for print-size text, about 0.6 MB a page
PDFUA_PART = 1


def evidence_alt(*, item_number: int, item_count: int, label: str, filename: str, page: int = 0,
                 pages: int = 0) -> str:
    """'Evidence 3 of 7: Birth certificate (birth_certificate.pdf), page 2 of 4' (no page for a photo)."""
    if pages:
        return _("Evidence %(number)s of %(count)s: %(label)s (%(filename)s), page %(page)s of %(pages)s",
                 number=item_number, count=item_count, label=label, filename=filename, page=page, pages=pages)
    return _("Evidence %(number)s of %(count)s: %(label)s (%(filename)s)",
             number=item_number, count=item_count, label=label, filename=filename)


# --- fonts -------------------------------------------------------------------------------------------

def _font_embedded(font) -> bool:
    # A Type 3 font's glyphs are drawn by the file's own procedures; any other needs its program in the file.
    return font.get("/Subtype") == Name.Type3 or subset_tags.embedded(font) is not None


def fonts_embedded(resources, seen: set | None = None) -> bool:
    """Whether every font the resources name, and those of the forms they draw, embeds its program."""
    seen = set() if seen is None else seen
    if not isinstance(resources, pikepdf.Dictionary):
        return True
    for font in resources.get("/Font", {}).values():
        if isinstance(font, pikepdf.Dictionary) and not _font_embedded(font):
            return False
    for xobject in resources.get("/XObject", {}).values():
        if xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
            if xobject.is_indirect:
                seen.add(xobject.objgen)
            if not fonts_embedded(xobject.get("/Resources"), seen):
                return False
    return True


def flattened_pages(data: bytes, page_numbers: list[int]) -> dict[int, pikepdf.Pdf]:
    """Pages of a PDF file (numbered from 0) drawn as pictures at FLATTEN_DPI, each as a one-page PDF of the
    size shown. One pdftoppm run for the whole range: starting it and reading the file cost as much as a page."""
    first, last = min(page_numbers), max(page_numbers)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "source.pdf"
        source.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", str(FLATTEN_DPI), "-f", str(first + 1), "-l", str(last + 1),
                        str(source), str(Path(folder) / "page")], capture_output=True, check=True, timeout=300)
        drawn = {int(path.stem.rsplit("-", 1)[1]) - 1: path for path in Path(folder).glob("page-*.ppm")}
        return {number: _picture_page(drawn[number].read_bytes()) for number in set(page_numbers)}


def _picture_page(ppm: bytes) -> pikepdf.Pdf:
    magic, width, height, maximum, pixels = ppm.split(maxsplit=4)
    if magic != b"P6" or maximum != b"255":
        raise pikepdf.PdfError("unexpected pdftoppm output")
    width, height = int(width), int(height)
    pdf = pikepdf.new()
    image = pdf.make_stream(zlib.compress(pixels[:width * height * 3], 6), Type=Name.XObject, Subtype=Name.Image,
                            Width=width, Height=height, ColorSpace=Name.DeviceRGB, BitsPerComponent=8,
                            Filter=Name.FlateDecode)
    points = (width * 72 / FLATTEN_DPI, height * 72 / FLATTEN_DPI)
    pdf.add_blank_page(page_size=points)
    page = pdf.pages[0]
    page.Resources = Dictionary(XObject=Dictionary(Im0=image))
    page.Contents = pdf.make_stream(f"q {points[0]:.3f} 0 0 {points[1]:.3f} 0 0 cm /Im0 Do Q".encode())
    return pdf


# --- figures ------------------------------------------------------------------------------------------

def _without_marked_content(source: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Drop a page's own marked content (its MCIDs and artifacts mean nothing in the packet's tree),
    keeping optional content (/OC), which decides what is shown."""
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, Array) else [contents] if contents is not None else []
    if not any(b"BMC" in data or b"BDC" in data for data in (stream.read_bytes() for stream in streams)):
        return  # most scans: nothing to parse
    operations = pikepdf.parse_content_stream(page)
    kept, stack = [], []
    for operands, operator in operations:
        name = str(operator)
        if name in ("BMC", "BDC"):
            stack.append(name == "BDC" and operands[0] == Name.OC)
            if not stack[-1]:
                continue
        elif name == "EMC" and not (stack and stack.pop()):
            continue
        kept.append(pikepdf.ContentStreamInstruction(operands, operator))
    page.obj.Contents = pikepdf.Stream(source, pikepdf.unparse_content_stream(kept))


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, pikepdf.Object]:
    nums = pdf.Root.StructTreeRoot.ParentTree.get("/Nums", Array())
    return {int(nums[position]): nums[position + 1] for position in range(0, len(nums), 2)}


def _kids(element) -> Array:
    """The element's /K as an array, so a child can be inserted."""
    kids = element.get("/K")
    if not isinstance(kids, Array):
        kids = Array([] if kids is None else [kids])
        element.K = kids
    return element.K


def _insert_after(element, sibling, new) -> None:
    """`new` into `element`'s children, after `sibling` (at the end when sibling is not a child)."""
    kids = _kids(element)
    for position, kid in enumerate(kids):
        if isinstance(kid, pikepdf.Dictionary) and kid.objgen == sibling.objgen:
            kids.insert(position + 1, new)
            return
    kids.append(new)


def _placeholder_element(caption):
    """The empty element beside the page's caption (WeasyPrint's Div for the placeholder), if there is one."""
    element = caption
    for _level in range(3):
        parent = element.get("/P") if element is not None else None
        if not isinstance(parent, pikepdf.Dictionary) or "/S" not in parent:
            return None
        for kid in _kids(parent):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == Name.Div and not len(_kids(kid)):
                return kid
        element = parent
    return None


def lay_figure(packet: pikepdf.Pdf, index: int, source: pikepdf.Pdf, source_page: pikepdf.Page,
               rect: pikepdf.Rectangle, alt: str) -> None:
    """Draw `source_page` (of `source`) in `rect` of page `index` of a tagged part, as a Figure."""
    page = packet.pages[index]
    _without_marked_content(source, source_page)
    form = packet.copy_foreign(source_page.as_form_xobject())
    name = page.add_resource(form, Name.XObject, prefix="Ev")
    placement = page.calc_form_xobject_placement(form, name, rect, allow_shrink=True, allow_expand=True)
    parents = _parent_tree(packet)
    owned = parents.get(int(page.obj.get("/StructParents", -1)))
    document = packet.Root.StructTreeRoot.K[0] if isinstance(packet.Root.StructTreeRoot.K, Array) \
        else packet.Root.StructTreeRoot.K
    caption = owned[0] if isinstance(owned, Array) and len(owned) else None
    placeholder = _placeholder_element(caption)
    parent = placeholder if placeholder is not None else caption.P if caption is not None else document
    mcid = len(owned) if isinstance(owned, Array) else 0
    figure = packet.make_indirect(Dictionary(
        Type=Name.StructElem, S=Name.Figure, P=parent, Pg=page.obj, K=mcid, Alt=pikepdf.String(alt),
        A=Dictionary(O=Name.Layout, BBox=Array([float(value) for value in rect.as_array()])),
    ))
    if placeholder is not None:  # the page's empty <div class="evidence-pdf">, now holding the figure
        placeholder.K = Array([figure])
        owned.append(figure)
    elif caption is not None:
        _insert_after(parent, caption, figure)
        owned.append(figure)
    else:  # a page with nothing tagged on it yet: it gets a parent tree entry of its own
        _kids(document).append(figure)
        tree = packet.Root.StructTreeRoot
        key = int(tree.get("/ParentTreeNextKey", max(parents, default=-1) + 1))
        tree.ParentTree.Nums.extend([key, Array([figure])])
        tree.ParentTreeNextKey = key + 1
        page.obj.StructParents = key
    # Under the part's own drawing, as the page was laid under its placeholder before.
    page.contents_add(b"/Figure <</MCID %d>> BDC\n" % mcid + placement + b"\nEMC\n", prepend=True)
    page.contents_coalesce()


def describe_images(packet: pikepdf.Pdf, alts: list[str]) -> None:
    """Give the part's pictures, in document order, their alternative text (when they match one for one)."""
    root = packet.Root.get("/StructTreeRoot")
    if root is None or not alts:
        return
    figures, stack = [], [root]
    while stack:
        element = stack.pop()
        if element.get("/S") == Name.Figure:
            figures.append(element)
        kids = element.get("/K")
        kids = list(kids) if isinstance(kids, Array) else [kids]
        stack.extend(kid for kid in reversed(kids) if isinstance(kid, pikepdf.Dictionary) and "/S" in kid)
    if len(figures) == len(alts):
        for figure, alt in zip(figures, alts, strict=True):
            figure.Alt = pikepdf.String(alt)


# --- metadata -----------------------------------------------------------------------------------------

def xmp(*, title: str, lang: str, author: str, producer: str) -> bytes:
    """The document's XMP metadata: its title and language, and that it claims PDF/UA-1."""
    title, lang, author, producer = (escape(value) for value in (title, lang, author, producer))
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<dc:format>application/pdf</dc:format>
<pdf:Producer>{producer}</pdf:Producer>
<xmp:CreatorTool>Passage</xmp:CreatorTool>
<pdfuaid:part>{PDFUA_PART}</pdfuaid:part>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()
