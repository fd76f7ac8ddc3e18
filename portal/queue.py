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
        _connections[key] = Redis.from_url(url) if url else fakeredis.FakeRedis(server=_fake_server)
    return _connections[key]


def is_embedded(app: Flask | None = None) -> bool:
    return not (app or current_app).config.get("REDIS_URL")


def get_queue(app: Flask | None = None) -> Queue:
    return Queue(QUEUE_NAME, connection=connection(app))


class _ThreadWorker(SimpleWorker):
    """A worker that can run off the main thread, where signal handlers cannot be installed."""

    def _install_signal_handlers(self) -> None:
        pass


def start_embedded_worker(app: Flask) -> threading.Thread:
    """A worker thread for the embedded queue.

    Signals are unavailable off the main thread, so timers enforce timeouts.
    """

    def run() -> None:
        worker = _ThreadWorker([get_queue(app)], connection=connection(app))
        worker.death_penalty_class = TimerDeathPenalty
        with app.app_context():
            worker.work(with_scheduler=False, logging_level="WARNING")

    thread = threading.Thread(target=run, name="passage-embedded-worker", daemon=True)
    thread.start()
    return thread
