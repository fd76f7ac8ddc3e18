"""Keyboard only, with what a screen reader would be told: sign in, open a step, leave a required answer
empty and press Enter (focus lands on the error summary, which names the question), fix it and press
Enter (focus lands on the next step's heading, the title changes and the live region says so). Then the same
journey in French, choosing French with the header's switch, by keyboard too."""
import pytest
from sqlmodel import select

from portal.db import session_scope
from portal.models import Packet, PacketStatus, User

pytestmark = pytest.mark.e2e


def _tab_to(page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def _draft_packet_id(app):
    with app.app_context(), session_scope(app) as db:
        worker = db.exec(select(User).where(User.email == "caseworker@peel.demo")).one()
        packet = db.exec(select(Packet).where(Packet.packet_type == "cit_0403", Packet.status == PacketStatus.draft,
                                              Packet.owner_id == worker.id)).first()
        return packet.id


def _sign_in_by_keyboard(page) -> None:
    _tab_to(page, "email")
    page.keyboard.type("caseworker@peel.demo")
    page.keyboard.press("Tab")
    page.keyboard.type("passage-demo-2026")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/sign-in" not in url)


def _error_then_next_step(page, step_url: str, city: str) -> tuple[str, str, str]:
    """Empty a required answer and press Enter, then answer it and press Enter: what the error summary said
    (focus on it), and the next step's heading (focused, in the title) and what the live region said."""
    page.goto(step_url)
    _tab_to(page, "birth_city")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.id === 'error-summary'")
    summary = page.locator("#error-summary").inner_text()

    _tab_to(page, "birth_city")
    page.keyboard.type(city)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement && document.activeElement.tagName === 'H1'"
                           " && !location.pathname.endsWith('/identity')")
    heading = page.evaluate("document.activeElement.textContent").strip()
    assert heading and page.title().startswith(heading)
    page.wait_for_function("() => document.getElementById('announcer').textContent.length > 0")
    return summary, heading, page.locator("#announcer").inner_text()


def test_keyboard_only_step_with_an_error_then_the_next_step(live_portal, browser):
    base, app = live_portal
    packet_id = _draft_packet_id(app)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15000)
    page.goto(base + "/sign-in")
    _sign_in_by_keyboard(page)
    summary, heading, announced = _error_then_next_step(page, f"{base}/packets/{packet_id}/steps/identity", "Aleppo")
    assert "birth" in summary.lower()  # the error names the question it is about
    assert heading in announced


def test_the_same_journey_in_french(live_portal, browser):
    base, app = live_portal
    packet_id = _draft_packet_id(app)
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-CA").new_page()
    page.set_default_timeout(15000)
    page.goto(base + "/sign-in")
    assert page.evaluate("document.documentElement.lang") == "en"
    for _ in range(40):  # the language switch, reached by Tab like everything else
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.textContent.trim()") == "Français":
            break
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.lang === 'fr'")
    assert page.get_by_role("button", name="Se connecter").count() == 1
    _sign_in_by_keyboard(page)
    assert page.evaluate("document.documentElement.lang") == "fr"  # the choice outlives signing in

    summary, heading, announced = _error_then_next_step(page, f"{base}/packets/{packet_id}/steps/identity", "Alep")
    assert "Ville ou village de naissance" in summary and "Please" not in summary
    assert heading in announced
    english = ("Saved", "Step", "Save and continue", "Please")
    assert not any(word in announced for word in english), announced
    assert page.evaluate("document.documentElement.lang") == "fr"
