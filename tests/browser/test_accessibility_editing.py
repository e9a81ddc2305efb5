"""axe-core on every editing page and state: no serious or critical violation (WCAG 2.1 A/AA rules).

The reader pages are held to "no violation at all" in test_accessibility.py.
"""

import pytest
from playwright.sync_api import expect

from actions.models import Action
from recommendations.models import Recommendation
from tests.browser.axe import SERIOUS, violations, violations_by_url
from tests.browser.test_editing_agreement import ROW_TEXT, log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_evaluation_staff_pages_have_no_serious_violations(live_server, page, seed_response, evaluation_staff):
    log_in(page, live_server, evaluation_staff)
    rec = Recommendation.objects.get(text__startswith=ROW_TEXT)
    urls = [
        seed_response.get_absolute_url(),
        f"/responses/{seed_response.slug}/edit/",
        f"/recommendations/{rec.pk}/agreement/",
        f"/recommendations/response/{seed_response.slug}/",
        rec.get_absolute_url(),
        f"/recommendations/response/{seed_response.slug}/groups/add/",
        f"/recommendations/groups/{rec.theme.group_id}/edit/",
        f"/recommendations/groups/{rec.theme.group_id}/delete/",
        f"/recommendations/groups/{rec.theme.group_id}/themes/add/",
        f"/recommendations/themes/{rec.theme_id}/edit/",
        f"/recommendations/themes/{rec.theme_id}/recommendations/add/",
        f"/recommendations/{rec.pk}/edit/",
        f"/recommendations/{rec.pk}/delete/",
        f"/responses/{seed_response.slug}/people/",
        f"/responses/{seed_response.slug}/activity/",
        "/accounts/password_change/",
    ]
    assert violations_by_url(page, live_server, urls, SERIOUS) == {}


def test_the_inline_forms_have_no_serious_violations_open_or_refused(
    live_server, page, seed_response, evaluation_staff
):
    log_in(page, live_server, evaluation_staff)
    page.goto(live_server.url + seed_response.get_absolute_url())
    row = page.locator("tr.recommendation-row", has_text=ROW_TEXT)
    row.get_by_role("link", name="Wijzig mate van akkoord").click()
    expect(row.get_by_label("Mate van akkoord")).to_be_focused()
    assert violations(page, SERIOUS) == []

    row.get_by_label("Mate van akkoord").select_option(label="niet akkoord")
    row.get_by_role("button", name="Opslaan").click()
    expect(row.get_by_text("Geef een motivering")).to_be_visible()
    assert violations(page, SERIOUS) == []


def test_project_team_pages_have_no_serious_violations(live_server, page, seed_response, project_member):
    log_in(page, live_server, project_member)
    action = Action.objects.get(response=seed_response, number="3")
    part = Action.objects.get(response=seed_response, number="1.1")
    link = action.links.first()
    urls = [
        seed_response.get_absolute_url(),
        action.get_absolute_url(),
        f"/actions/{action.pk}/status/",
        f"/actions/{action.pk}/edit/",
        f"/actions/{part.pk}/status/",
        f"/actions/response/{seed_response.slug}/",
        f"/actions/response/{seed_response.slug}/add/",
        f"/actions/{action.pk}/parts/add/",
        f"/actions/{action.pk}/progress/",
        f"/actions/{action.pk}/delete/",
        f"/actions/{action.pk}/links/",
        f"/actions/{action.pk}/links/add/",
        f"/actions/links/{link.pk}/edit/",
        f"/actions/links/recommendation/{link.recommendation_id}/",
        f"/actions/links/recommendation/{link.recommendation_id}/add/",
    ]
    assert violations_by_url(page, live_server, urls, SERIOUS) == {}


def test_the_inline_status_form_has_no_serious_violations_open_or_refused(
    live_server, page, seed_response, project_member
):
    log_in(page, live_server, project_member)
    page.goto(live_server.url + seed_response.get_absolute_url())
    action = Action.objects.get(response=seed_response, number="4")
    block = page.locator(f"#status-{action.pk}")
    block.get_by_role("link", name="Wijzig status van actie 4").click()
    expect(block.get_by_label("Status", exact=True)).to_be_focused()
    assert violations(page, SERIOUS) == []

    # The browser's maxlength stops this in real use; lift it to show the server's error state.
    note = block.get_by_label("Tijdsaanduiding")
    note.evaluate("el => el.removeAttribute('maxlength')")
    note.fill("x" * 300)
    block.get_by_role("button", name="Opslaan").click()
    expect(note).to_have_attribute("aria-invalid", "true")
    assert violations(page, SERIOUS) == []
