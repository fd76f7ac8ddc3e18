"""Bundle the pages' stylesheets and scripts into one CSS and one JS file with content-hashed names.

Run at install (`make static`, after copy_static_vendor.py) and whenever static/css or static/js changes:
    python scripts/build_assets.py
Writes static/dist/ (ignored by git): app.<hash>.css, app.<hash>.js, the web fonts as <name>.<hash>.woff2,
a gzip and a brotli copy of every text file (the server sends the smallest the browser accepts), and
manifest.json mapping each logical name ("app.css") to its hashed file. A hashed name changes whenever the
content does, so the server can tell browsers to keep every file for a year without asking again.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "static"
DIST = STATIC / "dist"

# The order the pages loaded them in before bundling: later sheets may override earlier ones.
CSS = ["vendor/fonts/web.css", "css/app.css", "css/forms.css", "css/clients.css", "css/evidence.css",
       "css/dashboard.css", "css/youth.css", "css/admin.css"]
# htmx first: app.js and evidence.js listen to its events. The signature pad sets itself up only where a
# page has [data-signature-pad], so it is harmless elsewhere and saves the sign page a second file.
JS = ["vendor/htmx.min.js", "js/app.js", "js/evidence.js", "js/signature-pad.js", "js/copy-sheet.js"]
URL = re.compile(r"url\((?P<quote>['\"]?)(?P<path>[^)'\"]+)(?P=quote)\)")


def _hashed(name: str, data: bytes) -> str:
    stem, _, suffix = name.rpartition(".")
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:12]}.{suffix}"


def _write(target: Path, data: bytes, *, compress: bool) -> None:
    target.write_bytes(data)
    if compress:
        target.with_name(target.name + ".gz").write_bytes(gzip.compress(data, 9, mtime=0))
        try:
            import brotli
        except ImportError:  # gzip alone is enough; brotli comes with fonttools' woff2 support
            return
        target.with_name(target.name + ".br").write_bytes(brotli.compress(data, quality=11))


def _css_with_hashed_urls(source: str, text: str, manifest: dict) -> str:
    """Point the sheet's url()s (the web fonts) at hashed copies in dist/."""
    folder = (STATIC / source).parent

    def replace(match: re.Match) -> str:
        path = match.group("path")
        if path.startswith(("data:", "http:", "https:", "/")):
            return match.group(0)
        file = (folder / path).resolve()
        data = file.read_bytes()
        name = _hashed(file.name, data)
        (DIST / name).write_bytes(data)  # woff2 is compressed already
        manifest[file.name] = name
        return f"url({name})"

    return URL.sub(replace, text)


def build() -> dict:
    """Write static/dist/ and return the manifest."""
    missing = [path for path in CSS + JS if not (STATIC / path).exists()]
    if missing:
        raise SystemExit(f"Missing {', '.join(missing)}: run scripts/copy_static_vendor.py first (make static).")
    if DIST.exists():
        shutil.rmtree(DIST)
    DIST.mkdir(parents=True)
    manifest: dict[str, str] = {}
    css = "\n".join(f"/* {path} */\n" + _css_with_hashed_urls(path, (STATIC / path).read_text(), manifest)
                    for path in CSS).encode()
    js = "\n".join(f"/* {path} */\n" + (STATIC / path).read_text().rstrip() + "\n;" for path in JS).encode()
    for name, data in (("app.css", css), ("app.js", js)):
        manifest[name] = _hashed(name, data)
        _write(DIST / manifest[name], data, compress=True)
    (DIST / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return manifest


def main() -> None:
    manifest = build()
    for name in ("app.css", "app.js"):
        size = (DIST / manifest[name]).stat().st_size
        gz = (DIST / (manifest[name] + ".gz")).stat().st_size
        print(f"static/dist/{manifest[name]} ({size // 1024} KB, {gz // 1024} KB gzipped)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
