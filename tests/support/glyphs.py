"""What a PDF draws, glyph by glyph: for checking that every glyph is the one its font maps the text to.

For every text-showing operator on every page (and in the form XObjects pages draw, such as the running
header), each glyph is checked against the font program it references: the character the text layer
(ToUnicode) says it is must be one the program's own cmap maps to that glyph (or a ligature or piece of
it). A glyph drawn otherwise (a contextual form: Arabic, Devanagari) must be one the original font file's
substitutions make from that text; the file is found by its cmap, as WeasyPrint keeps glyph ids when it
cuts a subset. Drawing .notdef for a character counts as wrong too.
"""
from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

import pikepdf
from fontTools import subset
from fontTools.ttLib import TTFont
from pikepdf import Name

PROGRAM_KEYS = ("/FontFile2", "/FontFile3", "/FontFile")
TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
FONTS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "fonts"


@dataclass
class Problem:
    page: int
    font: str
    glyph: int
    text: str
    drawn_as: str

    def __str__(self) -> str:
        return (f"page {self.page}: {self.font} glyph {self.glyph} stands for {self.text!r} in the text layer "
                f"but the font draws {self.drawn_as}")


def _hex_pairs(stream: bytes, begin: bytes, end: bytes):
    for block in re.findall(re.escape(begin) + rb"(.*?)" + re.escape(end), stream, re.S):
        yield re.findall(rb"<([0-9a-fA-F]+)>\s*(?:<([0-9a-fA-F]*)>|(\d+))?", block)


def _read_to_unicode(stream: bytes) -> dict[int, str]:
    found = {}
    for block in _hex_pairs(stream, b"beginbfchar", b"endbfchar"):
        for code, text, _ in block:
            found[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", stream, re.S):
        for first, last, start in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            base = bytes.fromhex(start.decode()).decode("utf-16-be")
            for offset, code in enumerate(range(int(first, 16), int(last, 16) + 1)):
                found[code] = base[:-1] + chr(ord(base[-1]) + offset)
    return found


@dataclass
class FontInfo:
    dictionary: pikepdf.Dictionary
    name: str = ""
    two_byte: bool = True
    to_unicode: dict[int, str] = field(default_factory=dict)
    code_to_cid: dict[int, int] | None = None  # None: Identity
    program: bytes = b""

    @classmethod
    def read(cls, font: pikepdf.Dictionary) -> FontInfo:
        info = cls(font, name=str(font.get("/BaseFont", "")))
        if "/ToUnicode" in font:
            info.to_unicode = _read_to_unicode(font.ToUnicode.read_bytes())
        if font.get("/Subtype") == Name.Type0:
            descendant = font.DescendantFonts[0]
            descriptor = descendant.get("/FontDescriptor")
            encoding = font.get("/Encoding")
            if isinstance(encoding, pikepdf.Stream):
                info.code_to_cid = {}
                for block in _hex_pairs(encoding.read_bytes(), b"begincidchar", b"endcidchar"):
                    for code, _, cid in block:
                        info.code_to_cid[int(code, 16)] = int(cid)
            if descendant.get("/CIDToGIDMap", Name.Identity) != Name.Identity:
                return info  # not a font WeasyPrint writes (an evidence file's): left unchecked, like one not embedded
        else:
            info.two_byte = False
            descriptor = font.get("/FontDescriptor")
        if descriptor is not None:
            for key in PROGRAM_KEYS:
                if key in descriptor:
                    info.program = descriptor[key].read_bytes()
        return info

    @cached_property
    def ttfont(self) -> TTFont:
        return TTFont(io.BytesIO(self.program))

    @cached_property
    def nominal(self) -> dict[int, set[str]]:
        """glyph id -> the characters the program's cmap maps to it"""
        found: dict[int, set[str]] = {}
        for code, glyph_name in (self.ttfont.getBestCmap() or {}).items():
            found.setdefault(self.ttfont.getGlyphID(glyph_name), set()).add(chr(code))
        return found

    def has_outline(self, glyph: int) -> bool:
        font = self.ttfont
        if glyph >= font["maxp"].numGlyphs:
            return False
        if "glyf" in font:
            shape = font["glyf"][font.getGlyphName(glyph)]
            return shape.numberOfContours != 0
        return True  # CFF: not cut down by glyph here; the cmap check above is what counts

    def codes(self, data: bytes) -> list[int]:
        if not self.two_byte:
            return list(data)
        return [int.from_bytes(data[index:index + 2], "big") for index in range(0, len(data) - 1, 2)]

    def check(self, code: int) -> tuple[str, str] | None:
        """(text, what is drawn instead) when the glyph for `code` is not the text's; None when it is."""
        text = self.to_unicode.get(code, "")
        if not self.program:
            return None  # a font not embedded (in an evidence file): nothing of ours to check
        if not self.two_byte:  # a simple TrueType font with WinAnsi encoding (the page numbers)
            char = bytes([code]).decode("cp1252")
            cmap = self.ttfont.getBestCmap()
            return None if ord(char) in cmap else (char, "nothing: the character is not in the font")
        glyph = code if self.code_to_cid is None else self.code_to_cid.get(code, code)
        if not text.strip():
            return None  # spaces and glyphs that claim no text (the rest of a cluster)
        if glyph == 0:
            return text, ".notdef (an empty box)"
        nominal = self.nominal.get(glyph, set())
        if nominal & _forms(text) or any(_forms(char) & _forms(text) - {" "} for char in nominal):
            return None  # the character's own glyph, a ligature of it, or a piece of its decomposition
        if not self.has_outline(glyph):
            return text, "an empty glyph"
        if glyph in _shaped_glyphs(self.source, text):
            return None  # a form the font's own substitutions make from this text (Persian ی as ى)
        if not nominal and glyph in _shaped_glyphs(self.source, self.all_text):
            return None  # a ligature standing for more than the text given to it (Tamil டி: ட + ி)
        return text, "".join(sorted(nominal)) or "a glyph the font does not make from that text"

    @cached_property
    def all_text(self) -> str:
        """Every character this font is said to draw: a ligature's glyph may stand for only part of it."""
        return "".join(sorted(set("".join(self.to_unicode.values()))))

    @cached_property
    def source(self) -> str | None:
        """The font file this program was cut from (glyph ids kept): the one whose cmap agrees with it."""
        program_cmap = self.ttfont.getBestCmap() or {}
        wanted = {code: self.ttfont.getGlyphID(name) for code, name in program_cmap.items()}
        for path in _candidate_files(_family_key(self.name)):
            font = _source_font(path)
            cmap = font.getBestCmap()
            if wanted and all(code in cmap and font.getGlyphID(cmap[code]) == glyph for code, glyph in wanted.items()):
                return path
        return None


def _forms(text: str) -> set[str]:
    """The characters of a text, with those of its canonical and compatibility decompositions."""
    return set(text) | set(unicodedata.normalize("NFD", text)) | set(unicodedata.normalize("NFKD", text))


def _family_key(name: str) -> str:
    family = name.lstrip("/").split("+")[-1]
    return re.sub(r"(bold|regular|[^a-z])", "", family.lower())


@cache
def _candidate_files(family: str) -> tuple[str, ...]:
    found = []
    for path in sorted(FONTS.glob("*.ttf")):
        names = TTFont(path, lazy=True)["name"]
        if re.sub(r"(bold|regular|[^a-z])", "", str(names.getDebugName(1)).lower()) == family:
            found.append(str(path))
    return tuple(found)


@cache
def _source_font(path: str) -> TTFont:
    return TTFont(path)


@cache
def _shaped_glyphs(path: str | None, text: str) -> frozenset[int]:
    """Every glyph the font's substitutions can make from the text's characters (fontTools' closure)."""
    if path is None:
        return frozenset()
    font = TTFont(path)
    subsetter = subset.Subsetter(subset.Options(layout_features=["*"]))
    subsetter.populate(unicodes=[ord(char) for char in _forms(text)])
    subsetter._closure_glyphs(font)
    return frozenset(font.getGlyphID(name) for name in subsetter.glyphs_retained)


def _strings(operator: str, operands) -> list[bytes]:
    if operator == "TJ":
        return [bytes(item) for item in operands[0] if isinstance(item, pikepdf.String)]
    return [bytes(operands[-1])]


def _text_state(operator, operands, current, stack, resources, font_info):
    """The font in use after a state operator (q and Q save and restore it, Tf sets it)."""
    if operator == "q":
        stack.append(current)
    elif operator == "Q" and stack:
        return stack.pop()
    elif operator == "Tf":
        return font_info(resources.Font[operands[0]])
    return current


def walk_text(pdf: pikepdf.Pdf):
    """Yield (page number, FontInfo, code) for every glyph every text operator shows."""
    fonts: dict[tuple, FontInfo] = {}

    def font_info(font) -> FontInfo:
        key = font.objgen if font.is_indirect else (id(font),)
        if key not in fonts:
            fonts[key] = FontInfo.read(font)
        return fonts[key]

    def walk(number, content, resources, seen):
        current, stack = None, []
        for operands, operator in pikepdf.parse_content_stream(content):
            operator = str(operator)
            if operator in TEXT_OPERATORS:
                for data in _strings(operator, operands):
                    for code in current.codes(data):
                        yield number, current, code
            elif operator == "Do":
                xobject = resources.get("/XObject", {}).get(operands[0])
                if xobject is not None and xobject.get("/Subtype") == Name.Form and xobject.objgen not in seen:
                    yield from walk(number, xobject, xobject.get("/Resources", resources), seen | {xobject.objgen})
            else:
                current = _text_state(operator, operands, current, stack, resources, font_info)

    for number, page in enumerate(pdf.pages, start=1):
        yield from walk(number, page, page.obj.get("/Resources", pikepdf.Dictionary()), frozenset())


def glyph_problems(data: bytes) -> list[Problem]:
    problems = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        seen = set()
        for number, font, code in walk_text(pdf):
            if (id(font), code) in seen:
                continue
            seen.add((id(font), code))
            wrong = font.check(code)
            if wrong:
                problems.append(Problem(number, font.name, code, *wrong))
    return problems


def programs_by_tag(data: bytes) -> dict[str, set[str]]:
    """subset tag -> digests of the distinct font programs embedded under it"""
    found: dict[str, set[str]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for item in pdf.objects:
            if not isinstance(item, pikepdf.Dictionary) or item.get("/Type") != Name.FontDescriptor:
                continue
            program = next((item[key] for key in PROGRAM_KEYS if key in item), None)
            name = str(item.get("/FontName", "")).lstrip("/")
            if program is None or "+" not in name:
                continue
            found.setdefault(name.split("+")[0], set()).add(hashlib.sha256(program.read_bytes()).hexdigest())
    return found
