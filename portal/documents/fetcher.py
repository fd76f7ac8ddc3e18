"""WeasyPrint's URL fetcher for packet PDFs: the app's own static files, and nothing else.

Documents are rendered with base_url STATIC_BASE, a made-up origin that never reaches the network:
the fetcher maps it onto the static/ folder. Evidence images of the render being made are handed
over in memory under EVIDENCE_BASE. Every other URL (file://, http(s)://, data:, anything that
escapes static/) is refused and noted, and nothing is ever redirected.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import URLFetcher
from weasyprint.urls import URLFetcherResponse

STATIC_BASE = "https://passage.invalid/static/"
EVIDENCE_BASE = "https://passage.invalid/evidence/"


class RefusedURL(ValueError):
    """A URL the packet renderer will not fetch."""


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, static_folder: str | Path, evidence: dict[str, tuple[bytes, str]] | None = None):
        super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=False)
        self.static_folder = Path(static_folder).resolve()
        self.evidence = evidence or {}
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        try:
            return self._serve(str(url))
        except RefusedURL:
            self.refused.append(str(url)[:200])
            raise

    def _serve(self, url: str) -> URLFetcherResponse:
        if url.startswith(EVIDENCE_BASE):
            token = url.removeprefix(EVIDENCE_BASE)
            if token not in self.evidence:
                raise RefusedURL("Unknown evidence file.")
            data, content_type = self.evidence[token]
            return URLFetcherResponse(url, data, {"Content-Type": content_type})
        if not url.startswith(STATIC_BASE):
            raise RefusedURL("Only the app's own static files may be used in a packet.")
        parts = urlsplit(url)
        if parts.query or parts.fragment:
            raise RefusedURL("Static file URLs take no query.")
        relative = unquote(url.removeprefix(STATIC_BASE))
        path = (self.static_folder / relative).resolve()
        if not path.is_relative_to(self.static_folder) or not path.is_file():
            raise RefusedURL("No such static file.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if content_type in ("text/html", "application/xhtml+xml"):
            raise RefusedURL("HTML files are not used in packets.")
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
