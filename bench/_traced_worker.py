"""worker.py with timestamps, for `bench/browser.py --trace`: `python bench/_traced_worker.py` (needs
PASSAGE_TRACE_FILE). The same worker (same class, warm-up, fork per job); wrappers note, as JSON lines
{"event", "t" (epoch seconds), "job", "cpu" (seconds)}, when the worker dequeued a job, when the work horse
started, when the job function started, the claim, each progress write, the PDF stored, the row committed
and the job function's end.
The wrappers only note time; they change nothing the job does."""
import functools
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))  # the checkout being measured (its worker.py and portal)

from rq import get_current_job  # noqa: E402
from rq.worker import Worker  # noqa: E402

import worker  # noqa: E402
from portal.documents import jobs, storage  # noqa: E402

_FILE = os.environ["PASSAGE_TRACE_FILE"]


def note(event: str, job_id: str | None = None) -> None:
    if job_id is None:
        job = get_current_job()
        job_id = job.id if job is not None else ""
    # CPU seconds used so far by this process and its ended children (the layout helpers): on a shared machine
    # the wall-clock phases grow with others' load, this does not.
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    line = json.dumps({"event": event, "t": time.time(), "job": job_id, "cpu": cpu}) + "\n"
    fd = os.open(_FILE, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
    finally:
        os.close(fd)


def _wrap_method(cls, name: str, event: str) -> None:
    original = getattr(cls, name)

    @functools.wraps(original)
    def wrapper(self, job, *args, **kwargs):
        note(event, job.id)
        return original(self, job, *args, **kwargs)

    setattr(cls, name, wrapper)


def _wrap_function(module, name: str, before: str, after: str | None = None) -> None:
    original = getattr(module, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        note(before)
        try:
            return original(*args, **kwargs)
        finally:
            if after:
                note(after)

    setattr(module, name, wrapper)


_wrap_method(Worker, "execute_job", "dequeued")
_wrap_method(Worker, "main_work_horse", "horse_started")
_wrap_function(jobs, "render_packet", "job_started", "job_returned")
_wrap_function(jobs, "_claim", "claim", "claimed")
_wrap_function(jobs, "_reuse_twin", "twin_check")
_wrap_function(storage, "save", "store", "stored")
_original_report, _original_update = jobs._report, jobs._update


def _update(app, render_id, **fields):
    result = _original_update(app, render_id, **fields)
    if fields.get("status") == "done":
        note("done_committed")
    return result


jobs._update = _update


def _report(app, render_id, stage, percent):
    note(f"progress_{percent}")
    try:
        return _original_report(app, render_id, stage, percent)
    finally:
        note(f"reported_{percent}")


jobs._report = _report

if __name__ == "__main__":
    worker.main()
