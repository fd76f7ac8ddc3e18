"""Glyph fidelity in joined packets: every name is drawn with the characters it has, in every script.

The packet is laid out in parts and joined. Each part used to fold every unicode-range slice of a CJK
font into one embedded program, and the parts' different subsets shared one subset tag: 梁 came out
as 杰, 지우 as "지q", 张 as 扎. These tests read the joined PDF glyph by glyph, check the subset tags,
and look at the pixels: each name cut from a real multi-part packet against the same name laid out alone.
"""
import io
import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ElementTree

import pikepdf
import pytest
from markupsafe import escape
from PIL import Image, ImageChops
from weasyprint import CSS, HTML

from portal.demo.people import CLIENTS
from portal.documents import parts, pdf
from portal.documents.fetcher import STATIC_BASE, StaticOnlyFetcher
from tests.support.app import make_app
from tests.support.glyphs import glyph_problems, programs_by_tag

DPI = 150
MAX_DIFFERENT = 0.02  # of a name's pixels
SHIFTS = [(x, y) for x in (-1, 0, 1) for y in (-1, 0, 1)]
WORD_GAP = 3  # blank pixel columns that separate words at 150 dpi (letters are 1 or 2 apart)
# No demo client writes their name in these scripts; they are supported all the same.
OTHER_NAMES = ["さくら サクラ Sakura", "ਗੁਰਪ੍ਰੀਤ ਕੌਰ Gurpreet", "রহিমা খাতুন Rahima", "પ્રિયા પટેલ Priya",
               "ශ්\u200dරී නිමල් Sri Nimal", "အောင်ဆန်း Aung San", "សុខា ចាន់ Sokha", "Արամ Aram", "ნინო Nino"]
SCRIPTS = ["LATIN", "ARABIC", "HEBREW", "CYRILLIC", "GREEK", "DEVANAGARI", "TAMIL", "ETHIOPIC", "THAI",
           "CJK", "HANGUL", "HIRAGANA", "KATAKANA", "GURMUKHI", "BENGALI", "GUJARATI", "SINHALA", "MYANMAR",
           "KHMER", "ARMENIAN", "GEORGIAN"]


def demo_names() -> list[str]:
    names = [" ".join(part for part in (client[3], client[4]) if part) for client in CLIENTS]
    return [*dict.fromkeys(names), *OTHER_NAMES]


def scripts_of(text: str) -> set[str]:
    return {unicodedata.name(char, "?").split()[0] for char in text if char.isalpha()}


def name_snapshot(names: list[str], applicant: str) -> dict:
    """A packet whose answers are the names, a section of eight at a time: several application parts."""
    snapshot = pdf.sample_snapshot()
    family, _, given = applicant.partition(" ")
    snapshot["applicant"].update(name=applicant, family_name=family, given_names=given, uci="1234567890")
    snapshot["sections"] = [{
        "key": f"names-{start}", "title": f"Names {start + 1} to {start + 8}", "form_section": "",
        "lines": [{"label": f"Name {start + offset + 1}", "form_ref": "", "display": name, "missing": False,
                   "rows": [], "columns": []} for offset, name in enumerate(names[start:start + 8])],
    } for start in range(0, len(names), 8)]
    return snapshot


@pytest.fixture(scope="module")
def names_app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("glyphs"), "sqlite://")
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def packet(names_app):
    """The demo names in one joined packet (final, so no watermark crosses them), with Liang Wei as applicant."""
    snapshot = name_snapshot(demo_names(), "梁 伟 Wei")
    assert len([part for part in parts.plan(snapshot) if part.name.startswith("application")]) > 1
    with names_app.app_context():
        return pdf.render_packet_pdf(snapshot, final=True, load=lambda _key: b"", app=names_app).data


def test_the_names_cover_every_supported_script():
    covered = set().union(*(scripts_of(name) for name in demo_names()))
    assert set(SCRIPTS) <= covered
    assert any(unicodedata.normalize("NFD", name) != name for name in demo_names()), "Latin with diacritics"


def test_every_glyph_is_the_one_its_font_maps_the_text_to(packet):
    problems = glyph_problems(packet)
    assert not problems, "\n".join(str(problem) for problem in problems[:20])


def test_the_glyphs_are_right_with_a_second_cjk_name_in_the_header(names_app):
    """Kim Ji-woo in the running header and cover letter, Chinese and Korean names in the answers."""
    snapshot = name_snapshot(["张 Zhang 慧 Hui", "梁 伟 Wei", "김 지우 Ji-woo", OTHER_NAMES[0]] * 12, "김 지우 Ji-woo")
    with names_app.app_context():
        data = pdf.render_packet_pdf(snapshot, final=False, load=lambda _key: b"", app=names_app).data
    problems = glyph_problems(data)
    assert not problems, "\n".join(str(problem) for problem in problems[:20])


def test_no_two_distinct_font_programs_share_a_subset_tag(packet):
    shared = {tag: programs for tag, programs in programs_by_tag(packet).items() if len(programs) > 1}
    assert not shared, f"subset tags naming more than one program: {sorted(shared)}"


def test_identical_font_programs_are_kept_once(packet):
    with pikepdf.open(io.BytesIO(packet)) as joined:
        streams = {descriptor.FontFile2.objgen: descriptor.FontFile2.read_bytes() for descriptor in joined.objects
                   if isinstance(descriptor, pikepdf.Dictionary) and "/FontFile2" in descriptor}
    assert len(streams) == len(set(streams.values())), "the same subset in two parts is embedded once"


def _ink(image: Image.Image) -> Image.Image:
    """The image cut to the box around its dark pixels."""
    box = Image.eval(image, lambda value: 255 if value < 160 else 0).getbbox()
    assert box, "nothing drawn"
    return image.crop(box)


def _words(image: Image.Image) -> list[Image.Image]:
    """The line cut at its gaps of WORD_GAP blank columns or more: spacing may differ by a pixel, shapes may not."""
    ink = _ink(image)
    dark = Image.eval(ink, lambda value: 255 if value < 160 else 0)
    columns = [dark.crop((x, 0, x + 1, dark.height)).getbbox() is not None for x in range(dark.width)]
    words, start, blank = [], None, 0
    for x, inked in enumerate([*columns, *[False] * WORD_GAP]):
        if inked:
            start = x if start is None else start
            blank = 0
        elif start is not None:
            blank += 1
            if blank == WORD_GAP:
                words.append(_ink(ink.crop((start, 0, x - WORD_GAP + 1, ink.height))))
                start = None
    return words


def _difference(one: Image.Image, other: Image.Image) -> float:
    """The share of pixels that differ clearly between two lines of text, word by word."""
    mine_words, their_words = _words(one), _words(other)
    if len(mine_words) != len(their_words):
        return 1.0
    different = area = 0
    for mine, theirs in zip(mine_words, their_words, strict=True):
        if abs(mine.width - theirs.width) > 2 or abs(mine.height - theirs.height) > 2:
            return 1.0
        size = (max(mine.width, theirs.width) + 2, max(mine.height, theirs.height) + 2)
        # Anti-aliasing may put a word's edge a pixel lower or further: the best of the small shifts counts.
        different += min(_clearly_different(mine, theirs, size, shift) for shift in SHIFTS)
        area += size[0] * size[1]
    return different / area


def _clearly_different(one: Image.Image, other: Image.Image, size, shift) -> int:
    canvas = [Image.new("L", size, 255), Image.new("L", size, 255)]
    canvas[0].paste(one, (1, 1))
    canvas[1].paste(other, (1 + shift[0], 1 + shift[1]))
    return ImageChops.difference(*canvas).point(lambda value: 255 if value > 96 else 0).histogram()[255]


def _pages(data: bytes, tmp_path, stem: str) -> list[Image.Image]:
    source = tmp_path / f"{stem}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", str(source), str(tmp_path / stem)], check=True)
    return [Image.open(path).convert("L") for path in sorted(tmp_path.glob(f"{stem}-*.pgm"))]


def _labels(data: bytes, tmp_path) -> dict[str, tuple[int, float, float]]:
    """"Name N" label -> (page index, bottom of the label, top of the next line), in points, from the text layer."""
    source = tmp_path / "layout.pdf"
    source.write_bytes(data)
    out = subprocess.run(["pdftotext", "-bbox-layout", str(source), "-"], check=True, capture_output=True).stdout
    xhtml = re.sub(rb"<!DOCTYPE[^>]*>", b"", out).replace(b'xmlns="http://www.w3.org/1999/xhtml"', b"")
    found = {}
    for index, page in enumerate(ElementTree.fromstring(xhtml).iter("page")):
        lines = [(float(line.get("yMin")), float(line.get("yMax")), " ".join(word.text or "" for word in line))
                 for line in page.iter("line")]
        lines.sort()
        for position, (_top, bottom, text) in enumerate(lines):
            if re.fullmatch(r"Name \d+", text):
                following = [top for top, _bottom, _text in lines[position + 1:] if top > bottom + 1]
                found[text] = (index, bottom, min(following[:1] or [bottom + 18]))
    return found


def _alone(name: str, app) -> bytes:
    """The name laid out in a document of its own, with the packet's stylesheets."""
    resources = pdf._shared_resources(app)
    page = CSS(string="@page { size: 8.5in 0.8in; margin: 0.2in 0.65in; }")
    html = (f'<!doctype html><html lang="en"><body><div class="answer"><p class="value">{escape(name)}</p></div>'
            "</body></html>")
    return HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher(app.static_folder)).write_pdf(
        stylesheets=[*resources.sheets, page], font_config=resources.fonts)


@pytest.mark.slow
def test_each_name_in_the_packet_looks_as_it_does_alone(packet, names_app, tmp_path):
    pages = _pages(packet, tmp_path, "packet")
    labels = _labels(packet, tmp_path)
    scale = DPI / 72
    different = {}
    for number, name in enumerate(demo_names(), start=1):
        page, bottom, next_top = labels[f"Name {number}"]
        image = pages[page]
        line = image.crop((0, round(bottom * scale) + 1, image.width, round(next_top * scale) - 1))
        with names_app.app_context():
            alone = _pages(_alone(name, names_app), tmp_path, f"alone-{number}")[0]
        share = _difference(line, alone)
        if share > MAX_DIFFERENT:
            different[name] = round(share, 3)
    assert not different, f"names drawn differently in the packet than alone: {different}"


def test_letters_no_font_has_are_named_beside_the_finished_pdf(app, draft_world, client):
    from sqlmodel import select

    from portal.db import session_scope
    from portal.documents import font_families
    from portal.models import Render, RenderStatus, utcnow
    from tests.support.records import sign_in

    def done(snapshot):
        with app.app_context(), session_scope(app) as db:
            for earlier in db.exec(select(Render)).all():
                db.delete(earlier)
            db.add(Render(agency_id=draft_world.agency.id, packet_id=draft_world.packet.id, status=RenderStatus.done,
                          progress=100, pages=7, snapshot=snapshot, finished_at=utcnow()))
        return client.get(f"/packets/{draft_world.packet.id}/renders/status",
                          headers={"HX-Request": "true"}).get_data(as_text=True)

    printable = name_snapshot(demo_names(), "ශ්\u200dරී නිමල් Sri Nimal")
    assert font_families.unprintable_in(printable, app.static_folder) == []
    sign_in(client, draft_world.worker)
    assert "empty boxes" not in done(printable)
    tibetan = name_snapshot(["Tashi བཀྲ་ཤིས", "Zoë"], "Tashi")
    assert font_families.unprintable_in(tibetan, app.static_folder) == sorted(set("བཀྲ་ཤིས"))
    html = done(tibetan)
    assert "Some letters will print as empty boxes." in html and "letters: ་ ཀ བ ཤ ས ི ྲ." in html
