"""The follow-up page of a response: every action with owners, units, deadline, status, progress; filters and sorting."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    ManagementResponseFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
)
from tests.fixtures import grant, make_user

HTMX = {"HX-Request": "true"}
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


@pytest.fixture
def tracked(db, django_user_model):
    """A response with three actions: one overdue (owned by Anna), one realised, one due next month (Bart's)."""
    response = ManagementResponseFactory(status="draft")
    anna = make_user(django_user_model, "anna", first_name="Anna", last_name="Peeters")
    bart = make_user(django_user_model, "bart", first_name="Bart", last_name="Claes")
    grant(anna, response, "project_team")
    grant(bart, response, "reader")
    late = ActionFactory(
        response=response, number="1", title="Oproep herschrijven", status="in_progress", due_date=YESTERDAY,
        responsible_units=["Team Oproepen"], time_frame="Q1 2025",
    )  # fmt: skip
    late.owners.add(anna)
    ActionFactory(
        response=response, number="2", title="Leertraject", status="realised", due_date=YESTERDAY,
        responsible_units=["Team Leren"],
    )  # fmt: skip
    soon = ActionFactory(
        response=response, number="3", title="Kennisdeling", status="to_start",
        due_date=TODAY + datetime.timedelta(days=30), responsible_units=["Team Leren", "Team Oproepen"],
    )  # fmt: skip
    soon.owners.add(bart)
    ProgressUpdateFactory(action=late, note="Werkgroep samengekomen.", date=YESTERDAY, author=anna)
    ProgressUpdateFactory(action=late, note="Eerste ontwerp klaar.", date=TODAY, author=anna)
    return response, anna, bart


def rows_of(html):
    return re.findall(r'id="opvolging-actie-\d+".*?<a href="[^"]+">([^<]+)</a>', html, re.S)


def get(client, response, **params):
    return client.get(reverse("tracking:followup", args=[response.slug]), params)


def test_members_see_every_action_with_owners_units_deadline_status_and_log(client, tracked):
    response, anna, _bart = tracked
    client.force_login(anna)

    page = get(client, response)

    assert page.status_code == 200
    html = page.content.decode()
    assert rows_of(html) == ["1", "2", "3"]
    assert "Anna Peeters" in html
    assert "Bart Claes" in html
    assert "Team Leren, Team Oproepen" in html
    assert "Q1 2025" in html
    assert html.count("badge--overdue") == 1  # the realised one is not overdue
    assert "<details" in html
    assert "Werkgroep samengekomen." in html
    assert "Eerste ontwerp klaar." in html
    assert "Voortgang (2 meldingen)" in html


def test_filters_by_status_owner_unit_and_overdue(client, tracked):
    response, anna, bart = tracked
    client.force_login(anna)

    assert rows_of(get(client, response, status="realised").content.decode()) == ["2"]
    assert rows_of(get(client, response, status="open").content.decode()) == ["1", "3"]
    assert rows_of(get(client, response, owner=bart.pk).content.decode()) == ["3"]
    assert rows_of(get(client, response, unit="Team Leren").content.decode()) == ["2", "3"]
    assert rows_of(get(client, response, overdue="1").content.decode()) == ["1"]
    assert rows_of(get(client, response, unit="Team Oproepen", owner=anna.pk).content.decode()) == ["1"]
    nothing = get(client, response, status="realised", overdue="1").content.decode()
    assert "Geen acties die aan deze filters voldoen." in nothing


def test_nonsense_in_the_query_string_is_ignored(client, tracked):
    response, anna, _bart = tracked
    client.force_login(anna)

    page = get(client, response, status="<script>", owner="x", sort="drop table", overdue="yes")

    assert page.status_code == 200
    assert rows_of(page.content.decode()) == ["1", "2", "3"]


def test_sorting_by_deadline_status_and_last_update(client, tracked):
    response, anna, _bart = tracked
    client.force_login(anna)

    assert rows_of(get(client, response, sort="deadline").content.decode()) == ["1", "2", "3"]
    assert rows_of(get(client, response, sort="status").content.decode()) == ["3", "1", "2"]
    assert rows_of(get(client, response, sort="updated").content.decode())[0] == "1"
    html = get(client, response, sort="status", overdue="1").content.decode()
    assert 'aria-sort="ascending"' in html
    assert "?overdue=1&amp;sort=deadline" in html  # the sort links keep the filters


def test_htmx_gets_the_table_only(client, tracked):
    response, anna, _bart = tracked
    client.force_login(anna)

    fragment = client.get(reverse("tracking:followup", args=[response.slug]), {"overdue": "1"}, headers=HTMX)

    html = fragment.content.decode()
    assert html.lstrip().startswith('<section id="opvolging"')
    assert "<html" not in html
    assert rows_of(html) == ["1"]
    assert fragment["Vary"]
    assert "HX-Request" in fragment["Vary"]


def test_the_page_shows_each_recommendations_implementation(client, tracked):
    response, anna, _bart = tracked
    recommendation = RecommendationFactory(theme__group__response=response, agreement="agree")
    ActionLinkFactory(recommendation=recommendation, action=response.actions.get(number="2"))
    client.force_login(anna)

    html = get(client, response).content.decode()

    assert "Uitvoering per aanbeveling" in html
    assert "implementation--implemented" in html


def test_outsiders_do_not_see_a_drafts_follow_up(client, tracked, django_user_model):
    response, _anna, _bart = tracked
    client.force_login(make_user(django_user_model, "olaf"))

    assert get(client, response).status_code == 404


@pytest.mark.parametrize("size", [10, 200])
def test_the_follow_up_page_costs_the_same_whatever_the_size(
    client, django_assert_max_num_queries, django_user_model, size
):
    response = ManagementResponseFactory()
    anna = make_user(django_user_model, "anna")
    grant(anna, response, "project_team")
    tops = [ActionFactory(response=response, due_date=YESTERDAY) for _ in range(size // 2)]
    for index in range(size - len(tops)):
        part = ActionFactory(response=response, parent=tops[index % len(tops)], status="inherited")
        part.owners.add(anna)
        ProgressUpdateFactory(action=part, author=anna)
        ActionLinkFactory(action=part, recommendation__theme__group__response=response)
    client.force_login(anna)
    # session, user, the response, the user's memberships: 4; the actions with their parents, their
    # owners, their progress log with authors: 3; the recommendations, their actions and the
    # actions' parents: 3 -> 10.
    with django_assert_max_num_queries(10):
        page = get(client, response)
    assert page.content.decode().count('id="opvolging-actie-') == size
