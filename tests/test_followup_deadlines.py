"""Owners and deadlines of actions, overdue, and a recommendation's implementation state (issue 13)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from document.pdf import render_html
from recommendations.models import Implementation, Recommendation
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, RecommendationFactory
from tests.fixtures import grant, make_user

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)


# --- Overdue at the boundaries -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("due_date", "status", "overdue"),
    [
        (TODAY, "in_progress", False),  # due today: not yet late
        (YESTERDAY, "in_progress", True),
        (TOMORROW, "in_progress", False),
        (YESTERDAY, "realised", False),  # realised yesterday, on its due date
        (YESTERDAY, "not_applicable", False),  # dropped
        (YESTERDAY, "to_start", True),
        (YESTERDAY, "", True),  # not reported yet
        (None, "in_progress", False),  # no deadline, never overdue
    ],
)
@pytest.mark.django_db
def test_overdue_at_the_boundaries(due_date, status, overdue):
    action = ActionFactory(due_date=due_date, status=status)

    assert action.is_overdue() is overdue
    assert (action in Action.objects.overdue()) is overdue


@pytest.mark.django_db
def test_a_part_that_inherits_a_realised_status_is_not_overdue():
    parent = ActionFactory(status="realised")
    part = ActionFactory(response=parent.response, parent=parent, status="inherited", due_date=YESTERDAY)
    late = ActionFactory(response=parent.response, parent=ActionFactory(response=parent.response), status="inherited")
    late.due_date = YESTERDAY
    late.save()

    assert not part.is_overdue()
    assert late.is_overdue()
    assert list(Action.objects.overdue().filter(response=parent.response)) == [late]


@pytest.mark.django_db
def test_overdue_uses_the_day_it_is_asked_about():
    action = ActionFactory(due_date=TODAY, status="in_progress")

    assert not action.is_overdue(TODAY)
    assert action.is_overdue(TOMORROW)
    assert list(Action.objects.overdue(TOMORROW)) == [action]


# --- Implementation state ----------------------------------------------------------------------


def state_of(recommendation):
    return Recommendation.objects.with_implementation().get(pk=recommendation.pk).implementation_state


@pytest.mark.parametrize(
    ("agreement", "statuses", "expected"),
    [
        ("agree", [], Implementation.NO_ACTION_PLANNED),
        ("partially_agree", [], Implementation.NO_ACTION_PLANNED),
        ("disagree", [], Implementation.NOT_APPLICABLE),
        ("", [], Implementation.NOT_APPLICABLE),
        ("agree", ["to_start", ""], Implementation.NOT_STARTED),
        ("agree", ["to_start", "in_progress"], Implementation.IN_PROGRESS),
        ("agree", ["realised", "to_start"], Implementation.IN_PROGRESS),
        ("agree", ["realised", "realised"], Implementation.IMPLEMENTED),
        ("agree", ["realised", "not_applicable"], Implementation.IMPLEMENTED),  # dropped ones do not count
        ("agree", ["not_applicable"], Implementation.NO_ACTION_PLANNED),
    ],
)
@pytest.mark.django_db
def test_implementation_state_follows_the_linked_actions(agreement, statuses, expected):
    recommendation = RecommendationFactory(agreement=agreement)
    for status in statuses:
        ActionLinkFactory(recommendation=recommendation, action=ActionFactory(status=status))

    assert state_of(recommendation) == expected


@pytest.mark.django_db
def test_a_linked_part_counts_with_the_status_it_inherits():
    recommendation = RecommendationFactory()
    parent = ActionFactory(status="realised")
    part = ActionFactory(response=parent.response, parent=parent, status="inherited")
    ActionLinkFactory(recommendation=recommendation, action=part)

    assert state_of(recommendation) == Implementation.IMPLEMENTED


@pytest.mark.django_db
def test_implementation_states_of_many_recommendations_take_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(5):
        ActionLinkFactory(action=ActionFactory(status="realised"))

    # the recommendations, their linked actions, the actions' parents (skipped when none has one)
    with django_assert_max_num_queries(3):
        states = [r.implementation_state for r in Recommendation.objects.with_implementation()]
    assert states == [Implementation.IMPLEMENTED] * 5


def test_the_recommendation_page_shows_its_implementation_state(client, seed_response):
    recommendation = Recommendation.objects.filter(response=seed_response, action_links__isnull=False).first()

    html = client.get(recommendation.get_absolute_url()).content.decode()

    assert "Uitvoering" in html
    assert f"implementation--{state_of(recommendation).value}" in html


# --- Owners -------------------------------------------------------------------------------------


def edit_data(action, **changes):
    data = {
        "number": action.number,
        "label": action.label,
        "title": action.title,
        "narrative": action.narrative,
        "time_frame": action.time_frame,
        "responsible_units": "\n".join(action.responsible_units),
        "starts_on": "",
        "due_date": action.due_date.isoformat() if action.due_date else "",
        "version": action.version,
    }
    data.update(changes)
    return data


def test_project_team_choose_owners_among_the_members(client, django_user_model, project_member, seed_response):
    action = Action.objects.get(response=seed_response, number="4")
    anna = make_user(django_user_model, "anna", first_name="Anna", last_name="Peeters")
    grant(anna, seed_response, "reader")
    stranger = make_user(django_user_model, "stranger")
    client.force_login(project_member)

    form = client.get(reverse("actions:edit", args=[action.pk])).content.decode()
    assert "Anna Peeters" in form
    assert "stranger" not in form

    answer = client.post(reverse("actions:edit", args=[action.pk]), edit_data(action, owners=[anna.pk]))
    assert answer.status_code == 302
    action.refresh_from_db()
    assert list(action.owners.all()) == [anna]
    assert action.version == 2

    refused = client.post(reverse("actions:edit", args=[action.pk]), edit_data(action, owners=[stranger.pk]))
    assert refused.status_code == 422
    assert "Selecteer een geldige keuze" in refused.content.decode()
    assert list(action.owners.all()) == [anna]

    page = client.get(action.get_absolute_url()).content.decode()
    assert "Eigenaars" in page
    assert "Anna Peeters" in page


# --- Where overdue shows, and where not ----------------------------------------------------------


def test_overdue_shows_on_the_document_and_action_pages_but_not_in_the_pdf(client, seed_response):
    action = Action.objects.get(response=seed_response, number="4")  # op te starten
    action.due_date = YESTERDAY
    action.save()

    for url in (seed_response.get_absolute_url(), action.get_absolute_url()):
        html = client.get(url).content.decode()
        assert html.count("badge--overdue") == 1, url

    assert "achterstallig" not in render_html(seed_response)


@pytest.mark.django_db
def test_overdue_shows_in_the_matrix_layout(client):
    response = ManagementResponseFactory(layout="matrix")
    recommendation = RecommendationFactory(theme=None, response=response)
    action = ActionFactory(response=response, due_date=YESTERDAY, status="to_start")
    ActionLinkFactory(recommendation=recommendation, action=action)

    html = client.get(response.get_absolute_url()).content.decode()

    assert "badge--overdue" in html


def test_the_admin_lets_only_members_of_the_response_own_an_action(admin_client, django_user_model, seed_response):
    from tests.test_admin_and_demo import admin_form

    action = Action.objects.get(response=seed_response, number="4")
    anna = make_user(django_user_model, "anna", first_name="Anna", last_name="Peeters")
    grant(anna, seed_response, "reader")
    stranger = make_user(django_user_model, "stranger", first_name="Sam", last_name="Vreemd")
    grant(stranger, ManagementResponseFactory(), "project_team")  # a member elsewhere
    url = reverse("admin:actions_action_change", args=[action.pk])
    data = admin_form(admin_client, url)

    refused = admin_client.post(url, {**data, "owners": f"{anna.pk},{stranger.pk}"})
    assert refused.status_code == 200
    assert "Alleen leden van deze managementresponse kunnen eigenaar zijn; geen lid: Sam Vreemd." in (
        refused.content.decode()
    )
    assert list(action.owners.all()) == []

    assert admin_client.post(url, {**data, "owners": str(anna.pk)}).status_code == 302
    assert list(action.owners.all()) == [anna]

    # A new action in the admin: the members of the response chosen in the same form.
    add = reverse("admin:actions_action_add")
    new = {**admin_form(admin_client, add), "response": seed_response.pk, "number": "99", "title": "Nieuw"}
    assert admin_client.post(add, {**new, "owners": str(stranger.pk)}).status_code == 200
    assert not Action.objects.filter(response=seed_response, number="99").exists()
    assert admin_client.post(add, {**new, "owners": str(anna.pk)}).status_code == 302
    assert list(Action.objects.get(response=seed_response, number="99").owners.all()) == [anna]


# --- A deadline from the time frame --------------------------------------------------------------


@pytest.mark.parametrize(
    ("time_frame", "end"),
    [
        ("januari–april 2025", datetime.date(2025, 4, 30)),  # the form's own example
        ("Q3 2025", datetime.date(2025, 9, 30)),
        ("2e kwartaal 2026", datetime.date(2026, 6, 30)),
        ("2025 H1", datetime.date(2025, 6, 30)),
        ("first half of 2026", datetime.date(2026, 6, 30)),
        ("eind 2026", datetime.date(2026, 12, 31)),
        ("by end of 2026", datetime.date(2026, 12, 31)),
        ("2025-2027", datetime.date(2027, 12, 31)),
        ("januari 2025 – maart 2026", datetime.date(2026, 3, 31)),
        ("Sept 2025", datetime.date(2025, 9, 30)),
        ("vóór 15/03/2026", datetime.date(2026, 3, 15)),
        ("doorlopend", None),  # no year: no end
        ("", None),
    ],
)
def test_the_end_of_a_time_frame(time_frame, end):
    from actions.deadlines import time_frame_end

    assert time_frame_end(time_frame) == end


@pytest.mark.django_db
def test_an_action_without_a_due_date_is_overdue_after_its_time_frame():
    last_year = f"Q4 {TODAY.year - 1}"
    late = ActionFactory(time_frame=last_year, due_date=None, status="in_progress")
    assert late.deadline == datetime.date(TODAY.year - 1, 12, 31)
    assert late.overdue
    assert list(Action.objects.overdue()) == [late]
    # A due date of its own wins over the time frame.
    late.due_date = TOMORROW
    late.save()
    assert late.deadline == TOMORROW
    assert not late.overdue
    assert not Action.objects.overdue().exists()


def test_editing_the_time_frame_moves_the_deadline(client, project_member, seed_response):
    action = Action.objects.get(response=seed_response, number="4")
    client.force_login(project_member)
    answer = client.post(
        reverse("actions:edit", args=[action.pk]), edit_data(action, time_frame="januari–april 2025", due_date="")
    )
    assert answer.status_code == 302
    action.refresh_from_db()
    assert action.deadline == datetime.date(2025, 4, 30)
    assert Action.objects.overdue().filter(pk=action.pk).exists() == (not action.is_closed)


@pytest.mark.django_db
def test_an_import_gives_each_action_the_end_of_its_time_frame():
    from django.core.management import call_command

    call_command("import_response", "tests/data/uneg-matrix.yaml", verbosity=0)
    deadlines = dict(Action.objects.values_list("time_frame", "deadline"))
    assert deadlines["Q3 2025"] == datetime.date(2025, 9, 30)
    assert deadlines["in 2025"] == datetime.date(2025, 12, 31)
