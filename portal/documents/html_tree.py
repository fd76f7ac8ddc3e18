"""The packet's HTML handed to WeasyPrint as a tree parsed by expat, Python's C XML parser.

WeasyPrint parses HTML with tinyhtml5, written in Python: about 8% of the CPU a packet part costs.
The print templates write well-formed XML (every element closed, void ones as `<br/>`, and the only
entities are those Jinja's escaping writes), so expat builds the same tree about thirty times faster.
Whatever expat would read differently goes through WeasyPrint's own parser as before: a raw "&" in a
translation, a character XML forbids, or a line break inside an attribute (XML makes it a space).
tests/documents/test_html_tree.py checks that both give the same tree for every part of the demo packets,
and the same pages.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import cssselect2
from weasyprint import HTML

_DOCTYPE = re.compile(r"\A\s*<!doctype html>", re.IGNORECASE)  # HTML's spelling; XML would want DOCTYPE
# Jinja escapes every " in a value, so =" opens an attribute only in the template's own markup.
_BREAK_IN_ATTRIBUTE = re.compile(r'="[^"]*[\t\n\r]')


class _ParsedHTML(HTML):
    """weasyprint.HTML for a tree already parsed: what its __init__ sets once tinyhtml5 has run."""

    def __init__(self, root: ElementTree.Element, *, base_url: str, url_fetcher):
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element


def parse(html: str) -> ElementTree.Element | None:
    """The document's tree, or None when expat would not read it as an HTML parser does."""
    if _BREAK_IN_ATTRIBUTE.search(html):
        return None
    try:
        return ElementTree.fromstring(_DOCTYPE.sub("", html, count=1))
    except ElementTree.ParseError:
        return None


def document(html: str, *, base_url: str, url_fetcher) -> HTML:
    """The HTML document for WeasyPrint, from expat's tree when it can read it."""
    root = parse(html)
    if root is None:
        return HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
    return _ParsedHTML(root, base_url=base_url, url_fetcher=url_fetcher)
