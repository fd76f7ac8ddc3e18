"""A manager sets up two-step sign-in in Chromium and signs in with a code, on the demo data: the password
leads to the set-up page, the QR code is drawn, the key typed into the "app" (pyotp here) gives the code,
the recovery codes are shown once, and the next sign-in asks for a code. A demo manager signs in with the
published demo secret, as the README tells a person trying the demo."""
import time

import pyotp
import pytest
from sqlmodel import delete, select

from portal.demo import DEMO_PASSWORD
from tests.support.live import sign_in_page

pytestmark = pytest.mark.e2e


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def _password(page, base, email):
    page.goto(base + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")


def test_a_manager_sets_up_two_step_sign_in_and_signs_in_with_a_code(live_portal, desktop):
    from portal.db import session_scope
    from portal.models import RecoveryCode, StaffMfa, User

    base, app = live_portal
    email = "manager@jhs.demo"
    with app.app_context(), session_scope(app) as db:  # as a manager new to Passage: nothing set up yet
        user = db.exec(select(User).where(User.email == email)).one()
        db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
        db.execute(delete(StaffMfa).where(StaffMfa.user_id == user.id))
    page = desktop
    _password(page, base, email)
    page.wait_for_url("**/sign-in/set-up")
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("#mfa-secret").inner_text()
    totp = pyotp.TOTP(secret)
    page.fill("#code", "000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.locator("#code-error").wait_for()
    page.fill("#code", totp.now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.wait_for_url("**/sign-in/recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="I have kept them, continue").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in")

    _password(page, base, email)
    page.wait_for_url("**/sign-in/code")
    page.fill("#code", totp.at(time.time() + 30))  # this window's code is spent: the next one is accepted
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    page.get_by_role("link", name="Your account").click()
    assert "On." in page.locator("#two-step-status").inner_text()


def test_a_demo_manager_signs_in_with_the_published_secret(live_server, desktop):
    page = desktop
    sign_in_page(page, live_server, "manager@peel.demo")
    assert "/sign-in" not in page.url
    page.get_by_role("link", name="Privacy").click()
    page.get_by_role("heading", name="Privacy", exact=True).wait_for()
