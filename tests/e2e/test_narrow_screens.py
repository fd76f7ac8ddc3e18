"""At 320 CSS pixels (a small phone, or 1280 px zoomed to 400 %) nothing scrolls sideways: the sign-in page
with its demo table, the partner directory, the client list and a guided-form step."""
import pytest

pytestmark = pytest.mark.e2e
NARROW = {"width": 320, "height": 640}


def _fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{page.url}: {width} px wide"


def test_nothing_scrolls_sideways_at_320_pixels(live_server, browser):
    page = browser.new_context(viewport=NARROW).new_page()
    page.set_default_timeout(15000)
    page.goto(live_server + "/sign-in")
    _fits(page)
    page.fill("#email", "caseworker@peel.demo")
    page.fill("#password", "passage-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    for path in ("/partners/", "/clients/", "/library/", "/consultations/", "/referrals/"):
        page.goto(live_server + path)
        _fits(page)
