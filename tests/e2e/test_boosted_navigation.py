"""A link that leads to another page loads that page, even inside a search form that updates its results in place.

The body boosts links and forms (htmx), and htmx lets an element inherit its ancestors' hx-target: a client's
name in the search results, or the dashboard's "Clear", swapped the whole next page into the results box,
under the first page's header and search form.
"""
import pytest

from tests.support.live import sign_in_page

pytestmark = pytest.mark.e2e


def _one_page(page, heading: str) -> None:
    page.wait_for_load_state("networkidle")
    assert page.locator("header.site-header, body > header").count() == 1
    assert page.locator("h1").count() == 1
    assert heading in page.locator("h1").inner_text()


def test_a_client_found_by_search_opens_as_its_own_page(live_server, browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15000)
    sign_in_page(page, live_server, "caseworker@peel.demo")
    page.goto(live_server + "/clients/")
    page.fill("#q", "Alireza")
    page.wait_for_function("() => document.querySelectorAll('#client-results tbody tr').length === 1")
    page.click("#client-results a:has-text('Mohammadi')")
    page.wait_for_function("() => /^\\/clients\\/[0-9a-f-]{36}$/.test(location.pathname)")
    _one_page(page, "Mohammadi")
    assert page.locator("#client-search").count() == 0
    page.go_back()  # the search page again (htmx keeps no copy: it asks the server)
    page.wait_for_selector("#client-search")
    _one_page(page, "Clients")


def test_the_dashboards_clear_link_loads_the_dashboard_once(live_server, browser):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15000)
    sign_in_page(page, live_server, "manager@peel.demo")
    page.goto(live_server + "/dashboard/?type=cit_0403")
    heading = page.locator("h1").inner_text()
    page.click(".dashboard-filters a:has-text('Clear')")
    page.wait_for_function("() => !location.search.includes('type=')")
    _one_page(page, heading)
    assert page.locator(".dashboard-filters").count() == 1
