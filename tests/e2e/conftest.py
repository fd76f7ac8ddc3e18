"""What the browser tests share: Debian's Chromium (required in CI), and a live server on the demo data."""
import os
import socket
import threading

import pytest
from sqlmodel import SQLModel

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() == "true"


def _need_chromium():
    reason = None
    if not os.path.exists(CHROMIUM):
        reason = f"Chromium is not installed at {CHROMIUM}"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as error:
            reason = f"Playwright is not installed ({error})"
    if reason:
        if IN_CI:
            pytest.fail(f"{reason}; CI=true requires it.")
        pytest.skip(f"{reason}; the browser test runs in CI or where Chromium is installed.")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live_portal(tmp_path_factory):
    """(base URL, app) of the portal on a free port of this machine, with its own SQLite file and the
    demo data (one per test module)."""
    _need_chromium()
    from werkzeug.serving import make_server

    from portal import create_app
    from portal.db import session_scope
    from portal.demo import seed

    folder = tmp_path_factory.mktemp("e2e")
    app = create_app({
        "TESTING": False, "SECRET_KEY": "e2e-" + os.urandom(8).hex(), "DATABASE_URL": f"sqlite:///{folder / 'e2e.db'}",
        "DATA_DIR": str(folder / "data"), "MAIL_OUTBOX_DIR": str(folder / "outbox"), "REDIS_URL": None,
    })
    SQLModel.metadata.create_all(app.extensions["db_engine"])
    with app.app_context(), session_scope(app) as session:
        seed(session)
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}", app
    server.shutdown()
    thread.join(timeout=5)
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def live_server(live_portal):
    return live_portal[0]


@pytest.fixture
def browser(live_server):
    """Debian's Chromium, driven by Playwright (`playwright install` cannot download browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield chromium
        chromium.close()

