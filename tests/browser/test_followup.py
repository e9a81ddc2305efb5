"""The follow-up in a browser: the project team records a review round and the dashboard's figures change;
the new pages pass axe and raise no CSP violation."""

import datetime

import pytest
from playwright.sync_api import expect

from actions.models import Action
from tests.browser.axe import violations_by_url
from tests.browser.test_editing_agreement import log_in
from tracking.models import ReviewRound

pytestmark = pytest.mark.django_db(transaction=True)


def rate_of(page, response):
    return page.locator(f"#dashboard-{response.slug} .dashboard-rate").inner_text().strip()


def test_project_team_records_a_review_round_and_the_dashboard_changes(
    live_server, page, seed_response, project_member, console_errors
):
    review_round = ReviewRound.objects.create(response=seed_response, name="2025 H1", date=datetime.date(2025, 6, 30))
    action = Action.objects.get(response=seed_response, number="4")  # op te starten
    log_in(page, live_server, project_member)

    page.goto(live_server.url + "/")
    before = rate_of(page, seed_response)

    page.goto(live_server.url + review_round.get_absolute_url())
    page.get_by_label("Status van actie 4", exact=True).select_option("realised")
    page.get_by_label("Opmerking bij actie 4", exact=True).fill("Onderzoek gegund.")
    page.get_by_role("button", name="Ronde opslaan").click()
    expect(page.get_by_text("1 acties gemeld in deze ronde.")).to_be_visible()
    expect(page.locator(f"#ronde-actie-{action.pk}")).to_contain_text("Onderzoek gegund.")

    page.goto(live_server.url + "/")
    after = rate_of(page, seed_response)
    assert before != after
    assert int(after.rstrip("%")) > int(before.rstrip("%"))
    assert console_errors == []


def test_the_follow_up_pages_have_no_violations(live_server, page, seed_response, evaluation_staff, console_errors):
    review_round = ReviewRound.objects.create(response=seed_response, name="2025 H1", date=datetime.date(2025, 6, 30))
    action = Action.objects.get(response=seed_response, number="4")
    action.due_date = datetime.date(2025, 1, 1)
    action.save()
    log_in(page, live_server, evaluation_staff)
    urls = [
        "/",
        f"/responses/{seed_response.slug}/follow-up/",
        f"/responses/{seed_response.slug}/follow-up/?overdue=1&sort=deadline",
        f"/responses/{seed_response.slug}/rounds/",
        review_round.get_absolute_url(),
        action.get_absolute_url(),
    ]
    assert violations_by_url(page, live_server, urls) == {}
    assert console_errors == []


def test_filters_swap_the_follow_up_table_with_htmx(live_server, page, seed_response, project_member):
    action = Action.objects.get(response=seed_response, number="4")
    action.due_date = datetime.date(2025, 1, 1)
    action.save()
    log_in(page, live_server, project_member)
    page.goto(live_server.url + f"/responses/{seed_response.slug}/follow-up/")
    rows = page.locator("tr[id^=opvolging-actie-]")
    expect(rows).not_to_have_count(1)

    page.get_by_label("Alleen achterstallige").check()

    expect(rows).to_have_count(1)
    assert "overdue=1" in page.url


def test_the_dashboards_page_links_swap_the_results_and_keep_the_filter(
    live_server, page, django_user_model, console_errors
):
    from tests.factories import ManagementResponseFactory
    from tests.fixtures import grant, make_user

    anna = make_user(django_user_model, "anna")
    for n in range(30):
        grant(anna, ManagementResponseFactory(slug=f"undp-{n:02d}", organisation="UNDP"), "reader")
    grant(anna, ManagementResponseFactory(slug="fao", organisation="FAO"), "reader")
    log_in(page, live_server, anna)
    page.goto(live_server.url + "/?organisation=UNDP")
    rows = page.locator("tr[id^=dashboard-]")
    expect(rows).to_have_count(25)
    first = set(rows.evaluate_all("rows => rows.map(r => r.id)"))
    page.evaluate("window.sameDocument = true")

    page.get_by_role("link", name="Volgende").click()

    expect(page.get_by_text("Pagina 2 van 2")).to_be_visible()
    expect(rows).to_have_count(5)
    second = set(rows.evaluate_all("rows => rows.map(r => r.id)"))
    assert not first & second
    assert "dashboard-fao" not in second
    assert page.evaluate("window.sameDocument === true")  # htmx swapped the results, no new page
    assert "organisation=UNDP" in page.url
    assert "page=2" in page.url
    expect(page.locator("#filter-organisatie")).to_have_value("UNDP")
    page.get_by_role("link", name="Vorige").click()
    expect(rows).to_have_count(25)
    assert console_errors == []
