"""Letters (privacy notifications, correction decisions) as PDF: one small HTML document through the same
WeasyPrint setup as packets (the app's own fonts and print stylesheet, a fetcher serving only static files).
Laid out in the request: a letter is a page or two, not a packet."""
from flask import Flask
from weasyprint import HTML

from portal.documents.fetcher import STATIC_BASE, StaticOnlyFetcher
from portal.documents.pdf import _shared_resources


def letters_pdf(app: Flask, html: str) -> bytes:
    resources = _shared_resources(app)
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=StaticOnlyFetcher(app.static_folder))
    return document.write_pdf(stylesheets=resources.sheets, font_config=resources.fonts, attachments=[])
