"""PDF/UA-1 (ISO 14289-1) in the packet PDF, checked by structure: veraPDF is not available here.

One packet of each of the twelve packet types is rendered with evidence: a scan whose pages use
Helvetica without embedding it (flattened to pictures in the packet), a photo, and a tagged PDF with
embedded fonts (its own marked content must not dangle). Then `ua_problems` reads the file:

- XMP metadata with pdfuaid:part 1 and the document's title as dc:title; the catalog's /Lang,
  /MarkInfo and DisplayDocTitle;
- one structure tree, in page order, whose parent tree has unique keys, and every marked-content sequence
  with an MCID on every page maps (through the page's /StructParents) to an element reachable from the
  tree's root;
- every text, picture, form or path painted on a page is inside such a sequence or inside an /Artifact;
- every font, those of Form XObjects included, embeds its program; every Figure has /Alt.
"""
import io
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pikepdf
import pytest
from pikepdf import Name
from sqlmodel import select
from weasyprint import HTML

from portal import forms, queue
from portal.db import session_scope
from portal.demo import lifecycle, new_routes
from portal.documents import evidence, uploads
from portal.models import Packet, User
from tests.documents.test_pdf import render_now
from tests.support.documents import jpeg_bytes, pdf_bytes

PAINT = {"Tj", "TJ", "'", '"', "Do", "sh", "INLINE IMAGE", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*"}
NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
      "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}
BUILDERS = {**lifecycle.BUILDERS, "state_care_trp": new_routes.trp_answers, "imm_5709": new_routes.study_answers,
            "pr_protected": new_routes.protected_answers}


def _number_tree(node, into=None) -> dict[int, object]:
    into = {} if into is None else into
    nums = node.get("/Nums", ())
    keys = [int(nums[position]) for position in range(0, len(nums), 2)]
    assert len(set(keys)) == len(keys) and not set(keys) & set(into), "parent tree keys repeat"
    into.update({int(nums[position]): nums[position + 1] for position in range(0, len(nums), 2)})
    for kid in node.get("/Kids", ()):
        _number_tree(kid, into)
    return into


def _elements(root) -> list:
    """Every structure element reachable from the root, in document order."""
    found, stack = [], list(reversed(_kids(root)))
    while stack:
        element = stack.pop()
        if isinstance(element, pikepdf.Dictionary) and "/S" in element:
            found.append(element)
            stack.extend(reversed(_kids(element)))
    return found


def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _xmp_problems(pdf) -> list[str]:
    if "/Metadata" not in pdf.Root:
        return ["no XMP metadata"]
    xmp = ET.fromstring(pdf.Root.Metadata.read_bytes())
    problems = []
    descriptions = xmp.findall(".//rdf:Description", NS)
    part = [d.get(f"{{{NS['pdfuaid']}}}part") for d in descriptions]
    part += [element.text for element in xmp.findall(".//pdfuaid:part", NS)]
    if "1" not in part:
        problems.append("XMP: no pdfuaid:part 1")
    titles = [(element.text or "").strip() for element in xmp.findall(".//dc:title//rdf:li", NS)]
    if not any(titles):
        problems.append("XMP: no dc:title")
    elif str(pdf.docinfo.get("/Title", "")) not in titles:
        problems.append("XMP: dc:title is not the document's title")
    return problems


def _content_problems(pdf, where: str, operations, resources, mcids: dict, stack: list, seen: set) -> list[str]:
    """What is painted outside tagged or artifact content in one content stream (and the forms it draws)."""
    problems = []
    for operands, operator in ((item.operands, str(item.operator)) for item in operations):
        if operator in ("BMC", "BDC"):
            tag = str(operands[0])
            properties = operands[1] if operator == "BDC" else None
            if isinstance(properties, Name):  # a named property list in /Properties
                properties = resources.get("/Properties", {}).get(properties)
            mcid = properties.get("/MCID") if isinstance(properties, pikepdf.Dictionary) else None
            if mcid is not None:
                if mcids is None:
                    problems.append(f"{where}: MCID {mcid} in a form without /StructParents")
                else:
                    mcids.setdefault(int(mcid), tag)
            stack.append(tag == "/Artifact" or mcid is not None or bool(stack and stack[-1]))
        elif operator == "EMC":
            stack.pop()
        elif operator in PAINT and not (stack and stack[-1]):
            problems.append(f"{where}: {operator} outside tagged or artifact content")
        if operator == "Do":
            xobject = resources.get("/XObject", {}).get(operands[0])
            if xobject is not None and xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
                seen.add(xobject.objgen)
                inner = pikepdf.parse_content_stream(xobject)
                own = {} if "/StructParents" in xobject else None
                problems += _content_problems(pdf, f"{where} form {operands[0]}", inner,
                                              xobject.get("/Resources", resources), own, list(stack), set())
    return problems


def _font_problems(pdf) -> list[str]:
    problems = []
    for font in pdf.objects:
        if not isinstance(font, pikepdf.Dictionary) or font.get("/Type") != Name.Font:
            continue
        if font.get("/Subtype") == Name.Type3:
            continue  # its glyphs are drawn by the file itself
        described = font.DescendantFonts[0] if font.get("/Subtype") == Name.Type0 else font
        descriptor = described.get("/FontDescriptor", {})
        if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
            problems.append(f"font {font.get('/BaseFont')} is not embedded")
    return problems


def _catalog_problems(root) -> list[str]:
    problems = []
    if not str(root.get("/Lang", "")).strip():
        problems.append("no /Lang in the catalog")
    if not root.get("/MarkInfo", {}).get("/Marked"):
        problems.append("not marked (/MarkInfo)")
    if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle"):
        problems.append("DisplayDocTitle is not set")
    return problems


def ua_problems(data: bytes) -> list[str]:
    """Everything in the PDF that PDF/UA-1 forbids among what this test checks; empty when it passes."""
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    problems = _xmp_problems(pdf) + _catalog_problems(root)
    tree = root.get("/StructTreeRoot")
    if tree is None:
        return [*problems, "no structure tree"]
    parents = _number_tree(tree.ParentTree)
    elements = _elements(tree)
    reachable = {element.objgen for element in elements}
    keys = [int(page.StructParents) for page in pdf.pages if "/StructParents" in page]
    assert len(set(keys)) == len(keys), "two pages share a parent tree entry"
    for number, page in enumerate(pdf.pages, start=1):
        contents = page.Contents if isinstance(page.Contents, pikepdf.Array) else [page.Contents]
        if not all(isinstance(stream, pikepdf.Stream) for stream in contents):
            problems.append(f"page {number}: /Contents is not a stream or an array of streams")
        mcids: dict[int, str] = {}
        problems += _content_problems(pdf, f"page {number}", pikepdf.parse_content_stream(page),
                                      page.Resources, mcids, [], set())
        if not mcids:
            continue
        entry = parents.get(int(page.get("/StructParents", -1)))
        for mcid in mcids:
            element = entry[mcid] if isinstance(entry, pikepdf.Array) and mcid < len(entry) else None
            if not isinstance(element, pikepdf.Dictionary) or element.objgen not in reachable:
                problems.append(f"page {number}: MCID {mcid} is not in the structure tree")
    page_index = {page.objgen: number for number, page in enumerate(pdf.pages)}
    order = [page_index.get(element.Pg.objgen, -1) for element in elements if "/Pg" in element]
    if order != sorted(order):
        problems.append("the structure tree is not in page order")
    for element in elements:
        if str(element.S) == "/Figure" and not str(element.get("/Alt", "")).strip():
            problems.append("a Figure without /Alt")
    return problems + _font_problems(pdf)


def _tagged_letter() -> bytes:
    """A tagged PDF with embedded fonts, as a word processor would give: its marked content has MCIDs."""
    html = '<html lang="en"><title>Letter</title><h1>Letter of support</h1><p>To whom it may concern.</p></html>'
    return HTML(string=html).write_pdf(pdf_tags=True)


def _attach(app, packet_id, user_id, item, name, data, **kwargs):
    with app.app_context(), session_scope(app) as session:
        checked = uploads.check_file(data, name, max_bytes=app.config["UPLOAD_MAX_BYTES"])
        uploads.add_document(session, packet=session.get(Packet, packet_id), user=session.get(User, user_id),
                             checklist_item=item, checked=checked, **kwargs)


@pytest.mark.parametrize("packet_type", [key for key in forms.PACKET_TYPES if key != "doc_test"])
def test_every_packet_type_renders_as_pdf_ua(app, make, packet_type):
    agency = make.agency(name="Children's Aid of Testville")
    worker = make.user(agency, role="caseworker", name="Casey Worker")
    client = make.client(agency, family_name="Haddad", given_names="Amira", date_of_birth=date(2010, 3, 4),
                         assigned_caseworker_id=worker.id)
    build = BUILDERS.get(packet_type)
    packet = make.packet(client, packet_type=packet_type, answers=build(client) if build else {})
    with app.app_context(), session_scope(app) as session:
        first, second = [item.key for item in evidence.checklist_items(session, packet=session.get(Packet, packet.id))
                         ][:2]
    expires = date.today() + timedelta(days=700)
    _attach(app, packet.id, worker.id, first, "helvetica scan.pdf", pdf_bytes(2, text="Birth certificate"),
            expires_on=expires)
    _attach(app, packet.id, worker.id, first, "photo.jpg", jpeg_bytes(900, 600), expires_on=expires)
    _attach(app, packet.id, worker.id, second, "letter.pdf", _tagged_letter(), expires_on=expires)
    queue.connection(app).flushall()
    render, data = render_now(app, packet.id)
    assert render.status == "done", render.error

    assert ua_problems(data) == []
    pdf = pikepdf.open(io.BytesIO(data))
    assert str(pdf.Root.Lang) == "en"  # the rendered HTML's lang
    alts = [str(element.Alt) for element in _elements(pdf.Root.StructTreeRoot) if str(element.S) == "/Figure"]
    assert any(re.fullmatch(r"Evidence 1 of 2: .+ \(helvetica scan\.pdf\), page 2 of 2", alt) for alt in alts), alts
    assert any(re.fullmatch(r"Evidence 1 of 2: .+ \(photo\.jpg\)", alt) for alt in alts), alts
    assert any(re.fullmatch(r"Evidence 2 of 2: .+ \(letter\.pdf\), page 1 of 1", alt) for alt in alts), alts


def test_the_language_is_the_packets_and_a_part_in_another_says_so(app):
    from portal.documents import assemble, page_numbers, parts

    def part(name: str, lang: str):
        html = f'<html lang="{lang}"><title>{name}</title><p>{name}</p></html>'
        return assemble.open_part(parts.Part(name, ""), HTML(string=html).write_pdf(pdf_tags=True))

    frame = HTML(string='<html lang="fr"><p>Cadre</p></html>').write_pdf()
    font = page_numbers.load(page_numbers.default_font_path(app.static_folder))
    data = assemble.join([part("Lettre", "fr"), part("Letter", "en")], frame=frame, font=font,
                         title="CIT 0403 · Demande", author="Agence", language="fr")
    assert ua_problems(data) == []
    pdf = pikepdf.open(io.BytesIO(data))
    assert str(pdf.Root.Lang) == "fr"
    assert b"<rdf:li>fr</rdf:li>" in pdf.Root.Metadata.read_bytes()
    french, english = pdf.Root.StructTreeRoot.K[0].K
    assert "/Lang" not in french and str(english.Lang) == "en"


@pytest.mark.slow
def test_every_demo_packet_passes_the_structural_gate(app):
    """Issue 18's done-when: the gate on every packet the demo data holds, in English and in French."""
    from portal.demo import seed

    with app.app_context(), session_scope(app) as session:
        seed(session)
        packets = [(packet.id, packet.packet_type, packet.language) for packet in session.exec(select(Packet)).all()]
    assert len(packets) > 50 and {language for _, _, language in packets} == {"en", "fr"}
    failures = {}
    for packet_id, packet_type, language in packets:
        render, data = render_now(app, packet_id)
        assert render.status == "done", (packet_type, render.error)
        problems = ua_problems(data)
        if problems:
            failures[f"{packet_type}/{language}/{packet_id}"] = problems[:3]
    assert not failures, failures
