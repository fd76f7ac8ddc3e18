"""Copy browser libraries and PDF fonts installed by npm and pip into static/vendor/ (ignored by git).

Fonts: Noto Sans (Latin, accents, Cyrillic, Greek), Arabic and Devanagari come from the
`fontpkg-noto-*` PyPI packages; Hebrew, Chinese (SC), Korean, Tamil, Ethiopic (Ge'ez), Thai, Gurmukhi,
Bengali, Gujarati, Sinhala, Myanmar, Khmer, Armenian and Georgian from npm's `@fontsource/*`.
The fontsource subsets are decompressed from WOFF2 to TrueType here, once, because doing it
in every worker process costs about ten seconds; the variable pip fonts are cut into fixed regular
and bold instances, because subsetting a variable font costs about 100 ms on every render.
static/vendor/fonts/fonts.css lists them all.
"""
import importlib
import re
import shutil
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
FONTS = VENDOR / "fonts"
FILES = {
    "node_modules/htmx.org/dist/htmx.min.js": "htmx.min.js",
}
# (python package, file in its files/ folder, CSS family name)
PIP_FONTS = [
    ("fontpkg_noto_sans", "NotoSans[wdth,wght].ttf", "Noto Sans"),
    ("fontpkg_noto_sans_arabic", "NotoSansArabic[wdth,wght].ttf", "Noto Sans Arabic"),
    ("fontpkg_noto_sans_devanagari", "NotoSansDevanagari[wdth,wght].ttf", "Noto Sans Devanagari"),
]
# npm packages whose 400-weight subsets are used; Hebrew only needs its Hebrew subset.
NPM_FONTS = [
    ("noto-sans-hebrew", "hebrew"),
    ("noto-sans-sc", None),
    ("noto-sans-kr", None),
    ("noto-sans-tamil", "tamil"),
    ("noto-sans-ethiopic", "ethiopic"),
    ("noto-sans-thai", "thai"),
    # Scripts of names in Canadian newcomer communities that the families above lack: Punjabi, Bengali,
    # Gujarati, Sinhala, Burmese and Karen, Khmer, Armenian, Georgian.
    ("noto-sans-gurmukhi", "gurmukhi"),
    ("noto-sans-bengali", "bengali"),
    ("noto-sans-gujarati", "gujarati"),
    ("noto-sans-sinhala", "sinhala"),
    ("noto-sans-myanmar", "myanmar"),
    ("noto-sans-khmer", "khmer"),
    ("noto-sans-armenian", "armenian"),
    ("noto-sans-georgian", "georgian"),
]
FACE = re.compile(r"@font-face\s*\{(?P<body>[^}]*)\}", re.S)
SRC = re.compile(r"url\(\./files/(?P<name>[^)]+\.woff2)\)")


def _pip_font_file(package: str, filename: str) -> Path:
    module = importlib.import_module(package)
    folder = Path(module.__file__).parent / "files"
    match = folder / filename
    if match.exists():
        return match
    # Version bumps may rename the file; take the upright font of the family.
    candidates = sorted(path for path in folder.glob("*.ttf") if "Italic" not in path.name)
    if not candidates:
        raise SystemExit(f"No font file in {folder}; reinstall {package}.")
    return candidates[0]


def _static_instance(source: Path, target: Path, weight: int) -> None:
    """A fixed-weight copy of a variable font: PDF writers otherwise re-instance it on every render."""
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return
    font = TTFont(source)
    if "fvar" in font:
        axes = {axis.axisTag: axis for axis in font["fvar"].axes}
        location = {"wght": weight} if "wght" in axes else {}
        if "wdth" in axes:
            location["wdth"] = 100
        font = instancer.instantiateVariableFont(font, location, updateFontNames=False)
    font.save(target)


def _npm_faces(package: str, only_subset: str | None) -> list[str]:
    from fontTools.ttLib import woff2

    folder = ROOT / "node_modules" / "@fontsource" / package
    css = (folder / "400.css").read_text()
    faces = []
    for face in FACE.finditer(css):
        body = face.group("body")
        source = SRC.search(body)
        if source is None or (only_subset and f"-{only_subset}-400-normal" not in source.group("name")):
            continue
        target = FONTS / source.group("name").replace(".woff2", ".ttf")
        if not target.exists():
            out = BytesIO()
            with open(folder / "files" / source.group("name"), "rb") as compressed:
                woff2.decompress(compressed, out)
            target.write_bytes(out.getvalue())
        family = re.search(r"font-family:\s*([^;]+);", body).group(1)
        ranges = ranges_it_has(target, re.search(r"unicode-range:\s*([^;]+);", body).group(1))
        if not ranges:
            continue
        faces.append(
            f"@font-face {{ font-family: {family}; font-weight: 400; font-style: normal; "
            f"src: url({target.name}); unicode-range: {ranges}; }}"
        )
    return faces


def ranges_it_has(font_file: Path, declared: str) -> str:
    """The declared unicode-range cut down to the characters the file really has.

    Some fontsource slices declare characters they lack (Noto Sans SC's slice 21 claims Hangul 김), and
    the PDF renderer trusts the range: such a character was drawn as an empty box instead of falling
    through to the next family (Noto Sans KR).
    """
    from fontTools.ttLib import TTFont

    return _range_of(set(TTFont(font_file, lazy=True).getBestCmap()) & _codes(declared))


def _codes(declared: str) -> set[int]:
    """The characters a CSS unicode-range names ("U+0900-097F,U+200C")."""
    codes = set()
    for part in declared.split(","):
        first, _, last = part.strip().upper().removeprefix("U+").partition("-")
        codes.update(range(int(first, 16), int(last or first, 16) + 1))
    return codes


def _range_of(codes: set[int]) -> str:
    """A CSS unicode-range naming these characters, in runs."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return ",".join(f"U+{first:x}" if first == last else f"U+{first:x}-{last:x}" for first, last in runs)


def copy_fonts() -> None:
    FONTS.mkdir(parents=True, exist_ok=True)
    faces = []
    for package, filename, family in PIP_FONTS:
        source = _pip_font_file(package, filename)
        for weight, style in ((400, "Regular"), (700, "Bold")):
            target_name = f"{family.replace(' ', '')}-{style}.ttf"
            _static_instance(source, FONTS / target_name, weight)
            faces.append(f"@font-face {{ font-family: '{family}'; font-weight: {weight}; src: url({target_name}); }}")
    for package, subset in NPM_FONTS:
        faces.extend(_npm_faces(package, subset))
    (FONTS / "fonts.css").write_text("\n".join(faces) + "\n")
    print(f"static/vendor/fonts/ ({len(faces)} font faces)")


# Scripts many devices lack a font for: the web pages load these subsets only when a name needs them.
# Arabic comes first in app.css's stack: a Persian name spelled with a zero-width non-joiner, a character every
# Indic face also claims, is then drawn whole by it, instead of the browser fetching every face whose
# unicode-range has the joiner (20 files, 600 KB, for one name).
WEB_FONTS = ["noto-sans-arabic", "noto-sans-tamil", "noto-sans-ethiopic", "noto-sans-thai", "noto-sans-hebrew",
             "noto-sans-devanagari", "noto-sans-gurmukhi", "noto-sans-bengali", "noto-sans-gujarati",
             "noto-sans-sinhala", "noto-sans-myanmar", "noto-sans-khmer", "noto-sans-armenian", "noto-sans-georgian"]


def _without_hyphens(declared: str) -> str:
    """The range without U+2010 and U+2011 (hyphens), which several faces claim and every device font has: a
    name typed with one made the browser fetch the Arabic, Hebrew and Armenian faces."""
    return _range_of(_codes(declared) - {0x2010, 0x2011})


def copy_web_fonts() -> None:
    """WOFF2 subsets with their unicode-range, for the pages (the PDF uses the TrueType files above)."""
    target = FONTS / "web"
    target.mkdir(parents=True, exist_ok=True)
    faces = []
    for package in WEB_FONTS:
        folder = ROOT / "node_modules" / "@fontsource" / package
        for weight in (400, 700):
            css = (folder / f"{weight}.css").read_text()
            for face in FACE.finditer(css):
                body = face.group("body")
                source = SRC.search(body)
                script = package.removeprefix("noto-sans-")
                if source is None or f"-{script}-{weight}-" not in source.group("name"):
                    continue  # only the script's own subset: Latin and the rest come from the device's font
                shutil.copyfile(folder / "files" / source.group("name"), target / source.group("name"))
                family = re.search(r"font-family:\s*([^;]+);", body).group(1)
                ranges = _without_hyphens(re.search(r"unicode-range:\s*([^;]+);", body).group(1))
                faces.append(f"@font-face {{ font-family: {family}; font-weight: {weight}; font-display: swap; "
                             f"src: url(web/{source.group('name')}) format('woff2'); unicode-range: {ranges}; }}")
    (FONTS / "web.css").write_text("\n".join(faces) + "\n")
    print(f"static/vendor/fonts/web.css ({len(faces)} font faces)")


def main() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for source, target in FILES.items():
        shutil.copyfile(ROOT / source, VENDOR / target)
        print(f"static/vendor/{target}")
    copy_fonts()
    copy_web_fonts()
    # The pages' bundle includes htmx and the web fonts' sheet, so it is rebuilt after them.
    import build_assets

    build_assets.main()


if __name__ == "__main__":
    main()
