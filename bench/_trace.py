"""Where click-to-ready's time goes (`bench/browser.py --trace`): one click's timestamps from three places on one
clock (the page's htmx requests, the render row, the traced worker's notes, bench/_traced_worker.py), cut into
phases along the path the PDF takes and the path the page takes; each phase's median over the runs."""
import json
import statistics
from pathlib import Path

# (name, from, to): the render's path, then the page's.
PHASES = [
    ("click -> POST sent", "clicked", "post_sent"),
    ("POST sent -> render row made", "post_sent", "created_at"),
    ("row made -> job in Redis", "created_at", "enqueued_at"),
    ("job in Redis -> worker dequeued", "enqueued_at", "dequeued"),
    ("dequeued -> work horse runs (fork)", "dequeued", "horse_started"),
    ("horse -> job function (RQ prep)", "horse_started", "job_started"),
    ("job function -> render claimed", "job_started", "claimed"),
    ("claimed -> PDF stored (render)", "claimed", "stored"),
    ("stored -> done committed", "stored", "done_committed"),
    ("done committed -> next poll sent", "done_committed", "ready_poll_sent"),
    ("poll sent -> answered", "ready_poll_sent", "ready_poll_answered"),
    ("answered -> Ready seen", "ready_poll_answered", "ready"),
    ("(page) click -> POST answered", "clicked", "post_answered"),
    ("(page) POST answered -> 1st poll sent", "post_answered", "first_poll_sent"),
    ("TOTAL click -> Ready", "clicked", "ready"),
]


def read_worker_notes(path: Path) -> dict[str, dict[str, float]]:
    """job id -> {event: epoch ms} (the first note of each event)."""
    notes: dict[str, dict[str, float]] = {}
    if not path.exists():
        return notes
    for line in path.read_text().splitlines():
        note = json.loads(line)
        notes.setdefault(note["job"], {}).setdefault(note["event"], note["t"] * 1000)
        notes[note["job"]].setdefault(f"cpu:{note['event']}", note.get("cpu", 0) * 1000)
    return notes


def _moments(run: dict, notes: dict[str, dict[str, float]]) -> dict[str, float]:
    moments = {key: run[key] for key in ("clicked", "ready", "created_at", "enqueued_at", "started_at", "finished_at")}
    moments.update(notes.get(run["job"], {}))
    posts = [r for r in run["requests"] if r["verb"] == "post"]
    polls = [r for r in run["requests"] if r["verb"] == "get" and r["answered"] <= run["ready"]]
    if posts:
        moments.update(post_sent=posts[0]["sent"], post_answered=posts[0]["answered"])
    if polls:
        moments.update(first_poll_sent=polls[0]["sent"], ready_poll_sent=polls[-1]["sent"],
                       ready_poll_answered=polls[-1]["answered"])
    moments["polls"] = len(polls)
    return moments


def phases(runs: list[dict], notes: dict[str, dict[str, float]]) -> list[tuple[str, float | None]]:
    """[(phase, median ms)], and ("polls per click", median)."""
    moments = [_moments(run, notes) for run in runs]
    table = []
    for name, start, end in PHASES:
        values = [m[end] - m[start] for m in moments if start in m and end in m]
        table.append((name, round(statistics.median(values)) if values else None))
    cpu = [m["cpu:job_returned"] - m["cpu:claimed"] for m in moments if "cpu:job_returned" in m and "cpu:claimed" in m]
    table.append(("CPU ms of the render (horse + helpers)", round(statistics.median(cpu)) if cpu else None))
    table.append(("polls per click", statistics.median(m["polls"] for m in moments) if moments else None))
    return table


def print_phases(results: dict) -> None:
    labels = [label for label, figures in results.items() if "phases" in figures["click"]]
    if not labels:
        return
    print(f"\n{'phase (median ms)':<40}" + "".join(f"{label:>10}" for label in labels))
    rows = {label: dict(results[label]["click"]["phases"]) for label in labels}
    for name, _value in results[labels[0]]["click"]["phases"]:
        cells = "".join(f"{'-' if rows[label].get(name) is None else rows[label][name]:>10}" for label in labels)
        print(f"{name:<40}{cells}")
