"""What a caseworker's browser waits for: `python bench/browser.py` (or `make bench`).

Runs the portal twice on the same machine, minutes apart: first the code before issue 20 (bench/_baseline.py),
then this checkout, each on the demo data seeded by its own code into a temporary PostgreSQL database. Each
time: gunicorn (2 workers x 4 threads) and one `worker.py` with a redis-server of its own, driven by Debian's
Chromium through Playwright. `--trace` also cuts click-to-ready into phases (bench/_trace.py; the worker runs
as bench/_traced_worker.py, which only adds timestamps) and keeps the worker's notes in
$TMPDIR/passage-trace-<version>.jsonl.

- Pages: the clients page on a first visit (browser cache emptied after signing in): requests and bytes
  transferred (compressed sizes as they crossed the wire, headers included, fonts excluded); then a second visit
  (the address opened again): how many requests reached the server (gunicorn's access log), htmx fragments
  not counted.
- Click to ready: on a 12-page packet's PDF page, from the click on "Generate packet" to "Ready" shown
  (a MutationObserver in the page notes the moment), 20 runs, each a first render (the bench empties the
  packet's part cache before the click). Median and p95.

The last line is key=value pairs; the before figures carry a `_before` suffix.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The code whose `portal` is imported: this checkout, or the baseline when seeding its own database (--seed).
sys.path.insert(0, os.environ.get("BENCH_CODE_ROOT", str(ROOT)))
sys.path.insert(0, str(ROOT / "bench"))

import _baseline  # noqa: E402
import _trace as trace  # noqa: E402
from _common import free_port, postgres_database, start_server, stop_server  # noqa: E402
from load import start_redis  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
EMAIL, PASSWORD = "caseworker@peel.demo", "passage-demo-2026"
PAGES_WANTED = 12

# Notes when a "Ready" badge that was not on the page before the click appears.
WATCH_READY = """() => {
  document.querySelectorAll('#render-status .badge--ok').forEach(b => b.setAttribute('data-old', '1'));
  window.__ready = null;
  const button = document.querySelector('#render-status button[type=submit]');
  button.addEventListener('click', () => { window.__clicked = performance.now(); }, {capture: true});
  new MutationObserver(() => {
    const badge = document.querySelector('#render-status .badge--ok:not([data-old])');
    if (badge && window.__ready === null) {
      window.__ready = performance.now();
      window.__pages = badge.parentElement.textContent;
    }
  }).observe(document.body, {subtree: true, childList: true});
  // For --trace: each htmx request's send and answer, in epoch milliseconds (the worker's clock is the same).
  window.__requests = [];
  const epoch = () => performance.timeOrigin + performance.now();
  document.body.addEventListener('htmx:beforeSend', e => {
    e.detail.xhr.__sent = epoch();
  });
  document.body.addEventListener('htmx:beforeOnLoad', e => { e.detail.xhr.__answered = epoch(); });
  document.body.addEventListener('htmx:afterRequest', e => {
    window.__requests.push({verb: e.detail.requestConfig.verb, path: e.detail.pathInfo.requestPath,
                            sent: e.detail.xhr.__sent, answered: e.detail.xhr.__answered, swapped: epoch()});
  });
}"""


def seed_with(code_root: Path, database_url: str, data_dir: str) -> list[str]:
    """seed() run by another checkout's code (the baseline) in a process of its own: each version gets the demo
    data its own models and sign-in expect (the data of today's code no longer signs in with the baseline's)."""
    env = dict(os.environ, BENCH_CODE_ROOT=str(code_root))
    command = [sys.executable, str(Path(__file__).resolve()), "--seed", database_url, data_dir]
    done = subprocess.run(command, cwd=code_root, env=env, capture_output=True, text=True, check=True)
    return done.stdout.split()


def seed(database_url: str, data_dir: str) -> list[str]:
    """The demo data; returns the ids of the Peel agency's IMM 5710 packets (12 pages each)."""
    from sqlmodel import SQLModel, select

    import portal.models  # noqa: F401
    from portal import create_app, demo
    from portal.db import session_scope
    from portal.models import Packet, User

    app = create_app({"DATABASE_URL": database_url, "DATA_DIR": data_dir, "SECRET_KEY": "bench-secret-key"})
    SQLModel.metadata.create_all(app.extensions["db_engine"])
    with app.app_context(), session_scope(app) as session:
        demo.seed(session)
    with app.app_context(), session_scope(app) as session:
        worker = session.exec(select(User).where(User.email == EMAIL)).one()
        packets = session.exec(select(Packet).where(Packet.agency_id == worker.agency_id,
                                                    Packet.packet_type == "imm_5710")).all()
        ids = [str(packet.id) for packet in packets]
    app.extensions["db_engine"].dispose()
    return ids


class Browser:
    def __init__(self):
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self.chromium = self._playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])

    def close(self):
        self.chromium.close()
        self._playwright.stop()


def sign_in(page, base: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form[action*='sign-in'] button[type=submit]")


def measure_pages(browser: Browser, base: str, access_log: Path) -> dict:
    context = browser.chromium.new_context()
    page = context.new_page()
    sign_in(page, base)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    kinds, sizes = {}, {}
    cdp.on("Network.responseReceived", lambda event: kinds.__setitem__(event["requestId"], event["type"]))
    cdp.on("Network.loadingFinished",
           lambda event: sizes.__setitem__(event["requestId"], event["encodedDataLength"]))
    page.goto(f"{base}/clients/", wait_until="networkidle")
    first = {key: value for key, value in sizes.items() if kinds.get(key) != "Font"}
    first_kb = sum(first.values()) / 1024
    # The second visit: the address opened again; count what reaches the server.
    lines_before = len(access_log.read_text().splitlines())
    page.goto(f"{base}/clients/", wait_until="networkidle")
    time.sleep(0.3)
    lines = access_log.read_text().splitlines()[lines_before:]
    requests = [line for line in lines if '"GET ' in line or '"POST ' in line]
    context.close()
    return {"first_requests": len(first), "first_kb": round(first_kb, 1), "repeat_requests": len(requests),
            "repeat_paths": sorted({line.split('"')[1].split(" ")[1].split("?")[0] for line in requests})}


def measure_click_to_ready(browser: Browser, base: str, packet_ids: list[str], data_dir: Path, runs: int,
                           trace_file: Path | None = None) -> dict:
    context = browser.chromium.new_context(bypass_csp=True)  # Playwright's waiting uses eval, which the CSP forbids
    page = context.new_page()
    sign_in(page, base)
    times, lags, pages_text, traces = [], [], "", []
    for run in range(runs + 1):  # the first click warms the web workers' code paths and is not counted
        packet_id = packet_ids[run % len(packet_ids)]
        _forget_renders(packet_id, data_dir)  # a first render each time
        page.goto(f"{base}/packets/{packet_id}/renders/status", wait_until="networkidle")
        page.evaluate(WATCH_READY)
        page.click("#render-status button[type=submit]")
        page.wait_for_function("() => window.__ready !== null", timeout=60_000, polling=50)
        elapsed = page.evaluate("window.__ready - window.__clicked")
        pages_text = page.evaluate("window.__pages")
        if run:
            times.append(elapsed)
            lags.append(elapsed - _asked_to_finished_ms(packet_id))
            if trace_file is not None:
                traces.append(_browser_trace(page, packet_id))
    context.close()
    if trace_file is not None:
        time.sleep(0.5)  # the last work horse's notes
        phases = trace.phases(traces, trace.read_worker_notes(trace_file))
        return {**_click_figures(times, lags, pages_text), "phases": phases}
    return _click_figures(times, lags, pages_text)


def _browser_trace(page, packet_id: str) -> dict:
    """One run's timestamps (epoch ms): the page's click, requests and Ready; the render row's."""
    from sqlalchemy import create_engine, text

    seen = page.evaluate("({origin: performance.timeOrigin, clicked: window.__clicked, ready: window.__ready, "
                         "requests: window.__requests})")
    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    with engine.connect() as connection:
        row = connection.execute(text("SELECT created_at, enqueued_at, started_at, finished_at, job_id FROM render "
                                      "WHERE packet_id = :id ORDER BY created_at DESC LIMIT 1"),
                                 {"id": packet_id}).one()
    engine.dispose()
    return {"clicked": seen["origin"] + seen["clicked"], "ready": seen["origin"] + seen["ready"],
            "requests": seen["requests"], "job": row.job_id,
            **{name: _epoch_ms(getattr(row, name)) for name in ("created_at", "enqueued_at", "started_at",
                                                               "finished_at")}}


def _epoch_ms(moment) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000


def _click_figures(times: list[float], lags: list[float], pages_text: str) -> dict:
    ordered = sorted(times)
    return {"median_ms": round(statistics.median(times)), "p95_ms": round(ordered[max(0, int(len(ordered) * .95) - 1)]),
            "min_ms": round(ordered[0]), "max_ms": round(ordered[-1]), "ready_text": " ".join(pages_text.split()),
            "lag_ms": round(statistics.median(lags))}


def _asked_to_finished_ms(packet_id: str) -> float:
    """The newest render of the packet: from its row's creation (the click's request) to the worker's finish."""
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    with engine.connect() as connection:
        row = connection.execute(text("SELECT created_at, finished_at FROM render WHERE packet_id = :id "
                                      "ORDER BY created_at DESC LIMIT 1"), {"id": packet_id}).one()
    engine.dispose()
    return (row.finished_at - row.created_at).total_seconds() * 1000


def _forget_renders(packet_id: str, data_dir: Path) -> None:
    """Make the next click a first render: empty the part cache, and unlink the packet's finished PDFs so the
    job cannot reuse one made from the same snapshot (jobs._same_render)."""
    from sqlalchemy import create_engine, text

    shutil.rmtree(data_dir / "part-cache", ignore_errors=True)
    engine = create_engine(os.environ["BENCH_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text("UPDATE render SET storage_key = '' WHERE packet_id = :id AND status = 'done'"),
                           {"id": packet_id})
    engine.dispose()


def _server_side(database_url: str) -> dict:
    """From the render rows: waiting for the worker (asked for → started) and working (started → finished)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT created_at, started_at, finished_at FROM render "
                                       "WHERE status = 'done' AND started_at IS NOT NULL")).all()
    engine.dispose()
    wait = [(row.started_at - row.created_at).total_seconds() * 1000 for row in rows]
    work = [(row.finished_at - row.started_at).total_seconds() * 1000 for row in rows]
    return {"queue_ms": round(statistics.median(wait)) if wait else 0,
            "work_ms": round(statistics.median(work)) if work else 0}


def run_version(label: str, root: Path, database_url: str, packet_ids: list[str], runs: int,
                tracing: bool = False, seeded: Path | None = None) -> dict:
    instance = Path(tempfile.mkdtemp(prefix=f"passage-browser-{label}-"))
    data_dir = instance / "data"
    os.environ["BENCH_DATABASE_URL"] = database_url  # what the helpers above read and change
    shutil.copytree(seeded or Path(os.environ["BENCH_DATA"]), data_dir)
    redis_port = free_port()
    redis_process = start_redis(redis_port)
    env = {"REDIS_URL": f"redis://127.0.0.1:{redis_port}/0", "PASSAGE_DATA_DIR": str(data_dir)}
    access_log = instance / "access.log"
    server = worker = None
    try:
        port = free_port()
        server = start_server(database_url, str(instance), port, workers=2, threads=4, extra_env=env, root=root,
                              access_log=str(access_log))
        worker_env = dict(os.environ, DATABASE_URL=database_url, PASSAGE_INSTANCE_DIR=str(instance),
                          SECRET_KEY="bench-secret-key", PYTHONPATH=str(root), **env)
        trace_file = instance / "worker-trace.jsonl" if tracing else None
        if trace_file is not None:  # the same worker, noting when each step of a job starts
            worker_env["PASSAGE_TRACE_FILE"] = str(trace_file)
        script = ROOT / "bench" / "_traced_worker.py" if tracing else root / "worker.py"
        worker = subprocess.Popen([sys.executable, str(script)], cwd=root, env=worker_env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        _wait_for_worker(env["REDIS_URL"])
        base = f"http://127.0.0.1:{port}"
        browser = Browser()
        try:
            pages = measure_pages(browser, base, access_log)
            click = measure_click_to_ready(browser, base, packet_ids, data_dir, runs, trace_file)
        finally:
            browser.close()
        click.update(_server_side(database_url))
        _clear_renders(database_url)
        return {"pages": pages, "click": click}
    finally:
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
        if server is not None:
            stop_server(server)
        redis_process.kill()
        if tracing and (instance / "worker-trace.jsonl").exists():  # kept for a closer look at one job
            shutil.copy(instance / "worker-trace.jsonl", Path(tempfile.gettempdir()) / f"passage-trace-{label}.jsonl")
        shutil.rmtree(instance, ignore_errors=True)


def _clear_renders(database_url: str) -> None:
    """Between versions: the first version's renders are neither counted nor reused by the second."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.begin() as connection:
        # Not counted in the next version's figures, and not reused by its jobs.
        connection.execute(text("UPDATE render SET storage_key = '', status = 'failed' WHERE status = 'done'"))
    engine.dispose()


def _wait_for_worker(redis_url: str) -> None:
    """The worker registers with Redis after warming up (fonts, a sample packet)."""
    import redis
    from rq import Worker

    connection = redis.Redis.from_url(redis_url)
    for _ in range(600):
        if Worker.all(connection=connection):
            return
        time.sleep(0.1)
    raise RuntimeError("worker.py did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--skip-before", action="store_true", help="measure this checkout only")
    parser.add_argument("--trace", action="store_true",
                        help="also time each phase of click to ready (bench/_trace.py) and print their medians")
    parser.add_argument("--seed", nargs=2, metavar=("DATABASE_URL", "DATA_DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:  # seed_with(): the demo data by the code on BENCH_CODE_ROOT; prints the packet ids
        sys.path.insert(0, os.environ["BENCH_CODE_ROOT"])  # again: bench/load.py put this checkout first
        print(" ".join(seed(*args.seed)))
        return
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"The browser benchmark needs Chromium at {CHROMIUM}.")
    database_url, drop = postgres_database()
    if database_url is None:
        raise SystemExit("The browser benchmark needs PostgreSQL at 127.0.0.1:5432 (or TEST_POSTGRES_URL).")
    seeded = Path(tempfile.mkdtemp(prefix="passage-browser-seed-"))
    baseline = None
    try:
        packet_ids = seed(database_url, str(seeded))
        os.environ["BENCH_DATA"] = str(seeded)
        os.environ["BENCH_DATABASE_URL"] = database_url
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (a shared machine: other "
              "work inflates every wall-clock figure below)")
        results = {}
        if not args.skip_before:
            # The baseline on a database and data of its own, seeded by its own code.
            baseline = _baseline.unpack()
            before_url, drop_before = postgres_database()
            before_seeded = Path(tempfile.mkdtemp(prefix="passage-browser-seed-before-"))
            try:
                before_ids = seed_with(baseline, before_url, str(before_seeded))
                results["before"] = run_version("before", baseline, before_url, before_ids, args.runs,
                                                args.trace, before_seeded)
            finally:
                drop_before()
                shutil.rmtree(before_seeded, ignore_errors=True)
        results["after"] = run_version("after", ROOT, database_url, packet_ids, args.runs, args.trace)
    finally:
        drop()
        shutil.rmtree(seeded, ignore_errors=True)
        if baseline is not None:
            shutil.rmtree(baseline, ignore_errors=True)
    click_title = f"click to ready ({args.runs} runs)"
    print(f"\n{'':>8} {'clients page, first visit':>26} {'2nd visit':>10} {click_title:>36}")
    print(f"{'':>8} {'requests':>12} {'KB':>13} {'requests':>10} {'median ms':>10} {'p95 ms':>8} {'min-max ms':>16}")
    for label, figures in results.items():
        pages, click = figures["pages"], figures["click"]
        print(f"{label:>8} {pages['first_requests']:>12} {pages['first_kb']:>13} {pages['repeat_requests']:>10} "
              f"{click['median_ms']:>10} {click['p95_ms']:>8} {str(click['min_ms']) + '-' + str(click['max_ms']):>16}")
        print(f"{'':>8} second visit asked for: {', '.join(pages['repeat_paths'])}")
        print(f"{'':>8} in the worker (render rows, median): waiting {click['queue_ms']} ms, "
              f"working {click['work_ms']} ms; Ready shown {click['lag_ms']} ms after the row was finished "
              f"(median; includes the click's request); last shown: {click['ready_text']}")
    trace.print_phases(results)
    after = results["after"]
    keys = {"click_ready_median_ms": after["click"]["median_ms"], "click_ready_p95_ms": after["click"]["p95_ms"],
            "ready_lag_ms": after["click"]["lag_ms"], "render_work_ms": after["click"]["work_ms"],
            "clients_page_kb": after["pages"]["first_kb"], "clients_page_requests": after["pages"]["first_requests"],
            "repeat_visit_requests": after["pages"]["repeat_requests"]}
    if "before" in results:
        before = results["before"]
        keys.update({"click_ready_median_ms_before": before["click"]["median_ms"],
                     "click_ready_p95_ms_before": before["click"]["p95_ms"],
                     "ready_lag_ms_before": before["click"]["lag_ms"],
                     "render_work_ms_before": before["click"]["work_ms"],
                     "clients_page_kb_before": before["pages"]["first_kb"],
                     "clients_page_requests_before": before["pages"]["first_requests"],
                     "repeat_visit_requests_before": before["pages"]["repeat_requests"]})
    keys["load_avg"] = round(os.getloadavg()[0], 1)
    print(" ".join(f"{key}={value}" for key, value in keys.items()))


if __name__ == "__main__":
    main()
