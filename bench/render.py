"""Packet PDF benchmark: `python bench/render.py` (or `make bench`).

For packets of about 1, 12, 50 and 200 pages, with and without 10 evidence files (5 scanned JPEGs of
about 1.5 MB and 5 two-page PDFs), each measured in its own warm process: median and spread of ms per
packet and per page for a first render (nothing cached), peak memory (max RSS), and the ratio to a plain
WeasyPrint render of the same packet as one HTML document, measured in the same process. Then the
median re-render after one answer changed, with the packet's part cache, and for packets with evidence
what the evidence adds to that re-render (the same packet without evidence is re-rendered in turn).
Then packets per minute for one forking worker (fork per job, as
RQ's Worker does, after warming up) and for two workers side by side. The last line is key=value pairs.
"""
import copy
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (1, 12, 50, 200)
RUNS = {1: 9, 12: 9, 50: 5, 200: 3}
LINES_PER_PAGE = 19  # answers that fit on one page of the application section, measured


def _evidence_files():
    import pikepdf
    from PIL import Image, ImageFilter

    files = {}
    for number in range(5):
        # A letter page at 300 dpi with grain that compresses like a real scan: about 1.5 MB of JPEG.
        image = Image.effect_noise((2480, 3300), 45 + number).filter(ImageFilter.GaussianBlur(1)).convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=75)
        files[f"jpeg{number}"] = (out.getvalue(), "image/jpeg", 1)
    for number in range(5):
        pdf = pikepdf.new()
        for _ in range(2):
            pdf.add_blank_page(page_size=(612, 792))
        out = io.BytesIO()
        pdf.save(out)
        files[f"pdf{number}"] = (out.getvalue(), "application/pdf", 2)
    return files


def snapshot_for(pages: int, *, evidence: dict | None = None, variant: str = "") -> dict:
    from portal.documents.pdf import sample_snapshot

    snapshot = sample_snapshot()
    front_pages = 7  # cover, contents, checklist, representative, signatures, evidence heading, one section
    lines = max(1, (pages - front_pages) * LINES_PER_PAGE) if pages > front_pages else max(1, pages * 3)
    sections = []
    per_section = 12
    for start in range(0, lines, per_section):
        sections.append({
            "key": f"s{start}", "title": f"Section {start // per_section + 1}",
            "form_section": str(start // per_section + 1),
            "lines": [{"label": f"Question {n} as worded on the form", "form_ref": f"Q{n}",
                       "display": f"Answer {n}{variant} — Zoë Ñandú", "missing": False, "rows": [], "columns": []}
                      for n in range(start, min(lines, start + per_section))],
        })
    snapshot["sections"] = sections
    if evidence:
        snapshot["checklist"] = [{
            "key": key, "label": f"Evidence {key}", "why": "", "required": True, "has_expiry": False,
            "status": "uploaded", "reason": "", "warnings": [],
            "documents": [{"id": f"00000000-0000-0000-0000-{index:012d}", "filename": f"{key}.bin",
                           "content_type": content_type, "pages": count, "size": len(data), "sha256": "",
                           "storage_key": key, "expires_on": None}],
        } for index, (key, (data, content_type, count)) in enumerate(evidence.items())]
    return snapshot


def one_answer_changed(snapshot: dict, run: int) -> dict:
    """The same packet with one answer edited, as after a caseworker's correction."""
    changed = copy.deepcopy(snapshot)
    changed["sections"][0]["lines"][0]["display"] = f"Answer corrected ({run})"
    return changed


def measure_one(pages: int, with_evidence: bool) -> dict:
    from weasyprint import HTML

    from portal import create_app
    from portal.documents import pdf
    from portal.documents.fetcher import STATIC_BASE, StaticOnlyFetcher
    from portal.documents.part_cache import PartCache

    app = create_app({"DATABASE_URL": "sqlite://", "DATA_DIR": "/tmp/passage-bench-data"})
    evidence = _evidence_files() if with_evidence else None
    load = (lambda key: evidence[key][0]) if evidence else (lambda key: b"")
    snapshot = snapshot_for(pages, evidence=evidence)
    bare = snapshot_for(pages)
    with app.app_context(), tempfile.TemporaryDirectory() as folder:
        pdf.warm_up(app)
        # First renders: nothing cached, every part laid out.
        result = pdf.render_packet_pdf(snapshot, final=False, load=load, app=app)
        timings, cpu, plain = [], [], []
        for _run in range(RUNS[pages]):
            started, started_cpu = time.perf_counter(), time.process_time()
            result = pdf.render_packet_pdf(snapshot, final=False, load=load, app=app)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        # Re-renders after one answer changed, with the packet's part cache; with evidence, the same
        # packet without it is re-rendered in turn, so the difference is what appending the evidence costs.
        cache = PartCache(Path(folder) / "with", b"bench" * 8)
        bare_cache = PartCache(Path(folder) / "bare", b"bench" * 8)
        pdf.render_packet_pdf(snapshot, final=False, load=load, app=app, cache=cache)
        pdf.render_packet_pdf(bare, final=False, load=load, app=app, cache=bare_cache)
        changed, changed_bare = [], []
        for run in range(max(5, RUNS[pages])):
            started = time.perf_counter()
            pdf.render_packet_pdf(one_answer_changed(snapshot, run), final=False, load=load, app=app, cache=cache)
            changed.append((time.perf_counter() - started) * 1000)
            if with_evidence:
                started = time.perf_counter()
                pdf.render_packet_pdf(one_answer_changed(bare, run), final=False, load=load, app=app, cache=bare_cache)
                changed_bare.append((time.perf_counter() - started) * 1000)
        # Peak memory of Passage's renders, read before the plain render below loads a second set of fonts.
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # The same packet as one HTML document rendered plainly: fresh fonts and stylesheets, no parts,
        # no caches, no evidence merging.
        html = pdf.build_html(snapshot, final=False, app=app)
        sheets = [app.static_folder + path
                  for path in ("/vendor/fonts/fonts.css", "/css/print.css", "/css/print-frame.css")]
        for _run in range(max(2, RUNS[pages] // 3)):
            started = time.perf_counter()
            fetcher = StaticOnlyFetcher(app.static_folder, evidence={})
            HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).write_pdf(stylesheets=sheets)
            plain.append((time.perf_counter() - started) * 1000)
    median = statistics.median(timings)
    return {
        "pages": result.pages,
        "median_ms": round(median, 1),
        "spread_ms": round(max(timings) - min(timings), 1),
        "per_page_ms": round(median / result.pages, 2),
        "cpu_ms": round(statistics.median(cpu), 1),
        "plain_ms": round(statistics.median(plain), 1),
        "ratio": round(median / statistics.median(plain), 2),
        "changed_ms": round(statistics.median(changed), 1),
        "append_ms": round(statistics.median(changed) - statistics.median(changed_bare), 1) if changed_bare else "",
        "peak_mb": round(peak_mb, 1),
    }


def throughput(workers: int, jobs_each: int = 12) -> float:
    """Packets per minute with `workers` forking workers rendering the 12-page packet."""
    from portal import create_app
    from portal.documents import pdf

    app = create_app({"DATABASE_URL": "sqlite://", "DATA_DIR": "/tmp/passage-bench-data"})
    snapshot = snapshot_for(12)
    pdf.warm_up(app)
    started = time.perf_counter()
    parents = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            for _job in range(jobs_each):
                horse = os.fork()  # one work horse per job, as RQ's Worker does
                if horse == 0:
                    with app.app_context():
                        pdf.render_packet_pdf(snapshot, final=False, load=lambda key: b"", app=app)
                    os._exit(0)
                os.waitpid(horse, 0)
            os._exit(0)
        parents.append(pid)
    for pid in parents:
        os.waitpid(pid, 0)
    elapsed = time.perf_counter() - started
    return round(workers * jobs_each / elapsed * 60, 1)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(measure_one(int(sys.argv[2]), sys.argv[3] == "evidence")))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "--throughput":
        print(json.dumps(throughput(int(sys.argv[2]))))
        return
    summary = {}
    print(f"load average before: {os.getloadavg()[0]:.1f} "
          "(other processes on the machine inflate wall-clock times; cpu ms does not)")
    print(f"{'packet':>18} {'pages':>5} {'median ms':>10} {'spread':>7} {'ms/page':>8} {'cpu ms':>7} {'plain ms':>9} "
          f"{'ratio':>6} {'1 answer changed':>17} {'+evidence':>10} {'peak MB':>8}")
    for with_evidence in (False, True):
        for size in SIZES:
            output = subprocess.run([sys.executable, __file__, "--one", str(size),
                                     "evidence" if with_evidence else "none"],
                                    capture_output=True, text=True, check=True).stdout
            row = json.loads(output.strip().splitlines()[-1])
            name = f"{size}p" + (" + 10 evidence" if with_evidence else "")
            print(f"{name:>18} {row['pages']:>5} {row['median_ms']:>10} {row['spread_ms']:>7} {row['per_page_ms']:>8} "
                  f"{row['cpu_ms']:>7} {row['plain_ms']:>9} {row['ratio']:>6} {row['changed_ms']:>17} "
                  f"{row['append_ms']:>10} {row['peak_mb']:>8}")
            key = f"p{size}{'_ev' if with_evidence else ''}"
            summary[f"{key}_ms"] = row["median_ms"]
            summary[f"{key}_cpu_ms"] = row["cpu_ms"]
            summary[f"{key}_peak_mb"] = row["peak_mb"]
            summary[f"{key}_ratio"] = row["ratio"]
            if size == 12:
                summary[f"{key}_changed_ms"] = row["changed_ms"]
                if with_evidence:
                    summary["evidence_append_ms"] = row["append_ms"]
    one = json.loads(subprocess.run([sys.executable, __file__, "--throughput", "1"], capture_output=True, text=True,
                                    check=True).stdout.strip().splitlines()[-1])
    two = json.loads(subprocess.run([sys.executable, __file__, "--throughput", "2"], capture_output=True, text=True,
                                    check=True).stdout.strip().splitlines()[-1])
    print(f"one forking worker: {one} packets/min (12 pages); two workers: {two} packets/min ({two / one:.2f}x)")
    summary.update({"load_avg": round(os.getloadavg()[0], 1), "worker1_ppm": one, "worker2_ppm": two,
                    "worker_scaling": round(two / one, 2),
                    "evidence_first_ms": round(summary["p12_ev_ms"] - summary["p12_ms"], 1)})
    print(" ".join(f"{key}={value}" for key, value in summary.items()))


if __name__ == "__main__":
    main()
