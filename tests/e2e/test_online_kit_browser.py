"""The online path in Chromium, on the demo data: build the online kit from the packet page (the same progress
box as the PDF), download the zip, then copy an answer from the copy sheet with the keyboard alone."""
import zipfile

import pytest
from sqlmodel import select

pytestmark = pytest.mark.e2e


def _haddad_packet(app) -> str:
    from portal.db import session_scope
    from portal.demo.people import CLIENTS
    from portal.models import Client, Packet

    row = next(row for row in CLIENTS if row[2] == "haddad-amira")
    with app.app_context(), session_scope(app) as session:
        client = session.exec(select(Client).where(Client.family_name == row[3], Client.given_names == row[4])).one()
        packet = session.exec(select(Packet).where(Packet.client_id == client.id,
                                                   Packet.packet_type == "cit_0403")).one()
        return str(packet.id)


def _work(app) -> None:
    from rq import SimpleWorker

    from portal import queue

    with app.app_context():
        SimpleWorker([queue.get_queue(app)], connection=queue.connection(app)).work(burst=True)


def row_name_absent(filename: str) -> bool:
    from portal.demo.people import CLIENTS

    row = next(row for row in CLIENTS if row[2] == "haddad-amira")
    return row[3] not in filename and row[4] not in filename


def test_build_the_online_kit_and_copy_a_value_with_the_keyboard(live_portal, browser):
    base, app = live_portal
    packet_id = _haddad_packet(app)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(base + "/sign-in")
    page.fill("#email", "caseworker@peel.demo")
    page.fill("#password", "passage-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)

    page.goto(f"{base}/packets/{packet_id}")
    page.get_by_role("heading", name="How to send it to IRCC").wait_for()
    page.get_by_role("button", name="Build the online kit").click()
    page.locator("#kit-status progress, #kit-status .badge").first.wait_for()  # the progress box, polling
    _work(app)  # the worker's turn: the live portal runs no worker thread
    download_link = page.get_by_role("link", name="Download the kit (zip)")
    download_link.wait_for()
    assert "DRAFT" in page.locator("#kit-status").inner_text()
    with page.expect_download() as waiting:
        download_link.click()
    download = waiting.value
    assert download.suggested_filename.endswith("-DRAFT.zip") and row_name_absent(download.suggested_filename)
    names = zipfile.ZipFile(download.path()).namelist()
    assert "Cover-letter.pdf" in names and "manifest.txt" in names
    assert any(name.startswith("Proof-of-guardianship_") for name in names), names

    page.goto(f"{base}/packets/{packet_id}/copy-sheet")
    page.get_by_role("heading", name="Copy sheet", exact=False).first.wait_for()
    field = page.locator("input.copy-value").first
    value = field.input_value()
    assert value
    field.focus()
    page.keyboard.press("Tab")  # from the value to its Copy button
    focused = page.evaluate("document.activeElement.className")
    assert "copy-button" in focused
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('copy-status').textContent.length > 0")
    assert page.evaluate("navigator.clipboard.readText()") == value
    # A section's tick box keeps its place across a reload (in this browser only).
    done = page.locator(".copy-done input").first
    done.focus()
    page.keyboard.press("Space")
    page.reload()
    assert page.locator(".copy-done input").first.is_checked()
    context.close()
