"""A caseworker completes each citizenship packet in Chromium, on the demo data: triage from the client
file recommends the packet, htmx saves each answer as it changes, "Save and continue" swaps in the
next step without reloading the page and pushes its URL, the last step leads to the review page, and
the review ends with nothing missing. The same packets completed without JavaScript are covered by
tests/test_forms_cit_*.py; this is the browser path."""
from datetime import date, timedelta

import pytest
from sqlmodel import select

from portal.demo.citizenship import HADDAD, MATEO, OKONKWO, SHARMA
from portal.forms import get_packet_type

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1280, "height": 900}
SIGNING = (date.today() + timedelta(days=30)).isoformat()

# (demo client, their caseworker, triage answers beyond the client file, the packet triage recommends, answers)
CASES = [
    ("alvarez-mateo", "caseworker@peel.demo", {"born_in_canada": True}, "cit_0001", MATEO),
    ("haddad-amira", "caseworker@peel.demo", {}, "cit_0403", HADDAD),
    ("sharma-priya", "caseworker@peel.demo", {"parent_citizen": True}, "cit_0003", SHARMA),
    ("okonkwo-daniel", "caseworker2@peel.demo", {}, "cit_0002", OKONKWO),
]


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def client_id(app, key: str) -> str:
    from portal.db import session_scope
    from portal.demo.people import CLIENTS
    from portal.models import Client

    row = next(row for row in CLIENTS if row[2] == key)
    with app.app_context(), session_scope(app) as session:
        demo = session.exec(select(Client).where(Client.family_name == row[3], Client.given_names == row[4])).one()
        # The demo person may already have this packet open (one open packet per client and type): the test
        # starts a fresh one on a copy of their file, as an agency taking the same youth on again would.
        fields = demo.model_dump(exclude={"id", "created_at", "updated_at"})
        copy = Client(**fields)
        session.add(copy)
        session.flush()
        return str(copy.id)


def settle(page) -> None:
    """Wait until htmx has no request in flight (autosave on change, swaps)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    page.wait_for_load_state("networkidle")


def answer(page, name: str, value) -> None:
    """Give one answer as a person would; a question that is not on the page does not apply."""
    control = page.locator(f'[name="{name}"]')
    if control.count() == 0:
        return
    kind = control.first.evaluate("element => element.tagName + ':' + (element.type || '')")
    if kind == "SELECT:select-one":
        control.first.select_option(str(value))
    elif kind == "INPUT:radio":
        page.check(f'[name="{name}"][value="{value}"]')
    elif kind == "INPUT:checkbox":
        control.first.set_checked(bool(value))
    else:
        control.first.fill("" if value is None else str(value))
        control.first.dispatch_event("change")
    settle(page)


def fill_step(page, step, answers: dict) -> None:
    # Twice: an answer can bring in a follow-up question (htmx swaps it in on change).
    for _ in range(2):
        for field in step.fields:
            if field.name not in answers:
                continue
            value = answers[field.name]
            if field.kind != "group":
                answer(page, field.name, value)
                continue
            for index, row in enumerate(value or []):
                first_cell = f"{field.name}__{index}__{field.columns[0].name}"
                if page.locator(f'[name="{first_cell}"]').count() == 0:
                    page.click(f'button[name="add_row__{field.name}"]')
                    page.locator(f'[name="{first_cell}"]').wait_for()
                for column in field.columns:
                    answer(page, f"{field.name}__{index}__{column.name}", row.get(column.name))


@pytest.mark.parametrize("client_key, email, triage, key, answers", CASES, ids=[case[3] for case in CASES])
def test_a_caseworker_completes_a_citizenship_packet_in_the_browser(live_portal, desktop, client_key, email, triage,
                                                                   key, answers):
    base, app = live_portal
    page = desktop
    packet_type = get_packet_type(key)
    page.goto(base + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", "passage-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)

    # Triage: the client file answers most questions; the caseworker adds the signing date and the rest.
    page.goto(f"{base}/clients/{client_id(app, client_key)}/start")
    page.fill("#planned_signing_date", SIGNING)
    for name, checked in triage.items():
        page.locator(f"#{name}").set_checked(checked)
    page.get_by_role("button", name="Suggest an application").click()
    start = page.get_by_role("button", name=f"Start: {packet_type.title}")
    start.wait_for()
    start.click()
    page.wait_for_url("**/packets/*")

    page.locator(".step-list a, a[href*='/steps/']").first.click()
    page.wait_for_url("**/steps/*")
    page.evaluate("window.sameDocument = true")  # survives htmx swaps, not a page load
    visited = []
    while "/review" not in page.url:
        step_key = page.url.rsplit("/", 1)[-1]
        visited.append(step_key)
        assert len(visited) <= len(packet_type.steps), f"the steps never reached the review: {visited}"
        fill_step(page, packet_type.step(step_key), answers)
        before = page.url
        page.locator("button[name=action][value=next]:not(.default-submit)").click()
        # The next step (or the review), or this step again with its errors beside the fields.
        page.wait_for_function("before => location.href !== before || document.querySelector('.field__error')",
                               arg=before)
        settle(page)
        assert page.locator(".field__error").count() == 0, (step_key, page.locator(".field__error").all_inner_texts())
        if "/review" not in page.url:  # the review is a page of its own; steps are swapped in
            assert page.evaluate("window.sameDocument === true"), "the next step was swapped in, not loaded"

    assert len(visited) >= 4, visited
    page.reload()  # the review's own URL is a real page
    page.get_by_role("heading", name="Still missing").wait_for()
    assert page.locator(".badge--error", has_text="Missing").count() == 0, page.locator("main").inner_text()[:2000]
    assert "answers are missing" not in page.content() and "answer is missing" not in page.content()
