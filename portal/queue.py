"""The job queue: RQ on Redis when REDIS_URL is set, otherwise an in-process fake Redis.

The embedded mode lets `make run` and the tests work on a bare machine: the web app and a worker
thread share one fakeredis server inside the same process.
"""
import threading

import fakeredis
from flask import Flask, current_app
from redis import Redis
from rq import Queue, SimpleWorker
from rq.timeouts import TimerDeathPenalty

QUEUE_NAME = "passage"
_fake_server = fakeredis.FakeServer()
_connections: dict[str, Redis] = {}


def connection(app: Flask | None = None) -> Redis:
    app = app or current_app
    url = app.config.get("REDIS_URL")
    key = url or "embedded"
    if key not in _connections:
        # A short connect timeout: with Redis down, "Generate packet" answers at once instead of hanging.
        _connections[key] = (Redis.from_url(url, socket_connect_timeout=3) if url
                             else fakeredis.FakeRedis(server=_fake_server))
    return _connections[key]


def is_embedded(app: Flask | None = None) -> bool:
    return not (app or current_app).config.get("REDIS_URL")


def get_queue(app: Flask | None = None) -> Queue:
    return Queue(QUEUE_NAME, connection=connection(app))


def worker_kwargs(app: Flask) -> dict:
    """How often a worker wakes when idle to run its maintenance (RQ's maintenance interval and dequeue timeout)."""
    seconds = max(2, int(app.config.get("MAINTENANCE_SECONDS", 30)))
    return {"worker_ttl": seconds + 15, "maintenance_interval": seconds - 1}


class MaintainedWorker:
    """Mixed into an RQ worker: runs `tick()` (Passage's maintenance) with RQ's own, at start and each interval."""

    tick = None

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        if self.tick is not None:
            self.tick()


class _ThreadWorker(MaintainedWorker, SimpleWorker):
    """A worker that can run off the main thread, where signal handlers cannot be installed."""

    def _install_signal_handlers(self) -> None:
        pass


def start_embedded_worker(app: Flask, *, tick=None) -> threading.Thread:
    """A worker thread for the embedded queue, running `tick` at start and every MAINTENANCE_SECONDS.

    Signals are unavailable off the main thread, so timers enforce timeouts.
    """

    def run() -> None:
        worker = _ThreadWorker([get_queue(app)], connection=connection(app), **worker_kwargs(app))
        worker.tick = tick
        worker.death_penalty_class = TimerDeathPenalty
        with app.app_context():
            worker.work(with_scheduler=False, logging_level="WARNING")

    thread = threading.Thread(target=run, name="passage-embedded-worker", daemon=True)
    thread.start()
    return thread
