"""axe-core on every page state the journeys reach: public pages, a caseworker's day (with htmx swaps,
errors and the PDF box), a manager's and a reviewer's pages, and a youth on a phone. No violation of
impact "serious" or "critical" is allowed. axe-core comes from npm (a dev dependency) and is injected into
the page here; it is never served to users. How to add a page state: docs/accessibility.md."""
import re
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from tests.e2e.conftest import IN_CI
from tests.support.live import sign_in_page

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
BLOCKING = ("serious", "critical")
# axe no longer runs its duplicate-id rules by default (WCAG 2.2 dropped 4.1.1), but an htmx swap that
# leaves two elements with one id breaks labels, focus and the error summary's links: run them.
OPTIONS = {"rules": {"duplicate-id": {"enabled": True}, "duplicate-id-active": {"enabled": True}}}
# Rules axe reports as "needs review" that are real faults here: an id used by ARIA that is not unique.
REVIEW_IS_FAULT = ("duplicate-id-aria",)


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        reason = f"axe-core is not installed ({AXE}); run `npm ci`"
        if IN_CI:
            pytest.fail(f"{reason}; CI=true requires it.")
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


class Axe:
    """Runs axe-core on the page as it is now, and keeps every blocking violation with the state it was in."""

    def __init__(self, source: str):
        self.source = source
        self.found: list[str] = []
        self.minor: set[str] = set()
        self.states = 0

    def check(self, page, state: str) -> None:
        page.wait_for_load_state()
        _settle(page)
        if not page.evaluate("() => !!window.axe"):
            page.add_script_tag(content=self.source)
        results = page.evaluate("options => axe.run(document, options)", OPTIONS)
        self.states += 1
        for item in results["incomplete"]:  # what axe could not decide (SVG text, text over an image): a person looks
            if item["id"] in REVIEW_IS_FAULT:
                self.found.append(f"[{state}] {item['id']} ({item['impact']}): {item['help']} -> {_targets(item)}")
            else:
                self.minor.add(f"[{state}] {item['id']} ({item['impact']}, needs review): {_targets(item)}")
        for violation in results["violations"]:
            line = f"[{state}] {violation['id']} ({violation['impact']}): {violation['help']} -> {_targets(violation)}"
            is_fault = violation["impact"] in BLOCKING or violation["id"] == "duplicate-id"
            (self.found.append if is_fault else self.minor.add)(line)

    def assert_clean(self) -> None:
        if self.minor:
            print("axe, moderate, minor or to review by eye:", *sorted(self.minor), sep="\n  ")
        assert self.states, "no page state was checked"
        assert not self.found, "axe found serious or critical violations:\n" + "\n".join(self.found)


def _targets(result: dict) -> list[str]:
    return [" ".join(map(str, node["target"])) for node in result["nodes"]][:5]


@pytest.fixture
def axe(axe_source):
    return Axe(axe_source)


def _page(browser, viewport, **options):
    # The pages' CSP forbids inline scripts; only this test's context lets axe in.
    context = browser.new_context(viewport=viewport, bypass_csp=True, **options)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def _at_phone_width(page, axe, state) -> None:
    """The same page state at 360 px (a phone, or 1280 px zoomed to 350 %), then back."""
    page.set_viewport_size(PHONE)
    axe.check(page, f"{state} @360")
    page.set_viewport_size(DESKTOP)


def _visit(page, base, axe, pages, *, phone=()) -> None:
    """Each (path, state) of `pages` in turn, checked; at phone width too for the states in `phone` (all: True)."""
    for path, state in pages:
        page.goto(base + path)
        axe.check(page, state)
        if phone is True or state in phone:
            _at_phone_width(page, axe, state)


def _settle(page) -> None:
    """No htmx request in flight (a swap, an autosave)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _no_browser_checks(page, selector: str) -> None:
    """Let the server answer an incomplete form (the browser's own `required` check would stop it first)."""
    page.eval_on_selector(selector, "form => { form.noValidate = true; }")


def _with_errors(page, base, axe, path, state) -> None:
    """A form sent empty: the page with its error summary."""
    page.goto(base + path)
    form = "main form[method=post]:has(button[type=submit])"
    _no_browser_checks(page, form)
    page.locator(form).last.locator("button[type=submit]").last.click()
    errors = page.locator("#error-summary, .field--error").first
    errors.wait_for(timeout=5000)
    _settle(page)
    axe.check(page, state)


def _demo(app):
    """Ids the journeys need from the demo data, and a fresh invitation and partner link."""
    from portal import mail
    from portal.db import session_scope
    from portal.models import Client, Packet, PacketStatus, Partner, PartnerShare, ReferralOut, User
    from portal.referrals import sharing
    from portal.youth import invitations

    with app.app_context(), session_scope(app) as db:
        worker = db.exec(select(User).where(User.email == "caseworker@peel.demo")).one()
        haddad = db.exec(select(Client).where(Client.family_name == "Haddad حداد")).one()
        liang = db.exec(select(Client).where(Client.family_name == "梁")).one()
        draft = db.exec(select(Packet).where(Packet.packet_type == "cit_0403", Packet.status == PacketStatus.draft,
                                             Packet.owner_id == worker.id)).first()
        in_review = db.exec(select(Packet).where(Packet.agency_id == worker.agency_id,
                                                 Packet.status == PacketStatus.in_review).order_by(Packet.id)).first()
        youth_packet = db.exec(select(Packet).where(Packet.client_id == liang.id)).first()
        _invitation, token = invitations.create_invitation(db, client=liang, by=worker)
        shared = set(db.exec(select(PartnerShare.referral_out_id)).all())
        referral = next(row for row in db.exec(select(ReferralOut).where(ReferralOut.agency_id == worker.agency_id))
                        if row.id not in shared and db.get(Partner, row.partner_id).email)
        share_user = db.exec(select(User).where(User.agency_id == referral.agency_id,
                                                User.email.like("caseworker%"))).first()
        sharing.create(db, user=share_user, referral=referral, link_base="http://localhost/shared/",
                       consent=sharing.Consent(("given_names",), date.today(), "in_person"))
        link = re.search(r"/shared/(\S+)", mail.outbox(app.config["MAIL_OUTBOX_DIR"])[-1].get_content()).group(1)
        return {"client": str(haddad.id), "draft": str(draft.id), "in_review": str(in_review.id),
                "youth_packet": str(youth_packet.id), "join": token, "shared": link}


@pytest.fixture(scope="module")
def demo(live_portal):
    return _demo(live_portal[1])


def _work(app) -> None:
    from rq import SimpleWorker

    from portal import queue

    with app.app_context():
        SimpleWorker([queue.get_queue(app)], connection=queue.connection(app)).work(burst=True)


def test_public_pages(live_server, browser, axe, demo):
    base = live_server
    page = _page(browser, DESKTOP)
    page.goto(base + "/sign-in")
    axe.check(page, "sign-in")
    _at_phone_width(page, axe, "sign-in")
    page.fill("#email", "caseworker@peel.demo")
    page.fill("#password", "not the password")
    page.click("main button[type=submit]")
    page.locator(".alert, #error-summary, .field__error").first.wait_for()
    axe.check(page, "sign-in with an error")
    _at_phone_width(page, axe, "sign-in with an error")
    _visit(page, base, axe, [("/me/sign-in", "youth code sign-in"), (f"/me/join/{demo['join']}", "youth join"),
                             (f"/shared/{demo['shared']}", "shared link"), ("/no-such-page", "404"),
                             ("/policy/notice", "policy notice")], phone=True)
    # The check itself works: an image with no text alternative is caught, with its state and target.
    canary = Axe(axe.source)
    page.evaluate("() => { const img = document.createElement('img'); img.id = 'canary'; img.src = '/no.png';"
                  " document.querySelector('main').append(img); }")
    canary.check(page, "canary")
    assert any("[canary] image-alt (critical)" in line and "#canary" in line for line in canary.found), canary.found
    page.context.close()
    axe.assert_clean()


def test_caseworker_pages(live_portal, browser, axe, demo):
    base, app = live_portal
    page = _page(browser, DESKTOP)
    sign_in_page(page, base, "caseworker@peel.demo")
    _visit(page, base, axe, [("/my-work", "my work"), ("/clients/", "clients"),
                             (f"/clients/{demo['client']}", "a client"), ("/referrals/", "referrals"),
                             ("/consultations/", "consultations"), ("/library/", "library"), ("/partners/", "partners"),
                             (f"/packets/{demo['draft']}", "a packet"),
                             (f"/packets/{demo['draft']}/copy-sheet", "copy sheet"),
                             (f"/packets/{demo['draft']}/evidence", "evidence")],
           phone=("my work", "a client", "a packet", "evidence"))
    page.goto(base + "/library/")
    page.locator("main a[href^='/library/']:not([href$='/new'])").first.click()
    page.wait_for_load_state()
    axe.check(page, "a library guide")
    page.goto(base + "/partners/")
    page.locator("main h2 a[href^='/partners/']").first.click()
    page.wait_for_load_state()
    axe.check(page, "a partner")

    for path, state in [("/clients/new", "new client with errors"),
                        ("/consultations/new", "new consultation with errors"),
                        ("/referrals/new", "new referral with errors"),
                        (f"/partners/referrals-out/new?client_id={demo['client']}", "referral out with errors")]:
        _with_errors(page, base, axe, path, state)
    _visit(page, base, axe, [(f"/packets/{demo['draft']}/review", "a packet's review"),
                             (f"/clients/{demo['client']}/edit", "client edit"), ("/consultations/", "consultations")])
    page.locator("main a[href^='/consultations/']:not([href$='/new'])").first.click()
    page.wait_for_load_state()
    axe.check(page, "a consultation")
    page.goto(base + "/referrals/")
    page.locator("main a[href^='/referrals/']:not([href$='/new'])").first.click()
    page.wait_for_load_state()
    axe.check(page, "a referral")

    page.goto(f"{base}/clients/{demo['client']}/start")
    axe.check(page, "triage")
    page.fill("#planned_signing_date", "not a date")
    _no_browser_checks(page, "form.triage-form")
    page.get_by_role("button", name="Suggest an application").click()
    page.locator("#planned_signing_date-error, #error-summary").first.wait_for()
    axe.check(page, "triage with errors")
    page.fill("#planned_signing_date", date.today().replace(year=date.today().year + 1).isoformat())
    page.get_by_role("button", name="Suggest an application").click()
    page.get_by_role("button", name=re.compile("^Start: ")).wait_for()
    axe.check(page, "triage with its suggestion")

    # A guided-form step, the same step after "Save and continue" with an error (htmx swap), its step list.
    page.goto(f"{base}/packets/{demo['draft']}/steps/identity")
    axe.check(page, "a step")
    _at_phone_width(page, axe, "a step")
    page.fill("#birth_city", "")
    page.get_by_role("button", name="Save and continue").first.click()
    page.locator("#error-summary").wait_for()
    _settle(page)
    axe.check(page, "a step after an error (swap)")
    page.fill("#birth_city", "Aleppo")
    page.get_by_role("button", name="Save and continue").first.click()
    page.wait_for_function("() => !location.pathname.endsWith('/identity')")
    _settle(page)
    axe.check(page, "the next step (swap)")
    page.locator(".step-list__full a").first.click()
    _settle(page)
    axe.check(page, "the step list after a swap")

    # Evidence: an upload the server refuses.
    page.goto(f"{base}/packets/{demo['draft']}/evidence")
    upload = page.locator("form.evidence-upload").first
    upload.locator("input[type=file]").set_input_files(
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"not a document"}])
    upload.get_by_role("button", name="Upload").click()
    page.locator(".field--error").first.wait_for()
    _settle(page)
    axe.check(page, "evidence with an upload error")

    # The PDF box while the job waits, and when it is ready; then the online kit.
    page.goto(f"{base}/packets/{demo['draft']}")
    page.locator("#render-status button[type=submit]").click()
    page.locator("#render-status progress").wait_for()
    axe.check(page, "PDF status while rendering")
    _work(app)
    page.locator("#render-status .badge--ok").wait_for(timeout=60000)
    axe.check(page, "PDF status when ready")
    page.get_by_role("button", name="Build the online kit").click()
    page.locator("#kit-status progress, #kit-status .badge").first.wait_for()
    axe.check(page, "online kit while building")
    _work(app)
    page.get_by_role("link", name="Download the kit (zip)").wait_for(timeout=60000)
    axe.check(page, "online kit ready")
    page.context.close()
    axe.assert_clean()


def test_manager_and_reviewer_pages(live_portal, browser, axe, demo):
    base, _app = live_portal
    page = _page(browser, DESKTOP)
    sign_in_page(page, base, "manager@peel.demo")
    _visit(page, base, axe, [("/dashboard/", "dashboard"), ("/dashboard/packets", "reports and exports"),
                             ("/audit/", "audit log"), ("/policy/", "policy settings"),
                             ("/policy/report", "policy report"), ("/privacy/", "privacy"),
                             (f"/clients/{demo['client']}/records", "records and retention"),
                             ("/account/", "account"), ("/account/two-step", "two-step"),
                             ("/account/password", "password"), ("/admin/users", "users"),
                             (f"/packets/{demo['in_review']}/submission", "submission"),
                             (f"/packets/{demo['in_review']}/staff-review", "review with a comment form")],
           phone=("dashboard", "review with a comment form"))
    _no_browser_checks(page, "#comments form")
    page.get_by_role("button", name="Add comment").click()
    page.locator("#comments #error-summary").wait_for()
    _settle(page)
    axe.check(page, "comment with errors (swap)")
    page.select_option("#target", index=1)
    page.fill("#body", "Please check the date of entry.")
    page.get_by_role("button", name="Add comment").click()
    page.get_by_text("Please check the date of entry.").first.wait_for()
    _settle(page)
    axe.check(page, "review after a comment (swap)")
    _no_browser_checks(page, "form.move-form--note")
    page.locator("form.move-form--note button[type=submit]").click()
    page.locator("#error-summary, .field--error, .alert--error").first.wait_for()
    axe.check(page, "request changes without a note")
    for path, state in [("/admin/users/new", "new user with errors"),
                        ("/privacy/incidents/new", "new incident with errors"),
                        ("/account/password", "password change with errors")]:
        _with_errors(page, base, axe, path, state)
    _visit(page, base, axe, [("/admin/settings", "agency settings"), ("/account/email", "email change"),
                             (f"/privacy/clients/{demo['client']}/access", "access request")])
    page.context.close()
    axe.assert_clean()


def test_youth_on_a_phone(live_server, browser, axe, demo):
    base = live_server
    page = _page(browser, PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    sign_in_page(page, base, "youth@peel.demo")
    page.goto(base + "/me/")
    axe.check(page, "youth home")
    page.goto(f"{base}/me/packets/{demo['youth_packet']}")
    axe.check(page, "youth packet")
    page.locator("a.youth-step").first.click()
    page.wait_for_load_state()
    axe.check(page, "youth packet part")
    page.get_by_role("button", name="Save and continue").first.click()
    _settle(page)
    axe.check(page, "youth packet part after Save and continue")
    page.goto(f"{base}/me/packets/{demo['youth_packet']}/sign")
    axe.check(page, "youth sign")
    page.goto(base + "/me/sharing")
    axe.check(page, "youth sharing")
    page.context.close()
    axe.assert_clean()

