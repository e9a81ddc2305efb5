"""The document page in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_opens_the_document_and_sees_the_table(live_server, page, console_errors, seed_response):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Managementresponse evaluatieopdracht leerecosystemen").click()

    expect(page.get_by_role("heading", name="III. Aanbevelingen en (re)acties Europa WSE")).to_be_visible()
    table = page.locator("table.recommendations")
    expect(table).to_be_visible()
    expect(table.locator("thead th")).to_have_text(
        ["Locatie rapport", "Aanbeveling", "Mate van akkoord vanuit Europa WSE", "Actienummer(s)"]
    )
    expect(table.locator("tr.recommendation-row")).to_have_count(19)
    expect(table.locator("tr.group-row")).to_have_count(3)
    row = table.locator("tr.recommendation-row", has_text="Zet bewuster in op het werken met brugfiguren")
    expect(row.locator("td.agreement")).to_have_text("Akkoord")
    expect(row.locator("td.links")).to_contain_text("Actie 5 – kennisdeling 4")
    # Nothing was blocked by the Content Security Policy, no script failed.
    assert console_errors == []


def test_following_a_link_from_the_table_opens_the_action(live_server, page, seed_response):
    page.goto(live_server.url + seed_response.get_absolute_url())
    row = page.locator("tr.recommendation-row", has_text="Zet bewuster in op het werken met brugfiguren")
    row.get_by_role("link", name="Actie 5 – kennisdeling 4").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verspreiden van de resultaten")
    expect(page.get_by_text("Zet bewuster in op het werken met brugfiguren")).to_be_visible()


def test_switching_to_english_translates_the_interface_not_the_document(live_server, page, seed_response):
    page.goto(live_server.url + seed_response.get_absolute_url())
    page.get_by_role("button", name="EN").click()
    expect(page.get_by_role("link", name="Export as YAML")).to_be_visible()
    expect(page.get_by_role("heading", name="I. Inleiding")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
