"""A consent-gated referral in the browser, from the youth's choice to the partner's acceptance: the
caseworker records a referral out and, with the youth, the two fields they agree to share; the partner
opens the emailed link with a one-time code, reads only those fields and accepts; the youth sees it in
"What I shared" and the caseworker sees the acceptance on the client file."""
import re

import pytest
from sqlmodel import select

from portal import mail
from portal.db import session_scope
from portal.models import Client

pytestmark = pytest.mark.e2e
PASSWORD = "passage-demo-2026"


def _sign_in(page, base, email):
    page.goto(base + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def _last_mail(app):
    with app.app_context():
        return mail.outbox(app.config["MAIL_OUTBOX_DIR"])[-1].get_content()


def test_consent_gated_referral_from_the_youths_choice_to_the_partners_acceptance(live_portal, browser):
    base, app = live_portal
    with app.app_context(), session_scope(app) as db:
        client_id = db.exec(select(Client.id).where(Client.family_name == "梁")).one()

    staff = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    staff.set_default_timeout(15000)
    _sign_in(staff, base, "caseworker@peel.demo")
    staff.goto(f"{base}/partners/referrals-out/new?client_id={client_id}")
    option = staff.locator("#partner_id option", has_text="Peel Community Legal Clinic").first
    staff.select_option("#partner_id", value=option.get_attribute("value"))
    staff.fill("#reason", "Advice on citizenship after care")
    staff.get_by_role("button", name="Save").click()
    staff.wait_for_url(f"**/clients/{client_id}*")
    staff.get_by_role("link", name="Share details with the partner, with the youth's consent").first.click()
    staff.check("#share_given_names")
    staff.check("#share_preferred_language")
    staff.check("#confirm")
    staff.get_by_role("button", name="Send the secure link").click()
    staff.get_by_text("A secure link was sent").wait_for()
    link = re.search(r"http://\S+/shared/\S+", _last_mail(app)).group(0)

    youth = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True).new_page()
    youth.set_default_timeout(15000)
    _sign_in(youth, base, "youth@peel.demo")
    youth.goto(base + "/me/sharing")
    youth.get_by_role("heading", name="Peel Community Legal Clinic (demo)").wait_for()
    assert "Given names" in youth.content() and "Date of birth" not in youth.locator("main").inner_text()

    partner = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    partner.set_default_timeout(15000)
    partner.goto(link.replace("http://localhost", base))
    assert "伟" not in partner.locator("main").inner_text()
    partner.get_by_role("button", name="Send me a code").click()
    partner.get_by_text("A code was sent").wait_for()
    code = re.search(r"code is (\d{6})", _last_mail(app)).group(1)
    partner.fill("#code", code)
    partner.get_by_role("button", name="Open the referral").click()
    partner.get_by_role("heading", name="What the person agreed to share with you").wait_for()
    shared = partner.locator("main").inner_text()
    assert "伟 Wei" in shared and "Advice on citizenship after care" in shared
    assert "梁" not in shared  # the family name was not chosen
    partner.get_by_role("button", name="Accept the referral").click()
    partner.get_by_text("You accepted this referral").wait_for()

    staff.goto(f"{base}/clients/{client_id}")
    staff.get_by_text("Partner accepted").first.wait_for()
    youth.reload()
    assert "they accepted the referral" in youth.locator("main").inner_text()
