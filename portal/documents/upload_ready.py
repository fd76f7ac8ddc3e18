"""Evidence in the form IRCC's online upload takes: one PDF per file, under the per-file size limit.

A photo or scan becomes a one-page PDF with the JPEG laid in as it is (no second compression); a PDF stays as
it was cleaned. This is done when the file is uploaded and kept (Document.ready_key), so building the online
kit only joins files. A file or a joined item larger than the limit is redrawn at a lower resolution, never
below MIN_DPI so it stays legible, and with stronger JPEG compression, until it fits; when nothing fits,
`shrink` says so and the caller tells the caseworker.
"""
from __future__ import annotations

import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from PIL import Image

PDF, JPEG = "application/pdf", "image/jpeg"
JPEG_QUALITY = 88  # as JPEG_QUALITY: a PNG is encoded once, like an uploaded photo
LETTER = (612.0, 792.0)  # points; a photo of a page is laid on a page this size at most
MIN_DPI = 150  # below this, small print on scanned identity documents stops being readable
# Tried in order until the file fits: (dots per inch, JPEG quality).
SHRINK_STEPS = ((200, 80), (150, 75), (150, 60), (150, 45))
SHRINK_TIMEOUT = 120  # seconds for one pdftoppm run
NO_LIMIT = 1 << 62  # prepare() without shrinking


@dataclass(frozen=True)
class ReadyFile:
    data: bytes
    pages: int


class TooLarge(ValueError):
    """The file cannot be made small enough without losing legibility; str() says what to do."""


def prepare(data: bytes, content_type: str, *, max_bytes: int) -> ReadyFile:
    """The upload-ready PDF of one stored evidence file (already checked and cleaned); a picture larger than the
    limit is redrawn smaller now. A PDF over the limit is left to the kit's job, which shrinks it off the web
    request (many pages take a while), and a file that cannot be shrunk enough is kept as it is: the kit
    reports it when it is built.
    """
    if content_type == PDF:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return ReadyFile(data, len(pdf.pages))
    ready = ReadyFile(image_pdf(data, content_type), 1)
    if len(ready.data) <= max_bytes:
        return ready
    try:
        return shrink(ready.data, max_bytes=max_bytes)
    except TooLarge:
        return ready


def image_pdf(data: bytes, content_type: str) -> bytes:
    """A one-page PDF showing the picture as large as a letter page allows."""
    image = Image.open(io.BytesIO(data))
    width, height = image.size
    if content_type != JPEG or image.mode not in ("RGB", "L"):
        # PNG (or an unusual JPEG): one JPEG encoding at the quality uploads use.
        buffer = io.BytesIO()
        image.convert("RGB" if image.mode not in ("L",) else "L").save(buffer, format="JPEG",
                                                                       quality=JPEG_QUALITY)
        data, image = buffer.getvalue(), Image.open(buffer)
    scale = min(LETTER[0] / width, LETTER[1] / height)
    page_w, page_h = width * scale, height * scale
    pdf = pikepdf.new()
    xobject = pikepdf.Stream(pdf, data)
    xobject.Type, xobject.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    xobject.Width, xobject.Height, xobject.BitsPerComponent = width, height, 8
    xobject.ColorSpace = pikepdf.Name.DeviceGray if image.mode == "L" else pikepdf.Name.DeviceRGB
    xobject.Filter = pikepdf.Name.DCTDecode
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, page_w, page_h],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject)),
        Contents=pikepdf.Stream(pdf, f"q {page_w:.3f} 0 0 {page_h:.3f} 0 0 cm /Im0 Do Q".encode()),
    )
    pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def join(files: list[bytes]) -> ReadyFile:
    """Several upload-ready PDFs as one, pages in the given order."""
    if len(files) == 1:
        with pikepdf.open(io.BytesIO(files[0])) as only:
            return ReadyFile(files[0], len(only.pages))
    joined = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(data)) for data in files]
    try:
        for source in sources:
            joined.pages.extend(source.pages)
        out = io.BytesIO()
        joined.save(out)
    finally:
        for source in sources:
            source.close()
    return ReadyFile(out.getvalue(), len(joined.pages))


def shrink(data: bytes, *, max_bytes: int) -> ReadyFile:
    """Redraw every page as a JPEG at falling resolution and quality until the PDF fits; TooLarge if it never does."""
    with pikepdf.open(io.BytesIO(data)) as source:
        boxes = [tuple(float(v) for v in page.mediabox) for page in source.pages]
    with tempfile.TemporaryDirectory(prefix="passage-shrink-") as folder:
        original = Path(folder) / "in.pdf"
        original.write_bytes(data)
        for dpi, quality in SHRINK_STEPS:
            pictures = _rasterise(original, Path(folder) / f"p{dpi}q{quality}", dpi=dpi, quality=quality)
            if len(pictures) != len(boxes):
                break
            redrawn = _pages_from_pictures(pictures, boxes)
            if len(redrawn) <= max_bytes:
                return ReadyFile(redrawn, len(boxes))
    raise TooLarge(f"Even at {MIN_DPI} dpi it is larger than {max_bytes // (1024 * 1024)} MB.")


def _rasterise(pdf_path: Path, prefix: Path, *, dpi: int, quality: int) -> list[bytes]:
    subprocess.run(["pdftoppm", "-r", str(dpi), "-jpeg", "-jpegopt", f"quality={quality}", str(pdf_path),
                    str(prefix)], check=True, capture_output=True, timeout=SHRINK_TIMEOUT)
    # pdftoppm pads page numbers to the same width, so sorting the names keeps the page order.
    return [path.read_bytes() for path in sorted(prefix.parent.glob(prefix.name + "-*.jpg"))]


def _pages_from_pictures(pictures: list[bytes], boxes: list[tuple]) -> bytes:
    pdf = pikepdf.new()
    for picture, box in zip(pictures, boxes, strict=True):
        image = Image.open(io.BytesIO(picture))
        x0, y0, x1, y1 = box
        xobject = pikepdf.Stream(pdf, picture)
        xobject.Type, xobject.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        xobject.Width, xobject.Height, xobject.BitsPerComponent = image.width, image.height, 8
        xobject.ColorSpace = pikepdf.Name.DeviceGray if image.mode == "L" else pikepdf.Name.DeviceRGB
        xobject.Filter = pikepdf.Name.DCTDecode
        width, height = x1 - x0, y1 - y0
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, width, height],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject)),
            Contents=pikepdf.Stream(pdf, f"q {width:.3f} 0 0 {height:.3f} 0 0 cm /Im0 Do Q".encode()),
        )
        pdf.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
