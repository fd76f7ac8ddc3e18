"""The RQ worker: `python worker.py` (needs REDIS_URL).

WeasyPrint, the app and the packet fonts are loaded, and one small packet is rendered, BEFORE the
worker starts forking: every job's work horse inherits a warm process instead of paying about half a
second (and the fonts' load) per job, and keeps the forking worker's isolation and hard time limits.
"""
import contextlib
import os
import time

import weasyprint  # noqa: F401 - imported here so forked work horses inherit it
from redis.exceptions import RedisError
from rq import Worker

from portal import create_app, queue
from portal.documents import maintenance, pdf


class PassageWorker(queue.MaintainedWorker, Worker):
    """RQ's forking worker with Passage's maintenance tick at start and every 30 seconds (while idle): renders whose
    worker died are redone or marked failed, renders that waited for Redis are queued."""


def main() -> None:
    app = create_app()
    if queue.is_embedded(app):
        raise SystemExit("Set REDIS_URL to run a separate worker; without it `make run` runs jobs in-process.")
    if not app.config["RENDER_PROCESSES"]:
        # An idle worker lays out a big packet's parts in two processes (documents/parallel.py).
        app.config["RENDER_PROCESSES"] = min(2, os.cpu_count() or 1)
    pdf.warm_up(app)
    # No database connection may cross the fork: each work horse opens its own.
    app.extensions["db_engine"].dispose()

    def tick() -> None:
        maintenance.tick(app)
        app.extensions["db_engine"].dispose()  # again: no connection may cross the next fork

    with app.app_context():
        while True:
            worker = PassageWorker([queue.get_queue(app)], connection=queue.connection(app),
                                   **queue.worker_kwargs(app))
            worker.tick = tick
            with contextlib.suppress(RedisError):  # teardown after losing Redis fails too
                worker.work(with_scheduler=True)
            if worker._stop_requested:  # RQ's flag: a signal asked the worker to stop
                return
            time.sleep(5)  # RQ gave up on an error (Redis went away): listen again once it is back


if __name__ == "__main__":
    main()
