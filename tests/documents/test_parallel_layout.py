"""A big packet's parts laid out in several processes, and each part with only the font families it needs."""
import io
import os
import time

import pytest
from pypdf import PdfReader

from portal.documents import parallel, pdf
from tests.documents.test_pdf_parts import outline_pages, snapshot_with


def _render(app, snapshot, processes, cache=None):
    with app.app_context():
        return pdf.render_packet_pdf(snapshot, final=False, load=lambda key: b"", app=app, processes=processes,
                                     cache=cache)


def _texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_parallel_layout_gives_the_same_pages_text_and_bookmarks_as_one_process(app):
    snapshot = snapshot_with(sections=16, lines=10)  # four application chunks, and the other parts
    snapshot["sections"][5]["lines"][2]["display"] = "Amira حداد · 李小龍 · हिन्दी"
    serial = _render(app, snapshot, processes=1)
    shared = _render(app, snapshot, processes=2)
    assert shared.pages == serial.pages and serial.pages > 8
    assert _texts(shared.data) == _texts(serial.data)
    assert outline_pages(shared.data) == outline_pages(serial.data)


def test_a_long_contents_is_drafted_alongside_and_laid_out_once_after(app, monkeypatch):
    snapshot = snapshot_with(sections=90, lines=2)  # a contents of more than one page
    serial = _render(app, snapshot, processes=1)
    after = []
    original = pdf._Layout.part
    monkeypatch.setattr(pdf._Layout, "part", lambda self, part, page_of=None: after.append(part.name)
                        or original(self, part, page_of))
    shared = _render(app, snapshot, processes=2)
    assert sorted(after) == ["contents", "evidence"]  # not twice each: the drafts gave their lengths
    assert _texts(shared.data) == _texts(serial.data)
    assert outline_pages(shared.data) == outline_pages(serial.data)


def test_parallel_layout_fills_the_part_cache_like_one_process(app, tmp_path):
    from portal.documents.part_cache import PartCache

    snapshot = snapshot_with(sections=16, lines=10)
    cache = PartCache(tmp_path / "parts", b"test secret" * 3)
    first = _render(app, snapshot, processes=2, cache=cache)
    assert first.laid_out > 4
    assert _render(app, snapshot, processes=2, cache=cache).laid_out == 0


def test_a_process_that_finishes_early_takes_more_parts(tmp_path):
    # The parent is slow at every part and the helper fast: a share fixed in advance would give each half.
    parent = os.getpid()

    def make(item):
        time.sleep(0.15 if os.getpid() == parent else 0.01)
        return str(os.getpid()).encode()

    made = parallel.lay_out(list(range(12)), make, weights=[1] * 12, processes=2)
    assert made.count(str(parent).encode()) <= 3, made


def test_progress_counts_every_process_s_parts_and_is_told_here_only():
    told = []
    parallel.lay_out(list(range(8)), lambda item: time.sleep(0.02) or b"x", weights=[item + 1 for item in range(8)],
                     processes=2, taking=lambda item, count: told.append((os.getpid(), item, count)))
    assert told and {pid for pid, _item, _count in told} == {os.getpid()}
    counts = [count for _pid, _item, count in told]
    assert counts == sorted(counts) and max(counts) <= 8
    assert [item for _pid, item, count in told] == [8 - count for _pid, _item, count in told], "heaviest first"


def test_results_come_back_in_order_from_other_processes():
    pids = parallel.lay_out(list(range(6)), lambda item: time.sleep(0.05) or f"{item}:{os.getpid()}".encode(),
                            weights=[1] * 6,
                            processes=2)
    assert [int(result.split(b":")[0]) for result in pids] == list(range(6))
    assert len({result.split(b":")[1] for result in pids}) == 2, "two processes did the work"


def test_an_error_in_a_helper_process_is_raised_here():
    def make(item):
        if os.getpid() != parent:
            raise pdf.RenderError("too long")
        time.sleep(0.05)  # so that the helper has taken a part by the time this process is through them
        return b"ok"

    parent = os.getpid()
    with pytest.raises(pdf.RenderError, match="too long"):
        parallel.lay_out(list(range(6)), make, weights=[1] * 6, processes=2)


def test_each_part_names_only_the_families_its_text_needs(app):
    with app.app_context():
        picker = pdf._shared_resources(app).families
    assert picker.families_for("<p>Zoë Ñandú — Ωμέγα Жук</p>") == ("Noto Sans",)
    assert picker.families_for("<p>حداد</p>") == ("Noto Sans", "Noto Sans Arabic")
    assert picker.families_for("<p>李</p>") == ("Noto Sans", "Noto Sans SC")
    assert picker.sheet_for("<p>Latin only</p>") is not None
    # In the stylesheet's order, each family the first to have one of the characters.
    every = "".join(chr(code) for code in (0x41, 0x627, 0x5D0, 0x915, 0x4E2D, 0xB95, 0x1200, 0xE01))
    chosen = picker.families_for(every)
    assert list(chosen) == [family for family in picker.families if family in chosen]
    assert {"Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans SC", "Noto Sans Tamil", "Noto Sans Ethiopic",
            "Noto Sans Thai"} <= set(chosen)
