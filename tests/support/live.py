"""A real server for concurrency tests: the app on a free port, and requests released together.

Parallel requests go through a threaded werkzeug server, a real socket and a real database connection
each, as they do in production; the Flask test client would run them one after another.
"""
import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pyotp
import requests
from werkzeug.serving import WSGIRequestHandler, make_server

from portal.demo import demo_totp_secret
from tests.support.app import codes_for, secret_of

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # hundreds of parallel requests: keep the test output readable
        pass


@contextmanager
def serving(app):
    """The base URL of `app` served by a threaded werkzeug server on a free port."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True, request_handler=_QuietHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def browser(base: str, path: str) -> tuple[requests.Session, str]:
    """A new browser (cookie jar) that opened `path`, and the CSRF token of that page."""
    http = requests.Session()
    page = http.get(base + path, timeout=30)
    match = _TOKEN.search(page.text)
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return http, match.group(1)


def signed_in(base: str, email: str, password: str) -> requests.Session:
    http, token = browser(base, "/sign-in")
    response = http.post(base + "/sign-in", data={"email": email, "password": password, "csrf_token": token},
                         allow_redirects=False, timeout=30)
    location = response.headers.get("Location", "")
    if response.status_code == 303 and location.startswith("/sign-in/code"):  # staff with an authenticator
        for code in codes_for(secret_of(email)):
            response = http.post(base + location, data={"code": code, "csrf_token": token}, allow_redirects=False,
                                 timeout=30)
            if response.status_code == 303:
                break
    assert response.status_code == 303, f"sign-in failed: {response.status_code}"
    return http


def token_of(http: requests.Session, url: str) -> str:
    match = _TOKEN.search(http.get(url, timeout=30).text)
    assert match, f"no CSRF token on {url}"
    return match.group(1)


def at_once(count: int, prepare, fire) -> list:
    """Prepare `count` requests one by one (`prepare(i)` returns what `fire` needs), then fire them all at
    the same moment from `count` threads; returns what each `fire(prepared)` returned, in order."""
    prepared = [prepare(index) for index in range(count)]
    barrier = threading.Barrier(count)

    def run(item):
        barrier.wait(timeout=60)
        return fire(item)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, prepared))


def sign_in_page(page, base: str, email: str, password: str = "passage-demo-2026") -> None:
    """Sign in as a demo account; managers and admins also enter the code of their published demo key."""
    page.goto(base + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url or "/sign-in/code" in url)
    if "/sign-in/code" in page.url:
        page.fill("#code", pyotp.TOTP(demo_totp_secret(email)).now())
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/sign-in" not in url)
