"""Fault tests' own servers: a redis-server on a free port (never the shared one), worker.py and gunicorn
processes that a test can kill and start again."""
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support.app import service_missing
from tests.support.live import free_port

ROOT = Path(__file__).resolve().parents[2]


class RedisServer:
    """redis-server on its own port, without persistence: stop() and start() again on the same port."""

    def __init__(self):
        if shutil.which("redis-server") is None:
            service_missing("redis-server (to start a Redis of the test's own)", FileNotFoundError("redis-server"))
        self.port = free_port()
        self.process = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--loglevel", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        deadline = time.time() + 10
        while True:
            try:
                redis.Redis(port=self.port, socket_connect_timeout=1).ping()
                return
            except redis.exceptions.ConnectionError:
                assert time.time() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def own_redis():
    server = RedisServer()
    yield server
    server.stop()


def app_environment(app, tmp_path, **extra) -> dict:
    """The environment that makes a worker.py or gunicorn process use the test app's database and files."""
    config = app.config
    env = {**os.environ, "DATABASE_URL": config["DATABASE_URL"], "PASSAGE_DATA_DIR": config["DATA_DIR"],
           "PASSAGE_INSTANCE_DIR": str(tmp_path / "instance"), "PASSAGE_ENCRYPTION_KEY": config["ENCRYPTION_KEY"],
           "SECRET_KEY": config["SECRET_KEY"], "PASSAGE_MAIL_OUTBOX": config["MAIL_OUTBOX_DIR"],
           "PASSAGE_AUDIT_KEY": config["AUDIT_KEY"]}
    if config.get("REDIS_URL"):
        env["REDIS_URL"] = config["REDIS_URL"]
    env.update({name: str(value) for name, value in extra.items()})
    return env


def start_worker(app, tmp_path, **extra) -> subprocess.Popen:
    """worker.py; what it logs goes to worker-<pid>.log in the test's folder (read it when a test fails)."""
    log = open(tmp_path / f"worker-{time.time_ns()}.log", "wb")  # noqa: SIM115 - the process writes it
    return subprocess.Popen([sys.executable, str(ROOT / "worker.py")], cwd=ROOT,
                            env=app_environment(app, tmp_path, **extra), stdout=log, stderr=log,
                            start_new_session=True)


def start_gunicorn(app, tmp_path, port: int, *, workers: int = 2) -> subprocess.Popen:
    """gunicorn as the README deploys it (single-threaded workers), on `port`; waits until /health answers."""
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--log-level", "warning", "portal:create_app()"],
        cwd=ROOT, env=app_environment(app, tmp_path), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    deadline = time.time() + 60
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            pass
        assert server.poll() is None, "gunicorn exited"
        assert time.time() < deadline, "gunicorn did not start"
        time.sleep(0.1)


def _descendants(pid: int) -> list[int]:
    """Every process started by `pid`, at any depth (RQ's work horse leaves its parent's process group)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, stack = [], [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def kill(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    """The process and everything it started (a worker and its work horse, gunicorn and its workers)."""
    if process.poll() is None:
        for pid in [process.pid, *_descendants(process.pid)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        process.wait(20)


def wait_for(condition, *, seconds: float, every: float = 0.2, what: str = "the condition"):
    deadline = time.time() + seconds
    while True:
        value = condition()
        if value:
            return value
        assert time.time() < deadline, f"waited {seconds} s for {what}"
        time.sleep(every)
