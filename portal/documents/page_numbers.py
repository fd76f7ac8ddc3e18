"""The "Page N of M" line, drawn on each page of an assembled packet with a small embedded font.

The numbers are the one thing on a page that changes when pages move, so they are drawn last, after
the parts are joined; that is what lets every part be laid out once and reused. The font is Noto Sans
cut down to the characters the line uses, embedded as a TrueType font with the standard WinAnsi
encoding, so the text stays text: it is selected, copied and searched like the rest of the page.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont
from pikepdf import Array, Dictionary, Name

from portal.i18n import gettext

CHARACTERS = "Page of sur/0123456789"  # "Page 3 of 12", « Page 3 sur 12 », and "3 / 12" for any other words
FONT_NAME = "/PassagePageNo"
SIZE = 8  # points, as the running footer
GREY = 0.2  # #333, as the running footer
RIGHT_EDGE = 612 - 0.65 * 72  # the right page margin of print.css, in points
FOOTER_TOP = 0.8 * 72 - 6  # the bottom margin less the footer's top padding


@dataclass(frozen=True)
class PageFont:
    program: bytes
    widths: dict[int, float]  # character code -> advance, in thousandths of the font size
    ascent: float
    descent: float
    bbox: tuple[int, int, int, int]
    cap_height: float
    first: int
    last: int

    def width(self, text: str, size: float = SIZE) -> float:
        return sum(self.widths[ord(char)] for char in text) * size / 1000


@lru_cache(maxsize=2)
def load(path: str) -> PageFont:
    font = TTFont(path)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.name_IDs = [1, 2]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(char) for char in CHARACTERS])
    subsetter.subset(font)
    scale = 1000 / font["head"].unitsPerEm
    cmap = font.getBestCmap()
    codes = sorted(ord(char) for char in set(CHARACTERS))
    widths = {code: font["hmtx"][cmap[code]][0] * scale for code in codes}
    head = font["head"]
    out = io.BytesIO()
    font.save(out)
    return PageFont(
        program=out.getvalue(), widths=widths,
        ascent=font["hhea"].ascent * scale, descent=font["hhea"].descent * scale,
        bbox=tuple(round(value * scale) for value in (head.xMin, head.yMin, head.xMax, head.yMax)),
        cap_height=getattr(font["OS/2"], "sCapHeight", 714) * scale, first=codes[0], last=codes[-1],
    )


def font_dictionary(pdf: pikepdf.Pdf, font: PageFont) -> pikepdf.Object:
    """The font as an indirect object of `pdf`, ready for a page's /Font resources."""
    base = Name("/PSGPNO+NotoSans-Regular")
    program = pikepdf.Stream(pdf, font.program)
    program.Length1 = len(font.program)
    descriptor = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=base, Flags=32, FontBBox=Array(list(font.bbox)), ItalicAngle=0,
        Ascent=round(font.ascent), Descent=round(font.descent), CapHeight=round(font.cap_height), StemV=80,
        FontFile2=pdf.make_indirect(program),
    ))
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.TrueType, BaseFont=base, Encoding=Name.WinAnsiEncoding,
        FirstChar=font.first, LastChar=font.last,
        Widths=Array([round(font.widths.get(code, 0)) for code in range(font.first, font.last + 1)]),
        FontDescriptor=descriptor,
    ))


def content(font: PageFont, number: int, total: int) -> bytes:
    """The drawing operators for one page's number, marked as a pagination artifact for screen readers."""
    text = gettext("Page %(number)s of %(total)s", number=number, total=total)
    if any(ord(char) not in font.widths for char in text):  # a translation using letters the font was not cut to
        text = f"{number} / {total}"
    x = RIGHT_EDGE - font.width(text)
    baseline = FOOTER_TOP - font.ascent * SIZE / 1000
    return (f"/Artifact <</Type /Pagination /Subtype /Footer>> BDC BT {FONT_NAME} {SIZE} Tf {GREY} g "
            f"{x:.2f} {baseline:.2f} Td ({text}) Tj ET EMC\n").encode("ascii")


def default_font_path(static_folder: str) -> str:
    return str(Path(static_folder) / "vendor" / "fonts" / "NotoSans-Regular.ttf")
