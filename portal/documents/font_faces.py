"""One embedded font per font file: WeasyPrint's font bookkeeping made to tell apart faces that share a name.

WeasyPrint keys a document's fonts by their Pango description (family, weight, style). Our CJK fonts
come as fontsource's unicode-range slices, over a hundred files named "Noto Sans SC" or "Noto Sans KR",
so every slice used in a part fell into one font: one program was embedded (the first slice's) and the
glyph ids of the others were drawn with it (梁 drawn as 杰, 우 as q). Here the key also holds the face's
file, so each file gets its own font, resource name and program. The subset tags are made distinct
when the parts are joined (assemble.py), where all the programs of a packet are seen together.

`add_font` replaces WeasyPrint's own `Stream.add_font` (written against WeasyPrint 70, where it is
the only place fonts are made for a page); tests/documents/test_pdf_glyphs.py fails if an upgrade
changes that.
"""
from __future__ import annotations

import hashlib

from weasyprint.pdf import stream as weasy_stream
from weasyprint.pdf.fonts import Font
from weasyprint.text.ffi import ffi, harfbuzz, pango
from weasyprint.text.fonts import get_pango_font_key


def _face_identity(pango_font) -> tuple[int, int, int]:
    """Which loaded file (and face in it) this Pango font draws from: cheap, called for every text run."""
    hb_face = harfbuzz.hb_font_get_face(pango.pango_font_get_hb_font(pango_font))
    blob = harfbuzz.hb_face_reference_blob(hb_face)
    try:
        length = ffi.new("unsigned int *")
        data = harfbuzz.hb_blob_get_data(blob, length)
        return int(ffi.cast("uintptr_t", data)), length[0], harfbuzz.hb_face_get_index(hb_face)
    finally:
        harfbuzz.hb_blob_destroy(blob)


def add_font(self, pango_font):
    """Stream.add_font, keyed by description and file: faces from distinct files never share a font."""
    key, description, font_size = get_pango_font_key(pango_font)
    key = (key, _face_identity(pango_font))
    if key not in self._fonts:
        font = Font(pango_font, description, font_size)
        # The resource name and WeasyPrint's grouping of fonts by program both go by `hash`.
        digest = hashlib.sha256(font.name + font.index.to_bytes(4, "big") + font.file_content).digest()
        font.hash = "".join(chr(65 + letter % 26) for letter in digest[:6])
        font.name = b"/" + font.hash.encode() + font.name[font.name.index(b"+"):]
        self._fonts[key] = font
    return self._fonts[key], font_size


def keep_faces_apart() -> None:
    """Install the per-file keying in WeasyPrint's PDF stream (once per process; called before laying out)."""
    weasy_stream.Stream.add_font = add_font
