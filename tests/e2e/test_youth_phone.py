"""A youth on a 360-pixel phone does their part on the demo data: sign in, open their application,
answer a question, leave one for their caseworker, and sign. Drives Debian's Chromium with Playwright
against a live server started here (SQLite in a temporary folder, demo data loaded)."""
import re
from datetime import date

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _fits_the_phone(page) -> None:
    """Nothing wider than the screen: no sideways scrolling on a 360-pixel phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def _tall_enough(locator) -> None:
    box = locator.bounding_box()
    assert box and box["height"] >= 44, box  # a comfortable touch target


def _caseworker_completes(app, packet_id: str) -> None:
    """Every answer in, every document there, the youth's question answered (as a caseworker's save does)."""
    import uuid

    from portal.db import session_scope
    from portal.demo.citizenship import HADDAD
    from portal.models import Packet
    from tests.support.records import complete_packet

    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, uuid.UUID(packet_id))
        db.expunge(packet)
    left = complete_packet(app, packet, answers={**HADDAD, **packet.answers, "height_cm": 160})
    assert [kind for kind, _key in left] == ["question", "signature"], left
    with app.app_context(), session_scope(app) as db:
        packet = db.get(Packet, uuid.UUID(packet_id))
        packet.answer_meta = {name: {key: value for key, value in info.items() if key != "ask_caseworker"}
                              for name, info in (packet.answer_meta or {}).items()}


def test_youth_does_their_part_on_a_phone(live_portal, phone, tmp_path):
    live_server, app = live_portal
    page = phone
    shots = tmp_path / "shots"
    shots.mkdir()

    page.goto(live_server + "/sign-in")
    page.fill("#email", "youth@peel.demo")
    page.fill("#password", "passage-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url("**/me/")
    page.get_by_role("heading", name="My applications").wait_for()
    _fits_the_phone(page)
    page.screenshot(path=str(shots / "home.png"), full_page=True)

    # The application being filled in, with a signature for the youth to give.
    card = page.locator("section.youth-card").filter(
        has=page.locator(".timeline__stage--current", has_text="Filling in the form")
    ).filter(has_text="Sign the declaration").first
    _tall_enough(card.locator("a.youth-open"))
    card.locator("a.youth-open").click()
    page.wait_for_url("**/me/packets/*")
    packet_url = page.url
    _fits_the_phone(page)

    # Answer the identity questions, and leave the height to the caseworker.
    step = page.locator("a.youth-step", has_text="Identity")
    _tall_enough(step)
    step.click()
    page.wait_for_url("**/steps/identity")
    _fits_the_phone(page)
    assert page.locator("input[name=authorised_person_name]").count() == 0  # staff-only fields never reach the youth
    page.check("input[name=other_names_used][value=no]")
    page.fill("input[name=birth_city]", "Guangzhou")
    page.select_option("select[name=eye_colour]", index=1)
    page.check("input[name=ask__height_cm]")
    page.screenshot(path=str(shots / "step.png"), full_page=True)
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url(lambda url: "/steps/identity" not in url)

    page.goto(packet_url)
    page.get_by_text("You asked your caseworker about 1 question").wait_for()
    identity = page.locator("a.youth-step", has_text="Identity")
    assert "Done" in identity.inner_text()

    # Not yet: the question left for the caseworker and the unanswered ones stop the signature.
    page.locator("a.youth-step", has_text="Sign the declaration").click()
    page.wait_for_url("**/sign**")
    _fits_the_phone(page)
    not_ready = page.locator("#not-ready")
    not_ready.wait_for()
    assert "You asked your caseworker about: Height" in not_ready.inner_text()
    assert page.locator("#typed_name").count() == 0
    page.screenshot(path=str(shots / "not-ready.png"), full_page=True)

    # The caseworker answers everything; then the youth signs.
    _caseworker_completes(app, packet_url.rstrip("/").rsplit("/", 1)[-1])
    page.reload()

    # Sign: the declaration, the name as on file (any order, any case), today's date.
    page.fill("#typed_name", "Someone Else")
    page.check("#confirm")
    page.get_by_role("button", name="Sign", exact=True).click()
    page.locator("#typed_name-error").wait_for()
    assert page.input_value("#typed_name") == "Someone Else"  # what was typed is kept
    page.fill("#typed_name", "wei liang")
    assert page.input_value("#signed_on") == date.today().isoformat()
    if not page.is_checked("#confirm"):
        page.check("#confirm")
    # The optional drawing pad appears with JavaScript; a finger stroke becomes SVG path data.
    canvas = page.locator("[data-signature-pad] canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.6)
    page.mouse.down()
    for step_x in range(1, 8):
        page.mouse.move(box["x"] + 20 + step_x * 25, box["y"] + box["height"] * (0.3 if step_x % 2 else 0.7))
    page.mouse.up()
    assert re.fullmatch(r"M\d+ \d+( L\d+ \d+)+", page.input_value("input[name=drawing]"))
    _tall_enough(page.get_by_role("button", name="Sign", exact=True))
    page.screenshot(path=str(shots / "sign.png"), full_page=True)
    page.get_by_role("button", name="Sign", exact=True).click()
    page.wait_for_url(packet_url)
    page.get_by_text("Thank you. You signed.").wait_for()
    assert page.locator(".youth-step", has_text="Signed").count() == 1
    _fits_the_phone(page)
    page.screenshot(path=str(shots / "signed.png"), full_page=True)

    # The youth cannot wander into staff pages.
    response = page.goto(live_server + "/clients/")
    assert response.status == 404
