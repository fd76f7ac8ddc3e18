"""Documents in tests: a small packet type declared by the tests, and sample files of every kind."""
import io

import pikepdf
from PIL import Image

from portal import forms
from portal.forms.types import ChecklistItem, Field, PacketType, Signer, Step

HOSTILE = '<img src=http://x> </style><script>x</script>'

TEST_TYPE = forms.PACKET_TYPES.add(PacketType(
    key="doc_test",
    title="Test application for documents",
    form_code="TST 0001",
    description="A packet type used only by the documents tests.",
    steps=(
        Step(key="applicant", title="Applicant", form_section="1", fields=(
            Field(name="family_name", label="Family name (as on the PR document)", form_ref="Q4A"),
            Field(name="given_names", label="Given name(s)", form_ref="Q4B"),
            Field(name="other_names", label="Other names used", form_ref="Q4C", required=False),
        )),
        Step(key="passport", title="Passports and travel documents", form_section="8", fields=(
            Field(name="passport_number", label="Passport number", form_ref="Q8A"),
            Field(name="explain_gap", label="Explain gaps in validity", form_ref="Q8D",
                  show_if=lambda context: context.get("has_gap") == "yes"),
        )),
    ),
    checklist=(
        ChecklistItem(key="passport", label="Copy of passport", has_expiry=True),
        ChecklistItem(key="court_order", label="Court order giving the agency authority"),
        ChecklistItem(key="photos", label="Two citizenship photos"),
    ),
    signers=(
        Signer(key="authorised_person", role="Authorised person", capacity="agency under court order"),
        Signer(key="minor", role="Applicant (minor aged 14 to 17)", youth_signs=True),
    ),
))


def jpeg_bytes(width=800, height=600, *, exif_gps=False, orientation=None, color="navy") -> bytes:
    image = Image.new("RGB", (width, height), color)
    exif = Image.Exif()
    if exif_gps:
        exif[0x8825] = {1: "N", 2: (43.0, 39.0, 0.0), 3: "W", 4: (79.0, 23.0, 0.0)}
        exif[0x010F] = "PhoneMaker"
        exif[0xA431] = "SERIAL-123456"
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes() if len(exif) else b"")
    return out.getvalue()


def png_bytes(width=300, height=200) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (200, 20, 20, 255)).save(out, format="PNG")
    return out.getvalue()


def pdf_bytes(pages=2, *, text="Scanned page") -> bytes:
    pdf = pikepdf.new()
    for number in range(pages):
        pdf.add_blank_page(page_size=(612, 792))
        page = pdf.pages[-1]
        font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                     BaseFont=pikepdf.Name.Helvetica))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 24 Tf 72 700 Td ({text} {number + 1}) Tj ET".encode())
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def encrypted_pdf_bytes() -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes(1)))
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner="owner", user="secret"))
    return out.getvalue()


def heic_bytes() -> bytes:
    import pillow_heif

    image = Image.new("RGB", (320, 240), "green")
    out = io.BytesIO()
    pillow_heif.from_pillow(image).save(out, quality=60)
    return out.getvalue()
