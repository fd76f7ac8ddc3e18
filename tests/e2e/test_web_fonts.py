"""The pages fetch a script's web font only when a name in that script is on the page, and only that one.

A Persian name spelled with a zero-width non-joiner (U+200C), a character that every Indic face's
unicode-range also claims, made Chromium fetch twenty font files (600 KB) for one name: the Arabic letters
had no web face, so the browser tried every face whose range touched the name. Noto Sans Arabic, first in the
stack, now draws the whole name.
"""
import re

import pytest

from tests.support.live import sign_in_page

pytestmark = pytest.mark.e2e


def _fonts_for(page, url: str) -> list[str]:
    fetched = []

    def note(request):
        if request.url.endswith(".woff2"):
            fetched.append(request.url)

    page.on("request", note)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("request", note)
    return [re.sub(r"\.[0-9a-f]{12}\.woff2$", "", name.rsplit("/", 1)[-1]) for name in fetched]


def test_a_persian_name_with_a_non_joiner_fetches_the_arabic_font_alone(live_portal, browser):
    from sqlmodel import select

    from portal.db import session_scope
    from portal.models import Client

    base, app = live_portal
    with app.app_context(), session_scope(app) as session:
        client = session.exec(select(Client).where(Client.given_names.contains("\u200c"))).first()
        assert client is not None, "the demo has a name spelled with a non-joiner"
        client_id = client.id
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15000)
    sign_in_page(page, base, "caseworker@peel.demo")
    page.wait_for_load_state("networkidle")  # the fonts of the names on "My work" are not this page's
    every_page = set(_fonts_for(page, f"{base}/account/"))  # Chromium takes one or two faces for any page
    fonts = set(_fonts_for(page, f"{base}/clients/{client_id}")) - every_page
    assert fonts <= {"noto-sans-arabic-arabic-400-normal", "noto-sans-arabic-arabic-700-normal"}, fonts
    assert page.locator("h1").evaluate("h => getComputedStyle(h).fontFamily").startswith('"Noto Sans Arabic"')
