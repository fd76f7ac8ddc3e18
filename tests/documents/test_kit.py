"""The online submission kit (#17): one upload-ready PDF per checklist item, within the size limit, pages in
order, named after IRCC's document type, a manifest that matches the files, DRAFT unless approved."""
import hashlib
import io
import json
import os
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from rq import SimpleWorker
from sqlmodel import select

from portal import queue
from portal.db import session_scope
from portal.documents import kit, storage, upload_ready, uploads
from portal.forms import channels
from portal.forms.registry import PacketTypes
from portal.models import Document, Packet, Render
from portal.packets import copy_sheet
from tests.support.app import Auth
from tests.support.documents import jpeg_bytes, pdf_bytes


def _upload(auth, packet, item, files):
    data = {"files": [(io.BytesIO(content), name) for name, content in files]}
    response = auth.post(f"/packets/{packet.id}/evidence/{item}/files", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def _work(app):
    with app.app_context():
        SimpleWorker([queue.get_queue(app)], connection=queue.connection(app)).work(burst=True)


@pytest.fixture
def fresh_queue(app):
    queue.connection(app).flushall()
    yield
    queue.connection(app).flushall()


def _page_sizes(data: bytes) -> list[tuple[float, float]]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [(float(page.mediabox[2]), float(page.mediabox[3])) for page in pdf.pages]


def test_kit_has_one_pdf_per_item_in_order_within_the_limit_and_a_matching_manifest(
        app, client, auth, documents_world, fresh_queue):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    # Two photos of one passport, landscape then portrait: joined in this order.
    _upload(auth, packet, "passport", [("front.jpg", jpeg_bytes(800, 600)), ("back.jpg", jpeg_bytes(600, 800))])
    _upload(auth, packet, "court_order", [("order.pdf", pdf_bytes(2, text="Court page"))])
    with session_scope(app) as session:
        documents = session.exec(select(Document).where(Document.packet_id == packet.id)).all()
        assert all(document.ready_key and document.ready_size for document in documents), \
            "the upload-ready form is made when the file is uploaded"
    response = auth.post(f"/packets/{packet.id}/kit")
    assert response.status_code == 303
    _work(app)
    status = client.get(f"/packets/{packet.id}/kit/status").get_data(as_text=True)
    assert "Download the kit" in status and "DRAFT" in status
    with session_scope(app) as session:
        row = session.exec(select(Render).where(Render.packet_id == packet.id, Render.kind == "kit")).one()
        assert row.status == "done" and not row.final
        row_id = row.id
    download = client.get(f"/packets/{packet.id}/kit/{row_id}/zip")
    assert download.status_code == 200 and download.mimetype == "application/zip"
    disposition = download.headers["Content-Disposition"]
    assert "DRAFT" in disposition and "Ñandú" not in disposition and "Zo" not in disposition
    with session_scope(app) as session:
        stored = session.get(Render, row_id).storage_key
    assert storage.load(stored, app) == download.data
    at_rest = Path(app.config["DATA_DIR"], "files", stored[:2], stored).read_bytes()
    assert b"Cover-letter.pdf" not in at_rest and b"%PDF" not in at_rest, "the zip is encrypted at rest"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    names = set(archive.namelist())
    assert {"Cover-letter.pdf", "Proof-of-identity_Passport.pdf", kit.MANIFEST, kit.MANIFEST_JSON,
            kit.DRAFT_NOTE} <= names
    assert not any("Ñand" in name or "Zo" in name for name in names), "no client names in file names"
    manifest = json.loads(archive.read(kit.MANIFEST_JSON))
    assert manifest["final"] is False
    limit = channels.upload_max_bytes()
    for entry in manifest["files"]:
        data = archive.read(entry["name"])
        assert data.startswith(b"%PDF-") and entry["name"].endswith(".pdf"), "a type IRCC's upload takes"
        assert len(data) == entry["size"] <= limit
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(_page_sizes(data)) == entry["pages"]
    passport = archive.read("Proof-of-identity_Passport.pdf")
    (w1, h1), (w2, h2) = _page_sizes(passport)
    assert w1 > h1 and w2 < h2, "the item's photos in their upload order"
    court = next(entry for entry in manifest["files"] if entry["item"] == "court_order")
    assert court["name"].startswith(channels.DEFAULT_DOCUMENT_TYPE.replace(" ", "-") + "_")
    court_pdf = archive.read(court["name"])
    with pikepdf.open(io.BytesIO(court_pdf)) as pdf:
        texts = [page.Contents.read_bytes() for page in pdf.pages]
    assert b"Court page 1" in texts[0] and b"Court page 2" in texts[1]
    text_manifest = archive.read(kit.MANIFEST).decode()
    for entry in manifest["files"]:
        assert entry["name"] in text_manifest and entry["sha256"] in text_manifest


def test_the_pdf_route_does_not_serve_a_kit_and_outsiders_get_404(app, client, auth, documents_world, fresh_queue):
    packet = documents_world["packet"]
    auth.login(documents_world["worker"])
    auth.post(f"/packets/{packet.id}/kit")
    _work(app)
    with session_scope(app) as session:
        row_id = session.exec(select(Render).where(Render.kind == "kit")).one().id
    assert client.get(f"/packets/{packet.id}/renders/{row_id}/pdf").status_code == 404
    outsider = app.test_client()
    Auth(outsider).login(documents_world["outsider"])
    assert outsider.get(f"/packets/{packet.id}/kit/{row_id}/zip").status_code == 404


def _noisy_scan(width=1700, height=2200) -> bytes:
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


def test_an_oversize_scan_is_redrawn_to_fit_and_never_below_150_dpi():
    ready = upload_ready.prepare(_noisy_scan(), "image/jpeg", max_bytes=100 * 1024 * 1024)
    limit = len(ready.data) // 3
    shrunk = upload_ready.shrink(ready.data, max_bytes=limit)
    assert len(shrunk.data) <= limit and shrunk.pages == 1
    with pikepdf.open(io.BytesIO(shrunk.data)) as pdf:
        page = pdf.pages[0]
        image = next(iter(page.get_images().values()))
        dpi = int(image.Width) / (float(page.mediabox[2]) / 72)
    assert dpi >= upload_ready.MIN_DPI - 1


def test_an_item_that_cannot_fit_legibly_is_left_out_with_a_clear_message(app):
    scan = upload_ready.prepare(_noisy_scan(), "image/jpeg", max_bytes=100 * 1024 * 1024).data
    stored = {"scan": scan}
    taken = {
        "generated_on": "2026-12-07", "packet": {"id": "p", "form_code": "TST 0001", "title": "Test", "revision": 1},
        "checklist": [{"key": "passport", "label": "Passport", "documents": [
            {"id": "d1", "storage_key": "scan", "content_type": "application/pdf"}]}],
        "kit": {"max_bytes": 20_000, "ready": {}, "not_needed": [],
                "types": {"passport": {"type": "Proof of identity", "name": "Passport",
                                       "stem": "Proof-of-identity_Passport"}}},
    }
    with app.app_context():
        made = kit.build(taken | {"agency": {"name": "A", "address": "", "phone": "", "email": ""},
                                  "applicant": {"name": "X", "date_of_birth": "", "uci": ""},
                                  "representative": {"name": "", "email": ""}},
                         final=False, load=stored.__getitem__, app=app)
    assert [file.name for file in made.files] == ["Cover-letter.pdf"]
    assert len(made.problems) == 1 and "150 dpi" in made.problems[0] and "Proof of identity" in made.problems[0]


def test_online_kit_leaves_out_photos_and_is_final_only_once_approved(app, make, request_context):
    agency = make.agency()
    worker = make.user(agency)
    person = make.client(agency)
    packet = make.packet(person, packet_type="cit_0403")
    with session_scope(app) as session:
        packet = session.get(Packet, packet.id)
        taken = kit.kit_snapshot(session, packet=packet, user=None)
        assert taken["kit"]["channel"] == "online"
        keys = {item["key"] for item in taken["checklist"]}
        assert ("photos" in keys) == ("photos" in taken["kit"]["not_needed"])
        assert not kit.may_be_final(session, packet=packet, user=worker)


ONLINE_TYPES = sorted(key for key in PacketTypes() if channels.channel_for(key).online_possible)


@pytest.mark.parametrize("packet_type", ONLINE_TYPES)
def test_every_online_packet_type_gets_a_kit_and_a_copy_sheet(app, make, request_context, packet_type):
    agency = make.agency()
    worker = make.user(agency)
    person = make.client(agency)
    packet = make.packet(person, packet_type=packet_type)
    with session_scope(app) as session:
        packet = session.get(Packet, packet.id)
        checked = uploads.check_file(pdf_bytes(2), "scan.pdf", max_bytes=10 * 1024 * 1024)
        taken = kit.kit_snapshot(session, packet=packet, user=worker)
        item = next(item["key"] for item in taken["checklist"] if item["key"] not in taken["kit"]["not_needed"])
        uploads.add_document(session, packet=packet, user=worker, checklist_item=item, checked=checked)
        session.flush()
        taken = kit.kit_snapshot(session, packet=packet, user=worker)
        sheet = copy_sheet.build(session, packet=packet)
    assert taken["kit"]["channel"] == "online"
    made = kit.build(taken, final=False, load=lambda key: storage.load(key, app), app=app)
    assert [file.name for file in made.files][0] == kit.COVER_LETTER and len(made.files) == 2
    assert made.files[1].pages == 2 and made.files[1].name.endswith(".pdf") and not made.problems
    assert sheet.sections and not sheet.order_verified


def test_the_kit_cover_letter_speaks_of_uploaded_files_not_an_envelope(app, make, request_context):
    agency = make.agency()
    worker = make.user(agency)
    packet = make.packet(make.client(agency), packet_type="cit_0403")
    with session_scope(app) as session:
        packet = session.get(Packet, packet.id)
        uploads.add_document(session, packet=packet, user=worker, checklist_item="two_id",
                             checked=uploads.check_file(pdf_bytes(1), "id.pdf", max_bytes=10 * 1024 * 1024))
        session.flush()
        taken = kit.kit_snapshot(session, packet=packet, user=worker)
    made = kit.build(taken, final=False, load=lambda key: storage.load(key, app), app=app)
    archive = zipfile.ZipFile(io.BytesIO(made.data))
    with pikepdf.open(io.BytesIO(archive.read(kit.COVER_LETTER))) as cover:
        text = _pdf_text(cover)
    assert "online application" in text and "Uploaded:" in text and "separator page" not in text


def _pdf_text(pdf) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        pdf.save(handle.name)
        return subprocess.run(["pdftotext", handle.name, "-"], capture_output=True, text=True, check=True).stdout
