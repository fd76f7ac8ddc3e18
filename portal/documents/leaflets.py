"""Short printable documents (a library guide, a notice) as PDF, through the packet's own fonts and rules.

They use the same font configuration, print stylesheet and static-only fetcher as packets, so a
leaflet can fetch nothing outside the app's static files and draws every script the packets draw.
"""
from __future__ import annotations

from flask import Flask
from weasyprint import HTML

from portal.documents.fetcher import STATIC_BASE, StaticOnlyFetcher
from portal.documents.pdf import _shared_resources

MAX_LEAFLET_PAGES = 60


def render_leaflet(html: str, *, app: Flask) -> bytes:
    """One self-contained HTML document (every value already escaped) as PDF bytes."""
    resources = _shared_resources(app)
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher(app.static_folder)).render(
        stylesheets=resources.sheets, font_config=resources.fonts)
    if len(document.pages) > MAX_LEAFLET_PAGES:
        raise ValueError(f"a leaflet of {len(document.pages)} pages is too long to print")
    return document.write_pdf()
