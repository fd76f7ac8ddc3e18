"""What the HTTP benchmarks share: a temporary PostgreSQL database, gunicorn on loopback, sign-in."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(database_url: str, instance: str, port: int, *, workers: int = 3, threads: int = 4,
                 extra_env: dict | None = None, root: Path = ROOT, access_log: str | None = None) -> subprocess.Popen:
    """gunicorn on 127.0.0.1 (the embedded queue unless extra_env names a REDIS_URL); waits until /health answers.
    `root` runs another checkout of the code (bench/_baseline.py); `access_log` names a file for one line a request."""
    env = dict(os.environ, DATABASE_URL=database_url, PASSAGE_INSTANCE_DIR=instance, SECRET_KEY="bench-secret-key",
               PASSAGE_DATA_DIR=str(Path(instance) / "data"))
    env.pop("REDIS_URL", None)
    env.update(extra_env or {})
    command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "10", "--log-level", "warning",
               *(["--access-logfile", access_log] if access_log else []), "portal:create_app()"]
    server = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    import requests

    for _ in range(200):
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("gunicorn did not start: " + server.stderr.read().decode(errors="replace")[-2000:])


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


def signed_in(base: str, email: str, password: str):
    """A keep-alive requests session signed in as `email`."""
    import requests

    http = requests.Session()
    page = http.get(f"{base}/sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = http.post(f"{base}/sign-in", data={"email": email, "password": password, "csrf_token": token},
                         allow_redirects=False)
    assert response.status_code == 303, f"sign-in failed: {response.status_code}"
    return http


def postgres_database():
    """(url, drop) for a fresh temporary database on the local server, or (None, None) when none answers."""
    from sqlalchemy import create_engine, text

    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any failure means there is no usable server
        print(f"PostgreSQL not reachable at 127.0.0.1:5432 ({error.__class__.__name__}); skipping it.")
        return None, None
    name = "passage_bench_" + uuid.uuid4().hex[:10]
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, drop


def databases(*, sqlite: bool = True, postgres: bool = True):
    """(label, url) of a temporary SQLite file, then of a temporary PostgreSQL database when a server
    answers; each is removed once the loop moves past it."""
    if sqlite:
        directory = tempfile.mkdtemp(prefix="passage-bench-db-")
        try:
            yield "sqlite", f"sqlite:///{directory}/bench.db"
        finally:
            shutil.rmtree(directory, ignore_errors=True)
    if postgres:
        url, drop = postgres_database()
        if url:
            try:
                yield "pg", url
            finally:
                drop()
