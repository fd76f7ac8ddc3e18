"""The pages' one stylesheet and one script, built by scripts/build_assets.py into static/dist/.

Their names carry a hash of their content, so browsers may keep them for a year and never ask again:
a new build has new names, and the next page points at those. Each is sent gzip- or brotli-compressed
(compressed once, at build time) when the browser accepts it. Only these files are compressed: pages
carry the CSRF token next to what users typed, and compressing both together would leak the token (BREACH).
"""
from __future__ import annotations

import json
import runpy
import threading
from pathlib import Path

from flask import Flask, abort, current_app, request, send_file, url_for

from portal.web.guards import public

IMMUTABLE = "public, max-age=31536000, immutable"
_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".woff2": "font/woff2"}
_lock = threading.Lock()
_manifests: dict[str, tuple[float, dict]] = {}


def init_app(app: Flask) -> None:
    app.add_url_rule("/assets/<path:filename>", endpoint="assets", view_func=serve)
    app.jinja_env.globals["asset_url"] = asset_url


def _dist(app: Flask) -> Path:
    return Path(app.static_folder) / "dist"


def manifest(app: Flask) -> dict:
    """Logical name → hashed file name. Builds the bundle when it is missing (a checkout that skipped
    `make static`), so pages never point at files that are not there."""
    path = _dist(app) / "manifest.json"
    with _lock:
        if not path.exists():
            app.logger.warning("static/dist is missing; building it now (run scripts/build_assets.py at install)")
            runpy.run_path(str(Path(app.root_path).parent / "scripts" / "build_assets.py"))["build"]()
        stamp = path.stat().st_mtime
        cached = _manifests.get(str(path))
        if cached is None or cached[0] != stamp:
            cached = (stamp, json.loads(path.read_text()))
            _manifests[str(path)] = cached
        return cached[1]


def asset_url(name: str) -> str:
    return url_for("assets", filename=manifest(current_app)[name])


@public
def serve(filename: str):
    folder = _dist(current_app)
    path = (folder / filename).resolve()
    if path.parent != folder.resolve() or path.suffix not in _TYPES or not path.is_file():
        abort(404)
    sent, encoding = path, None
    accepted = request.accept_encodings
    for suffix, name in ((".br", "br"), (".gz", "gzip")):
        candidate = path.with_name(path.name + suffix)
        if accepted[name] and candidate.is_file():
            sent, encoding = candidate, name
            break
    response = send_file(sent, mimetype=_TYPES[path.suffix], conditional=True, etag=True, max_age=31536000)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = IMMUTABLE
    return response
