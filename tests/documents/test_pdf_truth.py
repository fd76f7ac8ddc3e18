"""One source of truth in the packet PDF: header, cover letter and answers agree with each other.

The cover letter and the running header used to read the client file while the answers read the
packet, so a UCI answered at question 4 was "not yet assigned" on the first page; the cover letter
listed the form as "signed" with no signature, and an optional document was "Missing".
"""
import re
from datetime import date

from markupsafe import Markup
from sqlmodel import select

from portal.db import session_scope
from portal.documents import pdf, pdf_language, snapshot
from portal.i18n import gettext
from portal.models import Packet


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", Markup(re.sub(r"<[^>]+>", " ", html)).unescape())


def _cover(html: str) -> str:
    return _text(html[html.index('<section class="cover"'):html.index("</section>")])


def _header(html: str) -> str:
    return _text(re.search(r'<div class="running-header">.*?</div>', html, re.S).group(0))


def _snapshot(app, packet_id):
    with app.app_context(), session_scope(app) as session:
        return snapshot.build(session, packet=session.get(Packet, packet_id), user=None, today=date(2026, 12, 1))


def test_header_cover_letter_and_answers_give_the_uci_and_names_the_packet_answers(app, make):
    agency = make.agency()
    client = make.client(agency, family_name="Liang", given_names="Wei", uci="", date_of_birth=date(2011, 2, 3))
    packet = make.packet(client, packet_type="cit_0403", answers={
        "uci": "1234567890", "family_name": "梁", "given_names": "伟 Wei", "dob": "2011-02-04"})
    snap = _snapshot(app, packet.id)
    with app.app_context():
        html = pdf.build_html(snap, final=False, app=app)
    answers = {line["form_ref"]: line["display"] for section in snap["sections"] for line in section["lines"]}
    assert answers["Q4"] == "1234567890"
    for place in (_cover(html), _header(html)):
        assert "UCI: 1234567890" in place
        assert "not yet assigned" not in place
        assert "伟 Wei 梁" in place
    assert "born February 4, 2011" in _cover(html)


def test_the_client_file_fills_in_what_the_packet_does_not_ask(app, make):
    agency = make.agency()
    client = make.client(agency, family_name="Okafor", given_names="Ada", uci="87654321")
    packet = make.packet(client, packet_type="cit_0403", answers={})
    snap = _snapshot(app, packet.id)
    assert snap["applicant"]["uci"] == "87654321"
    assert snap["applicant"]["name"] == "Ada Okafor"


def _packet_with(checklist, signers) -> dict:
    snap = pdf.sample_snapshot()
    snap["checklist"] = checklist
    snap["signers"] = signers
    return snap


def _item(key, label, status, *, required=True):
    documents = [{"id": key, "filename": "x.pdf", "content_type": "application/pdf", "pages": 1, "size": 1,
                  "sha256": "", "storage_key": "", "expires_on": None}] if status == "uploaded" else []
    return {"key": key, "label": label, "why": "", "required": required, "has_expiry": False, "status": status,
            "reason": "", "warnings": [], "documents": documents}


SIGNER = {"key": "applicant", "role": "Applicant", "capacity": "", "signature": None}
SIGNED = {**SIGNER, "signature": {"name": "Wei Liang", "signed_at": "2026-11-30T10:00:00", "method": "device"}}


def test_the_cover_letter_says_signed_only_when_every_signature_is_there(app):
    with app.app_context():
        unsigned = _cover(pdf.build_html(_packet_with([], [SIGNER]), final=False, app=app))
        signed = _cover(pdf.build_html(_packet_with([], [SIGNED]), final=False, app=app))
    assert not re.search(r"\bsigned\b", unsigned)
    assert "Application form CIT 0000 with its signature page" in unsigned
    assert "Application form CIT 0000, signed" in signed


def test_the_cover_letter_encloses_only_what_the_checklist_has_attached(app):
    checklist = [_item("passport", "Copy of passport", "uploaded"),
                 _item("court_order", "Court order giving the agency authority", "missing"),
                 _item("photos", "Two citizenship photos", "not_applicable")]
    with app.app_context():
        cover = _cover(pdf.build_html(_packet_with(checklist, [SIGNER]), final=False, app=app))
    enclosed = cover[cover.index("Enclosed:"):]
    assert "Copy of passport" in enclosed
    assert "Court order" not in enclosed
    assert "citizenship photos" not in enclosed


def test_an_optional_item_is_never_missing_in_the_pdf(app):
    checklist = [_item("translations", "Translations with a translator's affidavit", "missing", required=False),
                 _item("court_order", "Court order giving the agency authority", "missing")]
    with app.app_context():
        html = pdf.build_html(_packet_with(checklist, [SIGNER]), final=False, app=app)
    items = re.findall(r'<div class="check-item[^"]*">.*?</div>', html, re.S)
    optional, required = (_text(item) for item in items)
    assert "Missing" not in optional and "Optional" in optional
    assert "check-item--missing" not in items[0]
    assert "Missing" in required


def test_every_demo_packet_states_one_uci_and_name_throughout(app):
    from portal.demo import seed

    with app.app_context(), session_scope(app) as session:
        seed(session)
    with app.app_context(), session_scope(app) as session:
        snapshots = [snapshot.build(session, packet=packet, user=None, today=date(2026, 12, 1))
                     for packet in session.exec(select(Packet)).all()]
    assert len(snapshots) > 50
    with app.app_context():
        for snap in snapshots:
            html = pdf.build_html(snap, final=False, app=app)
            cover, header = _cover(html), _header(html)
            with pdf_language.written_in(snap):  # a packet for a French-speaking client is written in French
                blank = (gettext("N/A"), gettext("Not answered yet"))
                uci_word = gettext("UCI: %(uci)s", uci="").rstrip(" :\u00a0")
                ucis = [line["display"] for section in snap["sections"] for line in section["lines"]
                        if line["label"].startswith(uci_word) and line["display"] not in blank]
                stated = [gettext("UCI: %(uci)s", uci=uci) for uci in ucis[:1]]  # the applicant's own
            name = snap["applicant"]["name"]
            assert name in cover and name in header, snap["packet"]["type"]
            for uci in stated:
                assert uci in cover and uci in header, (snap["packet"]["type"], uci)


def test_control_characters_never_reach_the_pdf_whatever_the_datas_origin(app, make):
    # Typed values lose them when saved; a record written another way (an import, an old row) kept them,
    # and one vertical tab printed an empty box and garbled the text layer of its whole page.
    from tests.documents.test_pdf_parts import render, texts

    agency = make.agency(name="Harbour\x0bFamily Services")
    client = make.client(agency, family_name="Okafor\x00", given_names="Ada", uci="")
    packet = make.packet(client, packet_type="cit_0403",
                         answers={"family_name": "Oka\x0cfor", "given_names": "Ada\x1b"})
    snap = _snapshot(app, packet.id)
    assert snap["agency"]["name"] == "HarbourFamily Services"
    assert snap["applicant"]["name"] == "Ada Okafor"
    pages = texts(render(app, snap).data)
    assert "\x00" not in "".join(pages)
    assert any("Okafor" in page and "Application" in page for page in pages)
