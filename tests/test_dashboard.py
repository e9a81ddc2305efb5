"""The dashboard: the home page of a logged-in user."""

import datetime
import re

import pytest
from django.db import connection  # noqa: F401  the skipif condition reads it
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionFactory, ManagementResponseFactory, ProgressUpdateFactory, RecommendationFactory
from tests.fixtures import grant, make_user
from tracking.dashboard import PER_PAGE, figures_for, quarter_ends

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
HTMX = {"HX-Request": "true"}


def shown(html):
    return re.findall(r'<tr id="dashboard-([^"]+)"', html)


@pytest.fixture
def portfolio(db, django_user_model):
    anna = make_user(django_user_model, "anna", first_name="Anna")
    wse = ManagementResponseFactory(
        slug="wse",
        title="Leerecosystemen",
        organisation="Europa WSE",
        evaluation_delivered_on=datetime.date(2024, 9, 30),
    )
    undp = ManagementResponseFactory(
        slug="undp", title="Country programme", organisation="UNDP", status="draft",
        evaluation_delivered_on=datetime.date(2025, 2, 1),
    )  # fmt: skip
    ManagementResponseFactory(slug="hidden", title="Niet van mij", status="draft")
    grant(anna, wse, "project_team")
    grant(anna, undp, "reader")
    parent = ActionFactory(response=wse, number="1", status="realised", title="Oproepkader aanpassen")
    ActionFactory(response=wse, number="1.1", parent=parent, status="inherited")
    mine = ActionFactory(response=wse, number="2", status="in_progress", due_date=YESTERDAY, title="Leertraject")
    mine.owners.add(anna)
    ActionFactory(response=wse, number="3", status="not_applicable")
    ActionFactory(response=undp, number="1", status="to_start", title="Monitoring framework")
    RecommendationFactory(theme__group__response=wse, agreement="agree", text="Versterk de partnerschappen.")
    RecommendationFactory(theme__group__response=wse, agreement="partially_agree")
    RecommendationFactory(theme__group__response=undp, agreement="disagree")
    return anna, wse, undp


def test_figures_per_response(portfolio):
    _anna, wse, undp = portfolio

    figures = figures_for([wse.pk, undp.pk], today=TODAY)

    f = figures[wse.pk]
    assert f.statuses == {"to_start": 0, "in_progress": 1, "realised": 2, "not_applicable": 1, "cancelled": 0, "": 0}
    assert f.implementation_rate == 67  # 2 of 3 (the dropped one left out); the part counts as realised
    assert f.overdue == 1
    assert f.agreements == {"agree": 1, "partially_agree": 1, "disagree": 0, "": 0}
    assert figures[undp.pk].implementation_rate == 0


def test_a_logged_in_user_gets_the_dashboard_with_their_own_actions_first(client, portfolio):
    anna, _wse, _undp = portfolio
    client.force_login(anna)

    html = client.get("/").content.decode()

    assert "<h1>Dashboard</h1>" in html
    mine = html.split("Mijn open acties", 1)[1].split("</section>", 1)[0]
    assert "Leertraject" in mine
    assert "badge--overdue" in mine
    assert sorted(shown(html)) == ["undp", "wse"]  # not the draft she is no member of
    assert "67%" in html
    assert 'role="img"' in html
    assert "Gerealiseerd: 2" in html


def test_anonymous_visitors_keep_the_published_list(client, portfolio):
    html = client.get("/").content.decode()

    assert "Dashboard" not in html
    assert "Leerecosystemen" in html
    assert "Country programme" not in html


def test_filters(client, portfolio):
    anna, _wse, _undp = portfolio
    client.force_login(anna)

    assert shown(client.get("/", {"organisation": "UNDP"}).content.decode()) == ["undp"]
    assert shown(client.get("/", {"year": "2024"}).content.decode()) == ["wse"]
    assert shown(client.get("/", {"status": "draft"}).content.decode()) == ["undp"]
    assert shown(client.get("/", {"overdue": "1"}).content.decode()) == ["wse"]
    assert shown(client.get("/", {"year": "x", "status": "<b>"}).content.decode()) != []


def test_search_finds_responses_by_their_recommendations_and_actions(client, portfolio):
    anna, _wse, _undp = portfolio
    client.force_login(anna)

    assert shown(client.get("/", {"q": "partnerschappen"}).content.decode()) == ["wse"]
    assert shown(client.get("/", {"q": "monitoring"}).content.decode()) == ["undp"]
    assert shown(client.get("/", {"q": "country"}).content.decode()) == ["undp"]
    assert "Geen managementresponses" in client.get("/", {"q": "zzzz"}).content.decode()


def test_htmx_gets_the_results_only(client, portfolio):
    anna, _wse, _undp = portfolio
    client.force_login(anna)

    html = client.get("/", {"organisation": "UNDP"}, headers=HTMX).content.decode()

    assert html.lstrip().startswith('<div id="dashboard-resultaten">')
    assert shown(html) == ["undp"]


def over_time(html):
    """The over-time chart's text alternative: [(label, percent)]."""
    text = html.split('id="grafiek-tijd-tekst">', 1)[1].split("</p>", 1)[0]
    return [(label, int(percent)) for label, percent in re.findall(r"(K\d \d{4}): (\d+)%", text)]


def at(day):
    """Noon of ``day``, in the current time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def test_implementation_over_time_follows_the_status_history_without_progress_entries(client, django_user_model):
    from actions.models import Action, ProgressUpdate

    anna = make_user(django_user_model, "anna")
    response = ManagementResponseFactory()
    grant(anna, response, "project_team")
    ends = quarter_ends(TODAY, 8)
    # Two actions made before the first quarter on the chart ended, statuses set later by plain
    # saves (as an import or the admin would): no progress entry anywhere.
    first, second = (
        ActionFactory.build(response=response, number=str(n), status="to_start", title=f"Actie {n}") for n in (1, 2)
    )
    for action in (first, second):
        action._history_date = at(ends[0][1] - datetime.timedelta(days=10))
        action.save()
    first.status = "realised"
    first._history_date = at(ends[4][1] - datetime.timedelta(days=5))
    first.save()
    dropped = ActionFactory.build(response=response, number="3", status="not_applicable")
    dropped._history_date = at(ends[2][1])
    dropped.save()
    del second._history_date
    second.status = "realised"
    second.save()  # today
    assert not ProgressUpdate.objects.exists()
    assert Action.objects.filter(status="realised").count() == 2
    client.force_login(anna)

    points = over_time(client.get("/").content.decode())

    assert [label for label, _percent in points] == [label for label, _end in ends]
    assert [percent for _label, percent in points] == [0, 0, 0, 0, 50, 50, 50, 100]


def test_the_seed_shows_its_current_implementation_rate_at_the_last_point(client, seed_response, django_user_model):
    anna = make_user(django_user_model, "anna")
    grant(anna, seed_response, "reader")
    client.force_login(anna)

    html = client.get("/").content.decode()

    rate = figures_for([seed_response.pk], today=TODAY)[seed_response.pk].implementation_rate
    assert rate == 40
    assert over_time(html)[-1] == (quarter_ends(TODAY, 8)[-1][0], 40)


@pytest.mark.parametrize("size", [5, 100])
def test_the_dashboard_costs_the_same_whatever_the_number_of_responses(
    client, django_assert_max_num_queries, django_user_model, size
):
    anna = make_user(django_user_model, "anna")
    for index in range(size):
        response = ManagementResponseFactory(evaluation_delivered_on=datetime.date(2020 + index % 5, 1, 1))
        grant(anna, response, "project_team")
        action = ActionFactory(response=response, due_date=YESTERDAY)
        action.owners.add(anna)
        ActionFactory(response=response, parent=action, status="inherited")
        RecommendationFactory(theme__group__response=response)
        ProgressUpdateFactory(action=action, status="realised")
    client.force_login(anna)
    # session, user: 2; the responses (memberships as a subquery); the action figures; the
    # recommendation figures; the user's own open actions; the years; the status history;
    # the organisations: 7; the user's and their groups' permissions (the create button asks): 2 -> 11.
    with django_assert_max_num_queries(11):
        page = client.get(reverse("tracking:home"))
    assert len(shown(page.content.decode())) == min(size, PER_PAGE)
    with django_assert_max_num_queries(11):  # the last page: the same queries
        page = client.get(reverse("tracking:home"), {"page": "last"})
    assert len(shown(page.content.decode())) == size % PER_PAGE or PER_PAGE


def test_the_table_is_paginated_and_its_page_links_keep_the_filters_and_the_search(client, django_user_model):
    anna = make_user(django_user_model, "anna")
    for n in range(PER_PAGE + 5):
        response = ManagementResponseFactory(slug=f"r{n:02d}", title=f"Evaluatie {n:02d}", organisation="UNDP")
        grant(anna, response, "reader")
        ActionFactory(response=response, status="realised" if n % 2 else "to_start")
    other = ManagementResponseFactory(slug="other", title="Evaluatie elders", organisation="FAO")
    grant(anna, other, "reader")
    client.force_login(anna)
    query = {"organisation": "UNDP", "q": "evaluatie"}

    first = client.get("/", query).content.decode()
    assert len(shown(first)) == PER_PAGE
    assert "other" not in shown(first)
    assert f"{PER_PAGE + 5} managementresponses" in first  # the count and the charts: every match
    assert "Gerealiseerd: 15" in first
    assert "Pagina 1 van 2" in first
    nxt = re.search(r'<a href="([^"]+)" hx-get="([^"]+)" rel="next">', first)
    assert nxt
    assert nxt.group(1) == nxt.group(2)
    link = nxt.group(1).replace("&amp;", "&")
    assert link.startswith("?")
    assert set(link[1:].split("&")) == {"organisation=UNDP", "q=evaluatie", "page=2"}

    second = client.get("/" + link).content.decode()
    assert len(shown(second)) == 5
    assert not set(shown(first)) & set(shown(second))
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second

    # htmx gets the results only, with the page links in them.
    fragment = client.get("/" + link, headers=HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="dashboard-resultaten">')
    assert len(shown(fragment)) == 5
    assert "Pagina 2 van 2" in fragment
    # A page that is not there: the nearest one, not an error.
    assert len(shown(client.get("/", {**query, "page": "99"}).content.decode())) == 5
    assert len(shown(client.get("/", {**query, "page": "x"}).content.decode())) == PER_PAGE


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="full-text search is PostgreSQL's")
def test_postgresql_search_stems_dutch_and_english_words(client, portfolio):
    anna, _wse, _undp = portfolio
    client.force_login(anna)

    assert shown(client.get("/", {"q": "versterken"}).content.decode()) == ["wse"]  # Dutch stem of "Versterk"
    assert shown(client.get("/", {"q": "programmes"}).content.decode()) == ["undp"]  # English stem
