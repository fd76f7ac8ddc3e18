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


XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
       b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/'
       b'exif/1.0/" exif:GPSLatitude="43,39.0N" exif:GPSLongitude="79,23.0W"/></rdf:RDF></x:xmpmeta>'
       b'<?xpacket end="w"?>')


def hostile_pdf_bytes() -> bytes:
    """A two-page PDF carrying every kind of active content and hidden metadata evidence must not keep."""
    pdf = pikepdf.open(io.BytesIO(pdf_bytes(2)))
    js = lambda code: pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String(code)))  # noqa: E731
    xmp = lambda: pdf.make_stream(XMP, Type=pikepdf.Name.Metadata, Subtype=pikepdf.Name.XML)  # noqa: E731
    root, first, second = pdf.Root, pdf.pages[0].obj, pdf.pages[1].obj
    root.OpenAction = js("app.alert('document open')")
    root.AA = pikepdf.Dictionary(WC=js("app.alert('will close')"))
    root.Metadata = xmp()
    attachment = pdf.make_stream(b"MZ payload", Type=pikepdf.Name.EmbeddedFile)
    spec = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Filespec, F=pikepdf.String("payload.exe"),
                                                EF=pikepdf.Dictionary(F=attachment)))
    root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("startup"), js("app.alert('named')")])),
        EmbeddedFiles=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("payload.exe"), spec])))
    first.AA = pikepdf.Dictionary(O=js("app.alert('page open')"))
    first.Metadata = xmp()
    link = lambda action: pdf.make_indirect(pikepdf.Dictionary(  # noqa: E731
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 72, 200, 100], A=action))
    field = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String("name"),
        Rect=[72, 120, 300, 140], P=first,
        AA=pikepdf.Dictionary(K=js("app.alert('keystroke')"), F=js("app.alert('format')"))))
    first.Annots = pdf.make_indirect(pikepdf.Array([
        link(js("app.alert('link')")),
        link(pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))),
        link(pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("file:///etc/passwd"))),
        link(pikepdf.Dictionary(S=pikepdf.Name.GoToR, F=pikepdf.String("other.pdf"), D=pikepdf.Array([0]))),
        link(pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://www.canada.ca/"),
                                Next=js("app.alert('chained')"))),
        link(pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://ircc.canada.ca/"))),
        pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.FileAttachment,
                                             Rect=[10, 10, 20, 20], FS=spec)),
        field,
    ]))
    root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([field]), XFA=pdf.make_stream(b"<xdp:xdp/>"))
    second.Annots = pikepdf.Array([link(pikepdf.Dictionary(S=pikepdf.Name.ImportData, F=pikepdf.String("x.fdf")))])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
