"""A gate in the browser: a manager's "Approve" on an incomplete packet is refused with the list of what is
missing; the manager goes ahead by writing why, and the review screen shows the override. Drives Debian's
Chromium with Playwright against the live demo (tests/e2e/conftest.py)."""
import pytest
from sqlmodel import select

from tests.support.live import sign_in_page

pytestmark = pytest.mark.e2e


def _packet_in_review(app) -> str:
    from portal.db import session_scope
    from portal.models import Agency, Packet, PacketStatus

    with app.app_context(), session_scope(app) as db:
        peel = db.exec(select(Agency).where(Agency.slug == "peel-cas")).one()
        packet = db.exec(select(Packet).where(Packet.agency_id == peel.id, Packet.status == PacketStatus.in_review)
                         .order_by(Packet.id)).first()
        return str(packet.id)


def test_a_refused_approval_and_a_managers_written_override(live_portal, browser):
    base, app = live_portal
    packet_id = _packet_in_review(app)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    sign_in_page(page, base, "manager@peel.demo")  # with the code of the demo's published key
    page.wait_for_url("**/my-work")

    page.goto(f"{base}/packets/{packet_id}/staff-review")
    page.locator("#missing").first.wait_for()
    assert "things missing" in page.locator(".moves").inner_text()
    page.locator(".moves").get_by_role("button", name="Approve", exact=True).click()
    refused = page.locator("#gate-refused")
    refused.wait_for()
    assert refused.locator(".blocking-list li").count() > 0
    assert "In review" in page.locator(".review-panel__state").inner_text()  # not approved

    page.fill("#override_reason", "Approved on paper at the case conference; the answers follow.")
    page.get_by_role("button", name="Go ahead anyway").click()
    page.wait_for_url(f"**/packets/{packet_id}/staff-review")
    assert "Approved" in page.locator(".review-panel__state").inner_text()
    overrides = page.locator("#overrides")
    assert "Approved on paper at the case conference" in overrides.inner_text()
    context.close()
