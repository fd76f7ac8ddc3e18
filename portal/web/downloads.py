"""A stored file sent to the browser: a safe file name, never cached, never sniffed, never run."""
from __future__ import annotations

from urllib.parse import quote as url_quote

from flask import Response
from werkzeug.http import dump_options_header


def file_response(data: bytes, content_type: str, filename: str, *, inline: bool) -> Response:
    response = Response(data, mimetype=content_type)
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "document"
    options = {"filename": ascii_name}
    if ascii_name != filename:
        options["filename*"] = "UTF-8''" + url_quote(filename, safe="")
    response.headers["Content-Disposition"] = dump_options_header("inline" if inline else "attachment", options)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
