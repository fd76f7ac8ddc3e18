"""Packet parts reach WeasyPrint as a tree parsed by expat: the same tree, and the same pages, as its own parser."""
import io
import xml.etree.ElementTree as ElementTree
from datetime import date

import pikepdf
import tinyhtml5
from sqlmodel import select
from weasyprint import HTML

from portal.db import session_scope
from portal.documents import html_tree, parts, pdf, snapshot
from portal.documents.fetcher import STATIC_BASE, StaticOnlyFetcher
from portal.models import Packet
from tests.documents.test_pdf_parts import render, snapshot_with, texts


def _shape(element: ElementTree.Element) -> tuple:
    return (element.tag, element.attrib, element.text or "", element.tail or "",
            [_shape(child) for child in element])


def _htmls(app, snap: dict) -> list[str]:
    layout = pdf._Layout(app, snap, lambda _key: b"", None)
    return ([layout.source(part)[0] for part in parts.plan(snap)]
            + [layout.frame_html(final) for final in (False, True)])


def test_expat_reads_every_part_of_every_demo_packet_to_the_tree_weasyprints_parser_builds(app):
    from portal.demo import seed

    with app.app_context(), session_scope(app) as session:
        seed(session)
        snapshots = [snapshot.build(session, packet=packet, user=None, today=date(2026, 12, 1))
                     for packet in session.exec(select(Packet)).all()]
    assert {snap.get("language") for snap in snapshots} >= {"en", "fr"}
    assert any(document for snap in snapshots for item in snap["checklist"] for document in item["documents"])
    with app.app_context():
        for snap in snapshots:
            for html in _htmls(app, snap) + _htmls(app, {**snap, "kit": {"not_needed": []}})[:1]:
                tree = html_tree.parse(html)
                assert tree is not None, (snap["packet"]["type"], html[:300])
                assert _shape(tree) == _shape(tinyhtml5.parse(html, namespace_html_elements=False))


def _pages(document: HTML) -> list[bytes]:
    data = document.render(pdf_tags=True).write_pdf(pdf_tags=True)
    return [page.Contents.read_bytes() for page in pikepdf.open(io.BytesIO(data)).pages]


def test_a_part_parsed_by_expat_is_laid_out_to_the_same_pages(app):
    snap = snapshot_with(sections=4, lines=6)
    snap["sections"][1]["lines"][0]["display"] = "Amira حداد & 李小龍 <b>not bold</b> “quoted”"
    with app.app_context():
        html = _htmls(app, snap)[2]  # the first run of application sections
    fetcher = StaticOnlyFetcher(app.static_folder)
    ours = html_tree.document(html, base_url=STATIC_BASE, url_fetcher=fetcher)
    assert isinstance(ours, html_tree._ParsedHTML)
    assert _pages(ours) == _pages(HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher))


def test_what_expat_would_read_differently_goes_through_weasyprints_own_parser(app):
    snap = snapshot_with(sections=1, lines=2)
    snap["sections"][0]["lines"][0]["display"] = "R&amp;D"  # typed as it is: escaped to "R&amp;amp;D"
    with app.app_context():
        html = _htmls(app, snap)[2]
    assert html_tree.parse(html) is not None
    fetcher = StaticOnlyFetcher(app.static_folder)
    for odd in (html.replace("R&amp;amp;D", "R&D"),  # a translation's raw "&" (HTML reads it, XML does not)
                html.replace("Answer 1.1", "\x0b"),  # a control character, which XML forbids
                html.replace('class="answer"', 'class="answer\n"')):  # XML would read the line break as a space
        assert html_tree.parse(odd) is None
        assert type(html_tree.document(odd, base_url=STATIC_BASE, url_fetcher=fetcher)) is HTML
    assert "R&amp;D" in "".join(texts(render(app, snap).data))  # printed as typed
