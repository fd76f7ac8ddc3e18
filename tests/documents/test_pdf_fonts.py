"""The PDF's font list: each face claims only the characters its file has.

The PDF renderer trusts a face's unicode-range: a character the range claims but the file lacks is
drawn as an empty box instead of falling through to the next family (Noto Sans SC's slice 21 claimed
Korean 김 and Thai, ahead of Noto Sans KR and Noto Sans Thai).
"""
import re
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parents[2] / "static" / "vendor" / "fonts"
FACE = re.compile(r"src: url\((?P<file>[^)]+)\); unicode-range: (?P<ranges>[^;]+);")


def _codes(ranges: str) -> set[int]:
    codes = set()
    for part in ranges.split(","):
        first, _, last = part.strip().removeprefix("U+").partition("-")
        codes.update(range(int(first, 16), int(last or first, 16) + 1))
    return codes


def test_every_face_claims_only_characters_its_file_has():
    faces = list(FACE.finditer((FONTS / "fonts.css").read_text()))
    assert faces, "fonts.css lists the fontsource faces with their ranges"
    claims = {}
    for face in faces:
        lacking = _codes(face["ranges"]) - set(TTFont(FONTS / face["file"], lazy=True).getBestCmap())
        if lacking:
            claims[face["file"]] = len(lacking)
    assert not claims, f"faces claim characters they lack (run scripts/copy_static_vendor.py): {claims}"
