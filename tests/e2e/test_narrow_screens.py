"""At 320 CSS pixels (a small phone, or 1280 px zoomed to 400 %) nothing scrolls sideways and no short word is
cut inside: the sign-in page, a caseworker's lists, a client's file and a packet's pages, and the dashboard."""
import pytest

from tests.support.live import sign_in_page

pytestmark = pytest.mark.e2e
NARROW = {"width": 320, "height": 640}


def _fits(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= NARROW["width"], f"{page.url}: {width} px wide"


# Words of up to this many letters are never cut across two lines (longer ones, like an email address, may be).
SHORT_WORD = 12


def _no_word_split(page) -> None:
    """No short word is broken inside: a table squeezed into 320 px cut "Status" into "Stat" and "us"."""
    split = page.evaluate("""(limit) => {
        const found = [];
        const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode;
            if (!node.parentElement.checkVisibility()) continue;
            // Text kept for screen readers only (a 1-pixel box, like a stacked table's header row) is not read by eye.
            let hidden = false;
            for (let element = node.parentElement; element && !hidden; element = element.parentElement) {
                hidden = element.getBoundingClientRect().width <= 1;
            }
            if (hidden) continue;
            for (const match of node.textContent.matchAll(/\\S+/g)) {
                // A hyphen is a place to break like a space (2027-01-21 may end a line at "2027-").
                if (match[0].length > limit || match[0].includes('-')) continue;
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
                if (tops.size > 1) found.push(match[0]);
            }
        }
        return found;
    }""", SHORT_WORD)
    assert not split, f"{page.url}: words cut across lines: {split[:10]}"


def test_nothing_scrolls_sideways_at_320_pixels(live_server, browser):
    page = browser.new_context(viewport=NARROW).new_page()
    page.set_default_timeout(15000)
    page.goto(live_server + "/sign-in")
    _fits(page)
    page.fill("#email", "caseworker@peel.demo")
    page.fill("#password", "passage-demo-2026")
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/sign-in" not in url)
    for path in ("/partners/", "/clients/", "/library/", "/consultations/", "/referrals/", "/my-work"):
        page.goto(live_server + path)
        _fits(page)
        _no_word_split(page)
    # A client's file and one of their applications, found from the list as a caseworker would.
    page.goto(live_server + "/clients/?q=Mohammadi")
    page.click("#client-results tbody a")
    page.wait_for_selector("#client-packets-heading")
    _fits(page)
    _no_word_split(page)
    page.click("main table a[href*='/packets/']")
    page.wait_for_function("() => /^\\/packets\\/[0-9a-f-]{36}$/.test(location.pathname)")
    packet = page.url
    for path in ("", "/evidence", "/review"):
        assert page.goto(packet + path).ok
        page.wait_for_load_state("networkidle")
        _fits(page)
        _no_word_split(page)


def test_the_dashboard_on_a_phone_keeps_names_and_dates_whole(live_server, browser):
    page = browser.new_context(viewport=NARROW).new_page()
    page.set_default_timeout(15000)
    sign_in_page(page, live_server, "manager@peel.demo")
    for path in ("/dashboard/", "/dashboard/packets"):
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        _fits(page)
        _no_word_split(page)
    # A table of figures wider than the phone scrolls in its own region, which the keyboard can reach.
    page.goto(live_server + "/dashboard/")
    wide = page.locator(".table-wrap[role=region]").evaluate_all(
        "regions => regions.filter(r => r.scrollWidth > r.clientWidth).map(r => r.getAttribute('tabindex'))")
    assert wide and set(wide) == {"0"}
