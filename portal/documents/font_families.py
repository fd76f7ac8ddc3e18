"""Give each part only the font families its text needs.

print.css lists nine Noto families so that any name or answer finds its glyphs. WeasyPrint (Pango) looks
through that list for every run of text, which cost about a sixth of a layout although most parts are
Latin only. For each character of a part this picks the first family of the list that has it (Noto Sans
from its cmap, the others from their @font-face unicode-range in fonts.css), exactly as the full list
would, and the part is laid out with those families alone: the same glyphs, fewer fonts searched.
"""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from weasyprint import CSS

_FACE = re.compile(r"@font-face\s*\{(?P<body>[^}]*)\}", re.S)
_STACK = re.compile(r"html\s*\{[^}]*font-family:\s*(?P<stack>[^;]+);", re.S)
_TAG = re.compile(r"<[^>]*>")
GENERIC = {"sans-serif", "serif", "monospace", "system-ui"}


def _ranges(text: str) -> list[tuple[int, int]]:
    found = []
    for item in text.split(","):
        item = item.strip().upper().removeprefix("U+")
        if "-" in item:
            low, high = item.split("-")
            found.append((int(low, 16), int(high, 16)))
        elif "?" in item:
            found.append((int(item.replace("?", "0"), 16), int(item.replace("?", "F"), 16)))
        elif item:
            found.append((int(item, 16), int(item, 16)))
    return found


class FamilyPicker:
    """Built once per process from static/vendor/fonts/fonts.css and print.css."""

    def __init__(self, static_folder: str, font_config):
        fonts = Path(static_folder) / "vendor" / "fonts"
        print_css = (Path(static_folder) / "css" / "print.css").read_text()
        stack = [name.strip().strip("'\"") for name in _STACK.search(print_css).group("stack").split(",")]
        self.families = [name for name in stack if name not in GENERIC]
        self.generic = [name for name in stack if name in GENERIC]
        self.font_config = font_config
        self.coverage: dict[str, set[int] | list[tuple[int, int]]] = {}
        css = (fonts / "fonts.css").read_text() if (fonts / "fonts.css").exists() else ""
        for face in _FACE.finditer(css):
            body = face.group("body")
            family = re.search(r"font-family:\s*['\"]?([^;'\"]+)", body).group(1).strip()
            ranges = re.search(r"unicode-range:\s*([^;]+);", body)
            if ranges:
                found = self.coverage.setdefault(family, [])
                if isinstance(found, list):
                    found.extend(_ranges(ranges.group(1)))
            elif family not in self.coverage:
                source = re.search(r"url\(([^)]+)\)", body).group(1).strip("'\"")
                self.coverage[family] = _cmap(str(fonts / source))
        # Characters the stylesheets themselves print (generated content) are always covered.
        self.always = frozenset(ord(char) for char in print_css if ord(char) > 0x7F)
        # Each character's first family, found once per process (warm-up fills it before the worker forks):
        # looking it up in every range list for every part was about a tenth of a 12-page render.
        self._first: dict[int, str | None] = {}

    def _has(self, family: str, code: int) -> bool:
        found = self.coverage.get(family)
        if found is None:
            return False
        if isinstance(found, set):
            return code in found
        return any(low <= code <= high for low, high in found)

    def families_for(self, html: str) -> tuple[str, ...]:
        """The families a document's text uses, in the stylesheet's order (always the first one)."""
        codes = {ord(char) for char in _TAG.sub(" ", html) if ord(char) > 0x7F} | self.always
        used = {self.families[0]} | {self._first_family(code) for code in codes}
        return tuple(family for family in self.families if family in used)

    def _first_family(self, code: int) -> str | None:
        """The first family of the stack that has the character (None: none has it)."""
        if code not in self._first:
            self._first[code] = next((family for family in self.families if self._has(family, code)), None)
        return self._first[code]

    def unprintable(self, text: str) -> list[str]:
        """The characters of the text that no family has: the PDF draws each as an empty box. Spaces and
        invisible format characters (joiners, marks of direction) need no glyph."""
        codes = {ord(char) for char in text if ord(char) > 0x7F} - self.always
        return [chr(code) for code in sorted(codes)
                if unicodedata.category(chr(code))[0] not in "ZC" and self._first_family(code) is None]

    def sheet_for(self, html: str) -> CSS | None:
        """A stylesheet naming only those families; None when the part needs them all."""
        chosen = self.families_for(html)
        if len(chosen) == len(self.families):
            return None
        return _sheet(chosen + tuple(self.generic), self.font_config)


@lru_cache(maxsize=64)
def _sheet(stack: tuple[str, ...], font_config) -> CSS:
    names = ", ".join(name if name in GENERIC else f'"{name}"' for name in stack)
    return CSS(string=f"html {{ font-family: {names}; }}", font_config=font_config)


def _cmap(path: str) -> set[int]:
    if not Path(path).exists():
        return set()
    with TTFont(path, lazy=True) as font:
        return set(font.getBestCmap())


def unprintable_in(snapshot: dict, static_folder: str) -> list[str]:
    """The characters of a packet's snapshot that print as empty boxes, in code order (for a warning).
    Its JSON holds every text it has; the keys and punctuation are ASCII, which Noto Sans has."""
    return _coverage(static_folder).unprintable(json.dumps(snapshot, ensure_ascii=False))


@lru_cache(maxsize=4)
def _coverage(static_folder: str) -> FamilyPicker:
    return FamilyPicker(static_folder, font_config=None)  # which family has which character: no stylesheets
