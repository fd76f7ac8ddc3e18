"""Subset tags (the "ABCDEF+" before an embedded font's name) that tell the joined packet's fonts apart.

WeasyPrint names a subset after the font it was cut from, so every part of a packet calls its own,
different subset of Noto Sans "XXXXXX+Noto-Sans". The PDF standard asks for a distinct tag for each
distinct subset (viewers and printers may take two fonts with one tag for the same one). After joining,
each program is tagged from a digest of its bytes: identical programs get the same tag and are kept
once, different ones different tags.
"""
from __future__ import annotations

import hashlib

import pikepdf
from pikepdf import Name

PROGRAM_KEYS = ("/FontFile2", "/FontFile3", "/FontFile")


def tag_for(program: bytes) -> str:
    digest = hashlib.sha256(program).digest()
    return "".join(chr(65 + letter % 26) for letter in digest[:6])


def _untagged(name: str) -> str:
    name = name.lstrip("/")
    return name[7:] if len(name) > 7 and name[6] == "+" and name[:6].isupper() and name[:6].isalpha() else name


def embedded(font: pikepdf.Dictionary):
    """(the dictionaries naming the font, its descriptor) of an embedded font, or None."""
    named = [font]
    if font.get("/Subtype") == Name.Type0:
        descendant = font.DescendantFonts[0]
        named.append(descendant)
        font = descendant
    descriptor = font.get("/FontDescriptor")
    if descriptor is None or not any(key in descriptor for key in PROGRAM_KEYS):
        return None
    return named, descriptor


def retag(pdf: pikepdf.Pdf) -> None:
    """Give every embedded font program a tag of its own, and keep identical programs once."""
    kept: dict[tuple[str, bytes], pikepdf.Stream] = {}
    for font in [item for item in pdf.objects
                 if isinstance(item, pikepdf.Dictionary) and item.get("/Type") == Name.Font]:
        found = embedded(font)
        if found is None:
            continue
        named, descriptor = found
        key = next(key for key in PROGRAM_KEYS if key in descriptor)
        program = descriptor[key].read_bytes()
        digest = hashlib.sha256(program).digest()
        descriptor[key] = kept.setdefault((key, digest), descriptor[key])
        tag = tag_for(program)
        for dictionary in (*named, descriptor):
            field = "/FontName" if dictionary is descriptor else "/BaseFont"
            if field in dictionary:
                dictionary[field] = Name("/" + tag + "+" + _untagged(str(dictionary[field])))
