"""The pages' one stylesheet and one script (scripts/build_assets.py): hashed names, kept a year, compressed."""
import gzip
import re

import pytest

from portal.models import Role

IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def signed_in_manager(make, auth, client):
    auth.login(make.user(make.agency(), role=Role.manager))
    return client


def _bundles(page: str) -> tuple[list[str], list[str]]:
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    scripts = re.findall(r'<script src="([^"]+)"', page)
    return sheets, scripts


def test_every_page_links_one_stylesheet_and_one_script_with_hashed_names(app, signed_in_manager):
    pages = [app.test_client().get("/sign-in")]
    pages += [signed_in_manager.get(path, follow_redirects=True) for path in ("/", "/clients/", "/dashboard/")]
    for response in pages:
        assert response.status_code == 200
        sheets, scripts = _bundles(response.get_data(as_text=True))
        assert len(sheets) == 1 and len(scripts) == 1, (sheets, scripts)
        assert re.fullmatch(r"/assets/app\.[0-9a-f]{12}\.css", sheets[0])
        assert re.fullmatch(r"/assets/app\.[0-9a-f]{12}\.js", scripts[0])


def test_the_bundles_are_cached_for_a_year_and_sent_compressed(client):
    sheet, script = (found[0] for found in _bundles(client.get("/sign-in").get_data(as_text=True)))
    for url in (sheet, script):
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
        assert plain.headers["Cache-Control"] == IMMUTABLE
        assert "Accept-Encoding" in plain.headers["Vary"]
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.data) == plain.data
        assert len(zipped.data) < len(plain.data) / 2
        assert client.get(url, headers={"Accept-Encoding": "br, gzip"}).headers["Content-Encoding"] in ("br", "gzip")
    assert b"htmx" in client.get(script).data and b"data-signature-pad" in client.get(script).data


def test_a_changed_file_gets_a_new_name(client):
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("build_assets", Path(__file__).parents[2] / "scripts/build_assets.py")
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert build._hashed("app.css", b"a") != build._hashed("app.css", b"b")
    assert build._hashed("app.css", b"a") == build._hashed("app.css", b"a")


def test_only_bundled_files_are_served_from_assets(client):
    assert client.get("/assets/manifest.json").status_code == 404
    assert client.get("/assets/../css/app.css").status_code == 404
    assert client.get("/assets/app.0000.css").status_code == 404


def test_pages_themselves_are_never_cached_or_compressed(signed_in_manager):
    response = signed_in_manager.get("/clients/", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Cache-Control"] == "no-store" and "Content-Encoding" not in response.headers


def test_the_web_fonts_for_scripts_devices_often_lack_are_hashed_and_load_only_by_unicode_range(client):
    sheet = _bundles(client.get("/sign-in").get_data(as_text=True))[0][0]
    css = client.get(sheet, headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    for family in ("Noto Sans Arabic", "Noto Sans Tamil", "Noto Sans Ethiopic", "Noto Sans Devanagari",
                   "Noto Sans Thai", "Noto Sans Gurmukhi", "Noto Sans Sinhala", "Noto Sans Georgian"):
        assert family in css
    faces = re.findall(r"@font-face \{[^}]*\}", css)
    assert faces and all("unicode-range" in face for face in faces)
    files = re.findall(r"url\(([^)]+\.woff2)\)", css)
    assert files
    for name in files:
        assert re.fullmatch(r"[\w-]+\.[0-9a-f]{12}\.woff2", name)
        response = client.get(f"/assets/{name}")
        assert response.status_code == 200 and response.data[:4] == b"wOF2"
        assert response.headers["Cache-Control"] == IMMUTABLE


def test_the_script_faces_come_before_the_device_font(client):
    """After system-ui, Linux Chromium skipped them for bold text and drew empty boxes for names."""
    sheet = _bundles(client.get("/sign-in").get_data(as_text=True))[0][0]
    css = client.get(sheet, headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    stack = re.search(r"body \{[^}]*font-family:([^;]+);", css).group(1)
    families = [family.strip().strip('"') for family in stack.split(",")]
    faces = re.findall(r"font-family: '([^']+)'", css)
    assert set(faces) <= set(families)
    assert max(families.index(face) for face in set(faces)) < families.index("system-ui")
