"""Evidence uploads: checked by content, cleaned, encrypted, scoped, audited."""
import io
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlmodel import select

from portal.db import session_scope
from portal.documents import storage, uploads
from portal.models import AuditEvent, ChecklistWaiver, Document
from tests.support.app import HTMX
from tests.support.documents import encrypted_pdf_bytes, heic_bytes, jpeg_bytes, pdf_bytes, png_bytes

MB = 1024 * 1024


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"\x00" * 64, "kind of file"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "SVG"),
    (b"<!DOCTYPE html><html><body>hi</body></html>", "SVG"),
    (b"%PDF-1.7\n1 0 obj garbage", "damaged"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "damaged"),
])
def test_refused_kinds_say_why(data, message):
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_file(data, "x.pdf", max_bytes=20 * MB)
    assert message in str(refused.value)


def test_encrypted_pdf_is_refused():
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_file(encrypted_pdf_bytes(), "locked.pdf", max_bytes=20 * MB)
    assert "password" in str(refused.value)


def test_oversized_file_is_refused():
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_file(pdf_bytes(1) + b"\n" * 2 * MB, "big.pdf", max_bytes=1 * MB)
    assert "larger than 1 MB" in str(refused.value)


def test_decompression_bomb_is_refused(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PIXELS", 1000 * 1000)
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check_file(png_bytes(1200, 1000), "bomb.png", max_bytes=20 * MB)
    assert "too many pixels" in str(refused.value)


def test_photo_metadata_is_stripped_and_orientation_applied():
    data = jpeg_bytes(400, 200, exif_gps=True, orientation=6)
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825) is not None
    checked = uploads.check_file(data, "IMG_0001.JPG", max_bytes=20 * MB)
    image = Image.open(io.BytesIO(checked.data))
    assert image.size == (200, 400), "orientation 6 means rotated: the stored photo is upright"
    assert len(image.getexif()) == 0
    assert b"SERIAL-123456" not in checked.data and b"PhoneMaker" not in checked.data
    assert checked.content_type == "image/jpeg" and checked.filename == "IMG_0001.jpg"


def test_heic_becomes_jpeg():
    checked = uploads.check_file(heic_bytes(), "photo.HEIC", max_bytes=20 * MB)
    assert checked.content_type == "image/jpeg"
    assert checked.filename == "photo.jpg"
    assert Image.open(io.BytesIO(checked.data)).format == "JPEG"


def test_content_decides_not_the_name():
    checked = uploads.check_file(png_bytes(), "../../evil.pdf", max_bytes=20 * MB)
    assert checked.content_type == "image/png"
    assert checked.filename == "evil.png"
    pdf = uploads.check_file(pdf_bytes(3), "scan.jpg", max_bytes=20 * MB)
    assert (pdf.content_type, pdf.pages, pdf.filename) == ("application/pdf", 3, "scan.pdf")


def test_expiry_warning():
    today = date(2026, 1, 1)
    assert uploads.expiry_warning(date(2025, 12, 1), today=today) == "expired"
    assert uploads.expiry_warning(today + timedelta(days=100), today=today) == "expires_soon"
    assert uploads.expiry_warning(today + timedelta(days=800), today=today) is None


def _upload(auth, packet, item, files, **extra):
    data = {"files": [(io.BytesIO(content), name) for name, content in files], **extra}
    return auth.post(f"/packets/{packet.id}/evidence/{item}/files", data=data, content_type="multipart/form-data")


def _documents(app, packet):
    with session_scope(app) as session:
        rows = session.exec(select(Document).where(Document.packet_id == packet.id).order_by(Document.position)).all()
        for row in rows:
            session.expunge(row)
        return rows


def test_upload_flow_without_js(app, client, auth, documents_world):
    world = documents_world
    packet = world["packet"]
    auth.login(world["worker"])
    page = client.get(f"/packets/{packet.id}/evidence")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'accept="image/*,application/pdf"' in html and "Copy of passport" in html

    response = _upload(auth, packet, "passport", [("passport.pdf", pdf_bytes(2)), ("page.jpg", jpeg_bytes())],
                       expires_on=(date.today() + timedelta(days=90)).isoformat())
    assert response.status_code == 303
    documents = _documents(app, packet)
    assert [d.filename for d in documents] == ["passport.pdf", "page.jpg"]
    assert documents[0].pages == 2
    assert documents[0].expires_on is not None
    with app.app_context():
        assert storage.load(documents[1].storage_key)[:3] == b"\xff\xd8\xff"

    page = client.get(f"/packets/{packet.id}/evidence").get_data(as_text=True)
    assert "expires before IRCC is likely to decide" in page

    # a refused file: specific message, 422, the earlier uploads stay
    response = _upload(auth, packet, "passport", [("evil.svg", b"<svg onload=alert(1)></svg>")])
    assert response.status_code == 422
    assert "SVG" in response.get_data(as_text=True)
    assert len(_documents(app, packet)) == 2

    # reorder: move the second file up
    second = documents[1]
    response = auth.post(f"/packets/{packet.id}/documents/{second.id}/move", data={"direction": "up"})
    assert response.status_code == 303
    assert [d.filename for d in _documents(app, packet)] == ["page.jpg", "passport.pdf"]

    # replace the PDF with a PNG
    response = auth.post(f"/packets/{packet.id}/documents/{documents[0].id}/replace",
                         data={"file": (io.BytesIO(png_bytes()), "new.png")}, content_type="multipart/form-data")
    assert response.status_code == 303
    assert {d.filename for d in _documents(app, packet)} == {"page.jpg", "new.png"}

    # remove one
    response = auth.post(f"/packets/{packet.id}/documents/{second.id}/remove")
    assert response.status_code == 303
    assert [d.filename for d in _documents(app, packet)] == ["new.png"]


def test_not_applicable_needs_a_reason(app, client, auth, documents_world):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    response = auth.post(f"/packets/{packet.id}/evidence/photos/not-applicable", data={"reason": "  "})
    assert response.status_code == 422
    assert "why this document does not apply" in response.get_data(as_text=True)
    response = auth.post(f"/packets/{packet.id}/evidence/photos/not-applicable", data={"reason": "Applying online"})
    assert response.status_code == 303
    with session_scope(app) as session:
        waiver = session.exec(select(ChecklistWaiver).where(ChecklistWaiver.packet_id == packet.id)).one()
        assert (waiver.checklist_item, waiver.reason) == ("photos", "Applying online")
    assert "Not applicable: Applying online" in client.get(f"/packets/{packet.id}/evidence").get_data(as_text=True)


def test_htmx_upload_returns_the_checklist_fragment(client, auth, documents_world):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    token = auth.token()
    response = client.post(
        f"/packets/{packet.id}/evidence/court_order/files",
        data={"files": [(io.BytesIO(b""), "empty.pdf")]}, content_type="multipart/form-data",
        headers={**HTMX, "HX-Target": "evidence-checklist", "X-CSRFToken": token},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="evidence-checklist"' in html
    assert 'aria-describedby="court_order-files-help court_order-files-error"' in html


def test_download_is_scoped_audited_and_not_cached(app, client, auth, documents_world):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    _upload(auth, packet, "passport", [("Pässport <b>.jpg", jpeg_bytes())])
    document = _documents(app, packet)[0]
    response = client.get(f"/packets/{packet.id}/documents/{document.id}/file")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "<" not in disposition and "\n" not in disposition
    assert response.data[:3] == b"\xff\xd8\xff"
    with session_scope(app) as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "document.download")).all()
        assert [e.record_id for e in events] == [str(document.id)]


def test_every_documents_route_is_404_for_another_agency(app, client, auth, documents_world):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    _upload(auth, packet, "passport", [("p.jpg", jpeg_bytes())])
    document = _documents(app, packet)[0]
    auth.post(f"/packets/{packet.id}/renders")
    from portal.models import Render

    with session_scope(app) as session:
        render = session.exec(select(Render)).first()
    client.post("/sign-out", data={"csrf_token": auth.token()})
    auth.login(documents_world["outsider"])
    gets = [
        f"/packets/{packet.id}/evidence",
        f"/packets/{packet.id}/documents/{document.id}/file",
        f"/packets/{packet.id}/renders/status",
        f"/packets/{packet.id}/renders/{render.id}/pdf",
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [
        (f"/packets/{packet.id}/evidence/passport/files", {"files": (io.BytesIO(jpeg_bytes()), "x.jpg")}),
        (f"/packets/{packet.id}/documents/{document.id}/replace", {"file": (io.BytesIO(jpeg_bytes()), "x.jpg")}),
        (f"/packets/{packet.id}/documents/{document.id}/remove", {}),
        (f"/packets/{packet.id}/documents/{document.id}/move", {"direction": "up"}),
        (f"/packets/{packet.id}/documents/{document.id}/expiry", {"expires_on": "2030-01-01"}),
        (f"/packets/{packet.id}/evidence/photos/not-applicable", {"reason": "x"}),
        (f"/packets/{packet.id}/renders", {}),
    ]
    for url, data in posts:
        assert auth.post(url, data=data, content_type="multipart/form-data").status_code == 404, url
    assert len(_documents(app, packet)) == 1


def _active_content(data: bytes) -> list[str]:
    """Everything in a PDF that could run, open another file, carry a file or hide metadata."""
    import pikepdf

    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if not isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                continue
            keys = set(obj.keys())
            found += sorted(keys & {"/JS", "/JavaScript", "/AA", "/OpenAction", "/Metadata", "/EmbeddedFiles",
                                    "/EF", "/XFA", "/AF"})
            kind = str(obj.get("/S", ""))
            if kind in ("/JavaScript", "/Launch", "/GoToR", "/GoToE", "/ImportData", "/SubmitForm"):
                found.append(kind)
            if kind == "/URI" and not str(obj.URI).startswith("https://"):
                found.append("URI " + str(obj.URI))
            if "/Next" in keys and "/S" in keys:
                found.append("/Next")
            if str(obj.get("/Subtype", "")) == "/FileAttachment" or str(obj.get("/Type", "")) == "/EmbeddedFile":
                found.append("attachment")
            if str(obj.get("/Type", "")) == "/Metadata":
                found.append("XMP stream")
        found += ["trailer /Info"] if "/Info" in pdf.trailer else []
    return found


def test_evidence_pdfs_are_rewritten_without_scripts_attachments_or_metadata(app, client, auth, documents_world):
    """Finding 8: page-open JavaScript, link and field scripts and page-level XMP with GPS survived the cleaning."""
    from tests.support.documents import hostile_pdf_bytes

    hostile = hostile_pdf_bytes()
    assert len(_active_content(hostile)) > 15  # the sample carries them all
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    assert _upload(auth, packet, "passport", [("hostile.pdf", hostile)]).status_code == 303
    document = _documents(app, packet)[0]
    with app.app_context():
        stored = storage.load(document.storage_key)
    downloaded = client.get(f"/packets/{packet.id}/documents/{document.id}/file").data
    for data in (stored, downloaded):
        assert _active_content(data) == []
        for trace in (b"app.alert", b"GPSLatitude", b"calc.exe", b"payload", b"file:///", b"xdp"):
            assert trace not in data, trace
    import pikepdf

    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert len(pdf.pages) == 2 and document.pages == 2
        links = [str(annotation.A.URI) for annotation in pdf.pages[0].Annots if "/A" in annotation]
        assert links == ["https://ircc.canada.ca/"]  # an ordinary web link stays; the chained one does not
        assert "Scanned page 1" in pdf.pages[0].Contents.read_bytes().decode()
