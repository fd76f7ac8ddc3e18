"""Big packets, before and after in one run: `python bench/big_packets.py` (part of `make bench`).

For the 50- and 200-page packets of bench/render.py, each in a fresh warm process: a first render by Passage
(nothing cached; parts laid out in 2 processes, as an idle worker does) and a plain WeasyPrint render of the
same packet (today's whole packet HTML and print CSS in one write_pdf() call, fresh fonts), alternated, so
both see the same machine. The ratio is Passage's median over plain's. Peak memory is the largest sum of the
resident memory (RSS) of the rendering process and its helpers, sampled every 20 ms during one more render by
Passage before the timed ones (and, for comparison, of their proportional memory, PSS, which counts shared
pages once).
Then the same in the code before issue 20 (bench/_baseline.py), whose renders use one process.
The last line is key=value pairs (p50_ratio, p200_ratio, p200_peak_mb, and the same with _before).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNS = {50: 3, 200: 3}


def _memory_kb(pid: int) -> tuple[int, int]:
    """(resident, proportional) memory: pages a fork shares count in full in each process's resident figure,
    and split between the processes in the proportional one."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
    except OSError:
        pass
    return found


class PeakMemory:
    """The largest sum of VmRSS over this process and its descendants, while running."""

    def __init__(self):
        self.peak_kb, self.peak_pss_kb, self.processes = 0, 0, 1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self):
        me = os.getpid()
        while not self._stop.is_set():
            pids, queue = [], [me]
            while queue:
                pid = queue.pop()
                pids.append(pid)
                queue += _children(pid)
            figures = [_memory_kb(pid) for pid in pids]
            total = sum(rss for rss, _pss in figures)
            if total > self.peak_kb:
                self.peak_kb, self.processes = total, len(pids)
            self.peak_pss_kb = max(self.peak_pss_kb, sum(pss for _rss, pss in figures))
            self._stop.wait(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join()


def measure(pages: int, root: str) -> dict:
    sys.path.insert(0, root)
    sys.path.insert(1, str(HERE))
    import importlib
    import inspect

    from weasyprint import HTML

    import portal
    from portal import create_app
    from portal.documents import pdf
    from portal.documents.fetcher import STATIC_BASE, StaticOnlyFetcher

    assert portal.__file__.startswith(root), f"measuring {portal.__file__}, not {root}"
    snapshot_for = importlib.import_module("render").snapshot_for  # after portal: render.py adds this tree to the path

    app = create_app({"DATABASE_URL": "sqlite://", "DATA_DIR": "/tmp/passage-bench-data"})
    snapshot = snapshot_for(pages)
    options = {"processes": 2} if "processes" in inspect.signature(pdf.render_packet_pdf).parameters else {}
    pdf.warm_up(app)
    html = pdf.build_html(snapshot, final=False, app=app)
    sheets = [app.static_folder + path
              for path in ("/vendor/fonts/fonts.css", "/css/print.css", "/css/print-frame.css")]
    ours, plain, cpu = [], [], []
    with app.app_context():
        # Peak memory in a render of its own: the sampling thread reads /proc every 20 ms and shares this
        # process's interpreter, so the renders that are timed run without it.
        with PeakMemory() as memory:
            pdf.render_packet_pdf(snapshot, final=False, load=lambda key: b"", app=app, **options)
        for _run in range(RUNS[pages]):
            started, started_cpu = time.perf_counter(), os.times()
            result = pdf.render_packet_pdf(snapshot, final=False, load=lambda key: b"", app=app, **options)
            ours.append((time.perf_counter() - started) * 1000)
            ended = os.times()
            cpu.append((ended.user + ended.system + ended.children_user + ended.children_system
                        - started_cpu.user - started_cpu.system - started_cpu.children_user
                        - started_cpu.children_system) * 1000)
            started = time.perf_counter()
            fetcher = StaticOnlyFetcher(app.static_folder, evidence={})
            HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher).write_pdf(stylesheets=sheets)
            plain.append((time.perf_counter() - started) * 1000)
    return {"pages": result.pages, "ms": round(statistics.median(ours)), "plain_ms": round(statistics.median(plain)),
            "ratio": round(statistics.median(ours) / statistics.median(plain), 2),
            "cpu_ms": round(statistics.median(cpu)), "peak_mb": round(memory.peak_kb / 1024),
            "peak_pss_mb": round(memory.peak_pss_kb / 1024),
            "processes": memory.processes, "runs": RUNS[pages]}


def run(pages: int, root: Path) -> dict:
    output = subprocess.run([sys.executable, __file__, "--one", str(pages), str(root)], capture_output=True, text=True,
                            check=True, cwd=root).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, metavar=("PAGES", "ROOT"))
    parser.add_argument("--skip-before", action="store_true")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(int(args.one[0]), args.one[1])))
        return
    sys.path.insert(0, str(HERE))
    import _baseline

    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other work on a shared machine "
          "slows every wall-clock figure; ratios are within one process, minutes apart)")
    print(f"{'':>8} {'packet':>7} {'pages':>5} {'runs':>4} {'median ms':>10} {'cpu ms':>8} {'plain ms':>9} "
          f"{'ratio':>6} {'peak MB':>8} {'(PSS)':>6} {'processes':>9}")
    keys = {}
    baseline = None if args.skip_before else _baseline.unpack()
    try:
        for label, root in (("before", baseline), ("after", HERE.parent)):
            if root is None:
                continue
            for pages in (50, 200):
                row = run(pages, root)
                print(f"{label:>8} {str(pages) + 'p':>7} {row['pages']:>5} {row['runs']:>4} {row['ms']:>10} "
                      f"{row['cpu_ms']:>8} {row['plain_ms']:>9} {row['ratio']:>6} {row['peak_mb']:>8} "
                      f"{row['peak_pss_mb']:>6} {row['processes']:>9}")
                suffix = "" if label == "after" else "_before"
                keys[f"p{pages}_ratio{suffix}"] = row["ratio"]
                keys[f"p{pages}_ms{suffix}"] = row["ms"]
                keys[f"p{pages}_plain_ms{suffix}"] = row["plain_ms"]
                if pages == 200:
                    keys[f"p200_peak_mb{suffix}"] = row["peak_mb"]
                    keys[f"p200_peak_pss_mb{suffix}"] = row["peak_pss_mb"]
    finally:
        if baseline is not None:
            shutil.rmtree(baseline, ignore_errors=True)
    keys["load_avg"] = round(os.getloadavg()[0], 1)
    print(" ".join(f"{key}={value}" for key, value in keys.items()))


if __name__ == "__main__":
    main()
