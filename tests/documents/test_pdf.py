"""Packet PDFs: open the files and check what IRCC will read."""
import io
import re
import subprocess
from datetime import date, timedelta

import pikepdf
import pytest
from pypdf import PdfReader
from sqlmodel import select
from weasyprint import HTML

from portal import queue
from portal.db import session_scope
from portal.documents import renders
from portal.documents.fetcher import STATIC_BASE, StaticOnlyFetcher
from portal.models import Packet, Render, User
from tests.support.documents import jpeg_bytes, pdf_bytes
from tests.support.glyphs import glyph_problems, programs_by_tag


def _attach(app, world, item, name, data, **kwargs):
    from portal.documents import uploads

    with app.app_context(), session_scope(app) as session:
        packet = session.get(Packet, world["packet"].id)
        user = session.get(User, world["worker"].id)
        checked = uploads.check_file(data, name, max_bytes=app.config["UPLOAD_MAX_BYTES"])
        uploads.add_document(session, packet=packet, user=user, checklist_item=item, checked=checked, **kwargs)


def render_now(app, packet_id, *, final=False, user_id=None) -> tuple[Render, bytes]:
    from rq import SimpleWorker

    with app.app_context():
        with session_scope(app) as session:
            packet = session.get(Packet, packet_id)
            user = session.get(User, user_id) if user_id else None
            render = renders.request_render(session, packet=packet, user=user, final=final)
            render_id = render.id
        SimpleWorker([queue.get_queue(app)], connection=queue.connection(app)).work(burst=True)
        with session_scope(app) as session:
            render = session.get(Render, render_id)
            session.expunge(render)
        return render, renders.read_pdf(render)


@pytest.fixture
def rendered(app, documents_world):
    queue.connection(app).flushall()
    _attach(app, documents_world, "passport", "passport.pdf", pdf_bytes(2, text="Passport scan"),
            expires_on=date.today() + timedelta(days=30))
    _attach(app, documents_world, "passport", "photo.jpg", jpeg_bytes(1200, 900))
    with session_scope(app) as session:
        from portal.documents import uploads

        packet = session.get(Packet, documents_world["packet"].id)
        user = session.get(User, documents_world["worker"].id)
        uploads.waive_item(session, packet=packet, user=user, checklist_item="photos", reason="Applying online")
    render, data = render_now(app, documents_world["packet"].id, user_id=documents_world["worker"].id)
    return render, data


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


def _outline(data: bytes) -> list:
    reader = PdfReader(io.BytesIO(data))

    def walk(items):
        result = []
        for item in items:
            if isinstance(item, list):
                result.append(walk(item))
            else:
                result.append((item.title, reader.get_destination_page_number(item) + 1))
        return result

    return walk(reader.outline)


def test_sections_in_order_with_bookmarks_and_page_numbers(rendered):
    render, data = rendered
    texts = _texts(data)
    assert render.status == "done" and render.pages == len(texts)
    outline = _outline(data)
    top = [entry[0] for entry in outline if isinstance(entry, tuple)]
    assert top == ["Cover letter", "Contents", "Application: TST 0001", "Document checklist",
                   "Representative and release of information", "Signatures", "Evidence"]
    children = [entry for entry in outline if isinstance(entry, list)]
    assert [title for title, _ in children[0]] == ["1. Applicant", "8. Passports and travel documents"]
    assert [title for title, _ in children[1]] == ["Use of a Representative (IMM 5476)", "Release of information"]
    assert [title for title, _ in children[2]] == ["Copy of passport"]
    pages = [page for _, page in (e for e in outline if isinstance(e, tuple))]
    assert pages == sorted(pages), "sections come in the order IRCC reads them"
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"Page {number} of {total}" in text
        assert "UCI: 1234-5678" in text, "the running header names the applicant on every page"
    # the table of contents gives each section's real page number
    contents = texts[1]
    for title, page in [e for e in outline if isinstance(e, tuple)][2:]:
        assert re.search(re.escape(title) + r" — page " + str(page) + r"\b", contents), title


def test_application_data_labelled_as_on_the_form(rendered):
    _, data = rendered
    text = "\n".join(_texts(data))
    assert re.search(r"Q8A · Passport number\s*AB123456", text)
    assert re.search(r"Q8D · Explain gaps in validity\s*N/A", text), "a question that does not apply says N/A"
    assert re.search(r"Q4C · Other names used\s*N/A", text)
    assert "Attached: 2 files, 3 pages" in text
    assert "Expires within 12 months, possibly before the decision." in text, "the job words expiry warnings itself"
    assert "Not applicable: Applying online" in text
    assert re.search(r"Court order giving the agency authority\s*Missing", text)
    assert "Authorised person" in text and "Capacity: agency under court order" in text
    assert "Applicant (minor aged 14 to 17)" in text
    assert "Casey Worker" in text and "unpaid representative" in text.lower()


def test_every_glyph_in_the_packet_is_the_one_its_font_maps_the_text_to(rendered):
    """Names in Latin with accents, Arabic and Chinese, in the header, cover letter and answers."""
    _, data = rendered
    assert not glyph_problems(data)
    assert all(len(programs) == 1 for programs in programs_by_tag(data).values())


def test_evidence_pages_watermark_and_fonts(rendered):
    _, data = rendered
    texts = _texts(data)
    assert all("DRAFT" in text for text in texts), "every page carries the DRAFT watermark"
    # the two pages of the PDF evidence, each on its own page; their Helvetica is not embedded, so they are
    # drawn as pictures (PDF/UA: every font embedded), described by their figure's alternative text
    scan_pages = [i for i, text in enumerate(texts) if re.search(r"file 1 of 2 · page \d of 2", text)]
    assert len(scan_pages) == 2 and scan_pages[1] == scan_pages[0] + 1
    assert not any("Passport scan" in text for text in texts)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        image_pages = []
        for index, page in enumerate(pdf.pages):
            photos = {str(name) for name, xobject in page.Resources.get("/XObject", {}).items()
                      if xobject.get("/Subtype") == "/Image" and int(xobject.get("/Width", 0)) == 1200}
            drawn = {str(operands[0]) for operands, operator in pikepdf.parse_content_stream(page, "Do")}
            if photos & drawn:
                image_pages.append(index)
        assert image_pages == [scan_pages[1] + 1], "the photo has a page of its own after the scan"
        assert "file 2 of 2" in texts[image_pages[0]]
        fonts = set()
        for page in pdf.pages:
            for font in page.Resources.get("/Font", {}).values():
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.get("/FontDescriptor")
                if descriptor is not None:
                    assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, "fonts are embedded"
                    fonts.add(str(descendant.BaseFont))
        assert any("Noto-Sans" in name for name in fonts)
        assert any("Noto-Sans-Arabic" in name for name in fonts), "Arabic names are drawn with an Arabic font"
        assert any("Noto-Sans-SC" in name for name in fonts), "Chinese names are drawn with a CJK font"
        assert pdf.Root.MarkInfo.Marked and "/StructTreeRoot" in pdf.Root, "the PDF is tagged"
        assert str(pdf.Root.Lang) == "en"


def test_hostile_values_are_literal_text(rendered):
    _, data = rendered
    text = "\n".join(_texts(data))
    assert "<img src=http://x>" in text and "</style>" in text
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A", {})
                assert "/URI" not in action, "no link leaves the document"


def test_qpdf_check_is_clean(rendered, tmp_path):
    _, data = rendered
    path = tmp_path / "packet.pdf"
    path.write_bytes(data)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_final_render_has_no_watermark_and_keeps_versions(app, rendered, documents_world):
    draft, _ = rendered
    final, data = render_now(app, documents_world["packet"].id, final=True)
    assert final.final and final.id != draft.id
    assert not any("DRAFT" in text for text in _texts(data))
    with session_scope(app) as session:
        versions = session.exec(select(Render).where(Render.packet_id == documents_world["packet"].id)).all()
        assert {v.status for v in versions} == {"done"} and len(versions) == 2
        assert all(v.sha256 and v.size and v.pages for v in versions)


def test_demo_style_packet_of_a_real_type_renders(app, make):
    """A citizenship packet from the real packet types renders with its checklist and signers."""
    from portal import forms

    packet_type = forms.get_packet_type("cit_0403")
    agency = make.agency()
    client = make.client(agency, uci="")
    packet = make.packet(client, packet_type="cit_0403")
    queue.connection(app).flushall()
    render, data = render_now(app, packet.id)
    text = "\n".join(_texts(data))
    assert packet_type.form_code in text
    assert "UCI: not yet assigned" in text
    assert "Not answered yet" in text or "N/A" in text


# ---- the fetcher ------------------------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    "http://127.0.0.1:9/x.png",
    "https://example.org/x.png",
    "data:text/html,<script>alert(1)</script>",
    "data:image/svg+xml,<svg></svg>",
    STATIC_BASE + "../../portal/config.py",
    STATIC_BASE + "%2e%2e/%2e%2e/pyproject.toml",
    STATIC_BASE + "css/print.css?x=1",
    "https://passage.invalid/evidence/unknown",
])
def test_fetcher_refuses_everything_but_static_files(app, url):
    fetcher = StaticOnlyFetcher(app.static_folder)
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    assert fetcher.refused


def test_fetcher_serves_static_files(app):
    response = StaticOnlyFetcher(app.static_folder).fetch(STATIC_BASE + "css/print.css")
    assert b"@page" in response.read()


def test_attachments_and_external_resources_never_reach_the_pdf(app, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    html = (f'<a rel="attachment" href="file://{secret}">a</a>'
            '<link rel="attachment" href="http://127.0.0.1:9/x">'
            f'<img src="file://{secret}"><iframe src="data:text/html,<b>x</b>"></iframe>'
            '<object data="data:text/html,<p>TOP SECRET</p>"></object>')
    fetcher = StaticOnlyFetcher(app.static_folder)
    data = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).write_pdf(attachments=[])
    assert b"TOP SECRET" not in data
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                assert annotation.get("/Subtype") != "/FileAttachment"
    assert any(url.startswith("file://") for url in fetcher.refused)


def test_signature_page_shows_e_signatures_when_given(app, documents_world, monkeypatch):
    from datetime import datetime

    from portal.packets import signatures

    monkeypatch.setattr(signatures, "signatures_for", lambda session, packet: {
        "minor": {"name": "Zoë Ñandú", "signed_at": datetime(2026, 5, 1, 10, 0), "method": "typed name",
                  "user_id": None}})
    queue.connection(app).flushall()
    _, data = render_now(app, documents_world["packet"].id)
    text = "\n".join(_texts(data))
    assert "Signed electronically by Zoë Ñandú on May 1, 2026 (typed name)" in text
    assert text.count("Signature") >= 2, "blank lines stay for wet signatures"


def test_names_in_every_demo_script_are_drawn_with_an_embedded_font_for_that_script(app):
    from portal.documents import pdf

    names = {
        "Noto-Sans-Tamil": "அஞ்சலி சிவகுமார்",
        "Noto-Sans-Ethiopic": "ሰላም ተክለ",
        "Noto-Sans-Thai": "สมชาย ใจดี",
        "Noto-Sans-Hebrew": "נועה כהן",
        "Noto-Sans-KR": "김지우",
    }
    shared = pdf._shared_resources(app)
    html = "<html lang='en'><body>" + "".join(f"<p>{name}</p>" for name in names.values()) + "</body></html>"
    data = HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher(app.static_folder)).write_pdf(
        stylesheets=shared.sheets, font_config=shared.fonts)
    with pikepdf.open(io.BytesIO(data)) as document:
        used = {str((font.DescendantFonts[0] if "/DescendantFonts" in font else font).BaseFont)
                for page in document.pages for font in page.Resources.get("/Font", {}).values()}
    for family in names:
        assert any(family in name for name in used), f"{family} missing from {sorted(used)}"
