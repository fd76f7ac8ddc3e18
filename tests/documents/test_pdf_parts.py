"""Packets laid out in parts: reuse from the part cache, and a joined PDF that reads as one document."""
import copy
import io
import re

import pikepdf
import pytest
from pypdf import PdfReader

from portal.documents import parts, pdf
from portal.documents.part_cache import PartCache, for_packet


def snapshot_with(sections: int, lines: int = 8) -> dict:
    snapshot = pdf.sample_snapshot()
    snapshot["applicant"]["name"] = "Amal Haddad"
    snapshot["sections"] = [{
        "key": f"s{number}", "title": f"Part {number}", "form_section": str(number),
        "lines": [{"label": f"Question {number}.{line}", "form_ref": f"Q{line}", "display": f"Answer {number}.{line}",
                   "missing": False, "rows": [], "columns": []} for line in range(lines)],
    } for number in range(1, sections + 1)]
    return snapshot


def render(app, snapshot, cache=None):
    with app.app_context():
        return pdf.render_packet_pdf(snapshot, final=False, load=lambda key: b"", app=app, cache=cache)


def texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def outline_pages(data: bytes) -> dict[str, int]:
    reader = PdfReader(io.BytesIO(data))
    found = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found[item.title] = reader.get_destination_page_number(item) + 1
    walk(reader.outline)
    return found


@pytest.fixture
def cache(app, tmp_path):
    return PartCache(tmp_path / "parts", b"test secret" * 3)


def test_one_changed_answer_lays_out_only_its_part_again(app, cache):
    snapshot = snapshot_with(sections=12)
    plan = parts.plan(snapshot)
    first = render(app, snapshot, cache)
    assert first.laid_out == len(plan) + 1, "every part and the frame are laid out the first time"
    assert render(app, snapshot, cache).laid_out == 0, "an unchanged packet is joined from the cache"

    changed = copy.deepcopy(snapshot)
    changed["sections"][6]["lines"][2]["display"] = "A corrected answer"
    again = render(app, changed, cache)
    assert again.laid_out == 1, "only the application part holding that answer is laid out again"
    fresh = render(app, changed)
    assert texts(again.data) == texts(fresh.data), "the reused parts give the same packet as a fresh render"
    assert "A corrected answer" in "".join(texts(again.data))


def test_a_final_render_reuses_the_drafts_parts(app, cache):
    snapshot = snapshot_with(sections=4)
    render(app, snapshot, cache)
    with app.app_context():
        final = pdf.render_packet_pdf(snapshot, final=True, load=lambda key: b"", app=app, cache=cache)
    assert final.laid_out == 1, "only the frame differs: no DRAFT watermark"
    assert not any("DRAFT" in text for text in texts(final.data))


def test_cached_parts_are_encrypted_named_by_keyed_hash_and_pruned(app, cache):
    snapshot = snapshot_with(sections=6)
    render(app, snapshot, cache)
    stored = sorted(cache.folder.iterdir())
    assert len(stored) == len(parts.plan(snapshot)) + 1
    for path in stored:
        data = path.read_bytes()
        assert b"%PDF" not in data and b"Amal" not in data, "parts are encrypted at rest"
        assert re.fullmatch(r"[0-9a-f]{64}", path.name)
    changed = copy.deepcopy(snapshot)
    changed["applicant"]["name"] = "Amal H. Haddad"
    render(app, changed, cache)
    assert len(list(cache.folder.iterdir())) == len(stored), "parts the latest render did not use are deleted"
    other = PartCache(cache.folder, b"another secret" * 3)
    assert other.get(stored[0].name) is None, "a part cannot be read without the key"


def test_each_packet_has_its_own_cache_folder(app):
    first, second = for_packet(app, "packet-a"), for_packet(app, "packet-b")
    assert first.folder != second.folder and "packet-a" not in str(first.folder)


def test_page_numbers_and_contents_follow_when_an_edit_adds_pages(app, cache):
    snapshot = snapshot_with(sections=10)
    before = render(app, snapshot, cache)
    longer = copy.deepcopy(snapshot)
    longer["sections"][1]["lines"] += copy.deepcopy(longer["sections"][1]["lines"]) * 6
    after = render(app, longer, cache)
    assert after.pages > before.pages
    pages = texts(after.data)
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {after.pages}" in text
    positions = outline_pages(after.data)
    for title in ("5. Part 5", "10. Part 10", "Document checklist", "Signatures"):
        assert re.search(re.escape(title) + r" — page " + str(positions[title]) + r"\b", pages[1]), title
        assert title.split(". ")[-1] in pages[positions[title] - 1]


def test_a_contents_longer_than_a_page_gives_the_right_numbers(app):
    result = render(app, snapshot_with(sections=90, lines=2))
    pages = texts(result.data)
    positions = outline_pages(result.data)
    contents = "".join(text for text in pages if "— page" in text)
    assert sum("— page" in text for text in pages) >= 2, "the contents take more than one page"
    for number in (1, 45, 90):
        title = f"{number}. Part {number}"
        assert re.search(re.escape(title) + r" — page " + str(positions[title]) + r"\b", contents), title
        assert f"Part {number}" in pages[positions[title] - 1]


def test_a_long_contents_points_to_the_evidence_index_not_to_itself(app):
    # The contents links to the evidence index, a part laid out after it: its stand-in for that link
    # once won over the index's own heading, so a contents longer than a page said "Evidence — page 2".
    result = render(app, snapshot_with(sections=90, lines=2))
    pages = texts(result.data)
    contents = "".join(text for text in pages if "— page" in text)
    evidence = PdfReader(io.BytesIO(result.data)).named_destinations["evidence"]
    page = PdfReader(io.BytesIO(result.data)).get_destination_page_number(evidence) + 1
    assert "Evidence" in pages[page - 1] and page > 2
    assert re.search(r"Evidence — page " + str(page) + r"\b", contents)


def test_the_joined_pdf_is_one_consistent_tagged_document(app):
    data = render(app, snapshot_with(sections=12)).data
    with pikepdf.open(io.BytesIO(data)) as document:
        tree = document.Root.StructTreeRoot
        root_element = tree.K[0]
        assert root_element.S == "/Document" and all(child.P.objgen == root_element.objgen for child in root_element.K)
        numbers = tree.ParentTree.Nums
        parent_tree = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
        keys = [int(page.StructParents) for page in document.pages]
        assert keys == list(range(len(document.pages))), "each page has its own entry in the parent tree"
        for page in document.pages:
            elements = parent_tree[int(page.StructParents)]
            marked = [operands[1].MCID for operands, operator in pikepdf.parse_content_stream(page)
                      if operator == pikepdf.Operator("BDC") and isinstance(operands[1], pikepdf.Dictionary)
                      and "/MCID" in operands[1]]
            assert marked, "the page's content is tagged"
            for mcid in marked:
                assert elements[int(mcid)].Type == "/StructElem"
                assert elements[int(mcid)].Pg.objgen == page.objgen, "marked content maps to an element of its own page"
        destinations = document.Root.Names.Dests.Names
        names = {str(destinations[i]): destinations[i + 1] for i in range(0, len(destinations), 2)}
        links = [annotation for page in document.pages for annotation in page.get("/Annots", ())]
        assert links, "the contents link to the sections"
        for annotation in links:
            assert str(annotation.Dest) in names, "every link reaches a destination of the joined packet"
            element = parent_tree[int(annotation.StructParent)]
            assert element.S == "/Link"
        assert int(tree.ParentTreeNextKey) == len(document.pages) + len(links)
        stamp = document.pages[3].Contents[-1].read_bytes()
        assert stamp.startswith(b"Q\n/Artifact BMC") and b"/Artifact <</Type /Pagination" in stamp, \
            "the frame and page number are artifacts that screen readers skip"


def test_the_structure_tree_is_packed_in_object_streams(app):
    # Thousands of small structure dictionaries written one by one made a 200-page packet 3.4 MB; packed, 0.9 MB.
    data = render(app, snapshot_with(sections=30)).data
    assert b"/ObjStm" in data and b"/StructElem" not in data, "the structure elements are inside compressed streams"
    with pikepdf.open(io.BytesIO(data)) as document:
        unpacked = io.BytesIO()
        document.save(unpacked, object_stream_mode=pikepdf.ObjectStreamMode.disable)
        assert len(data) < 0.6 * len(unpacked.getvalue())
        assert document.Root.StructTreeRoot.K[0].S == "/Document"
