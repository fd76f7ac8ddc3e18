"""Assets installed at set-up (never committed) are served and referenced by every page."""
import re


def test_every_page_loads_htmx_and_the_web_fonts_for_scripts_devices_often_lack(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert "/static/vendor/htmx.min.js" in page and "/static/vendor/fonts/web.css" in page
    assert client.get("/static/vendor/htmx.min.js").status_code == 200
    css = client.get("/static/vendor/fonts/web.css").get_data(as_text=True)
    for family in ("Noto Sans Tamil", "Noto Sans Ethiopic", "Noto Sans Devanagari", "Noto Sans Thai"):
        assert family in css
    files = re.findall(r"url\((web/[^)]+\.woff2)\)", css)
    assert files
    for name in files:
        response = client.get(f"/static/vendor/fonts/{name}")
        assert response.status_code == 200 and response.data[:4] == b"wOF2"


def test_the_script_faces_come_before_the_device_font(client):
    """After system-ui, Linux Chromium skipped them for bold text and drew empty boxes for names."""
    css = client.get("/static/css/app.css").get_data(as_text=True)
    stack = re.search(r"body \{[^}]*font-family:([^;]+);", css).group(1)
    families = [family.strip().strip('"') for family in stack.split(",")]
    faces = re.findall(r"font-family: '([^']+)'", client.get("/static/vendor/fonts/web.css").get_data(as_text=True))
    assert set(faces) <= set(families)
    assert max(families.index(face) for face in set(faces)) < families.index("system-ui")
