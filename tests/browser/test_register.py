"""The public register in Chromium, as an anonymous visitor on a phone (390 px): search and filters
swap the results in place, nothing scrolls sideways, no WCAG or CSP violation.

Set SHOTS_DIR to keep full-page screenshots of each state (for looking at them)."""

import pytest
from playwright.sync_api import expect

from interchange.importer import import_file
from tests.browser.axe import violations
from tests.browser.test_publishing import shoot
from tests.browser.test_security import CSP_LISTENER
from tests.test_register import DATA, publish_version

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_anonymous_visitor_searches_and_filters_the_register_on_a_phone(live_server, page, seed_response):
    publish_version(seed_response)
    publish_version(import_file(DATA / "uneg-matrix.yaml"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.add_init_script(CSP_LISTENER)

    page.goto(live_server.url + "/register/")
    expect(page.locator(".register-item")).to_have_count(2)
    shoot(page, "register-1-all")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The search swaps the results (htmx) and puts the query in the address bar.
    page.get_by_label("Zoeken in titel, organisatie en tekst").fill("leerecosystemen")
    page.get_by_role("button", name="Zoeken").click()
    expect(page.locator(".register-item")).to_have_count(1)
    expect(page.locator(".register-item h2")).to_have_text("Managementresponse evaluatieopdracht leerecosystemen")
    assert "q=leerecosystemen" in page.url
    page.get_by_label("Zoeken in titel, organisatie en tekst").fill("")
    page.get_by_label("Mate van akkoord").select_option("partially_agree")  # a change submits the form
    expect(page.locator(".register-item")).to_have_count(2)
    page.get_by_label("Organisatie", exact=True).select_option("Europa WSE")
    expect(page.locator(".register-item")).to_have_count(1)
    shoot(page, "register-2-filtered")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # The response's document, from the register.
    page.locator(".register-item h2 a").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("leerecosystemen")
    assert page.evaluate("window.__csp") == []
