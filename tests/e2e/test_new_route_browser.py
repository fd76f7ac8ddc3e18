"""A caseworker prepares the fee-free state-care temporary resident permit in Chromium, for a demo youth under a
removal order (issue 16): chosen from triage's list, every step answered with htmx, the review ends with nothing
missing, no fee to pay, and the checklist naming the form edition assumed."""
from datetime import date, timedelta

import pytest
from sqlmodel import select

from portal.demo.new_routes import CLIENTS, trp_answers
from portal.forms import get_packet_type
from tests.e2e.test_caseworker_browser import fill_step, settle

pytestmark = pytest.mark.e2e

SIGNING = (date.today() + timedelta(days=30)).isoformat()


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def demo_client(app, key: str):
    from portal.db import session_scope
    from portal.models import Client

    row = next(row for row in CLIENTS if row[0] == key)
    with app.app_context(), session_scope(app) as session:
        client = session.exec(select(Client).where(Client.family_name == row[1], Client.given_names == row[2])).one()
        session.expunge(client)
        return client


def test_a_caseworker_prepares_the_state_care_permit_in_the_browser(live_portal, desktop):
    base, app = live_portal
    page = desktop
    packet_type = get_packet_type("state_care_trp")
    client = demo_client(app, "petrov-ivan")
    answers = {**trp_answers(client), "send_on": SIGNING}
    page.goto(base + "/sign-in")
    page.fill("#email", "caseworker@peel.demo")
    page.fill("#password", "passage-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)

    page.goto(f"{base}/clients/{client.id}/start")
    page.fill("#planned_signing_date", SIGNING)
    for name in ("came_before_19", "care_one_year", "removal_order"):
        page.locator(f"#{name}").set_checked(True)
    page.get_by_role("button", name="Suggest an application").click()
    page.get_by_text("fee-free state-care temporary resident permit").first.wait_for()  # offered, not S62
    page.select_option("#packet_type", "state_care_trp")
    page.get_by_role("button", name="Start this application").click()
    page.wait_for_url("**/packets/*")

    page.locator(".step-list a, a[href*='/steps/']").first.click()
    page.wait_for_url("**/steps/*")
    visited = []
    while "/review" not in page.url:
        step_key = page.url.rsplit("/", 1)[-1]
        visited.append(step_key)
        assert len(visited) <= len(packet_type.steps), visited
        fill_step(page, packet_type.step(step_key), answers)
        before = page.url
        page.locator("button[name=action][value=next]").click()
        page.wait_for_function("before => location.href !== before || document.querySelector('.field__error')",
                               arg=before)
        settle(page)
        assert page.locator(".field__error").count() == 0, (step_key, page.locator(".field__error").all_inner_texts())

    assert visited == [step.key for step in packet_type.steps]
    page.reload()
    page.get_by_role("heading", name="Still missing").wait_for()
    assert page.locator(".badge--error", has_text="Missing").count() == 0, page.locator("main").inner_text()[:2000]
    text = page.locator("main").inner_text()
    assert "IMM 5708" in text and "edition: check canada.ca" in text
    assert "Waived: former child in state care" in text
