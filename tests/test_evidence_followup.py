"""What awaits validation and what is validated, in the follow-up: the dashboard's counts and chart,
the follow-up page, a review round (which cannot close while something awaits, unless the closer says
why) and its report."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from evidence import services
from tests.factories import ActionFactory, ManagementResponseFactory
from tests.fixtures import grant, make_user
from tracking.dashboard import figures_for
from tracking.models import ReviewRound
from tracking.pdf import render_report_html
from tracking.services import round_report


def claim(action, status):
    action = Action.objects.get(pk=action.pk)
    action.status = status
    action.save()
    return action


@pytest.fixture
def world(db, django_user_model):
    response = ManagementResponseFactory(status="draft", slug="gevolgd", validation_policy="closing")
    eva = make_user(django_user_model, "eva")
    grant(eva, response, "evaluation_staff")
    one = ActionFactory(response=response, number="1", title="Oproepkader", status="in_progress")
    two = ActionFactory(response=response, number="2", title="Leertraject", status="in_progress")
    three = ActionFactory(response=response, number="3", title="Onderzoek", status="in_progress")
    ActionFactory(response=response, number="4", title="Verspreiden", status="in_progress")
    claim(one, "realised")
    two = claim(two, "realised")
    services.decide(action=two, user=eva, validated=True, comment="", base_version=two.version)
    claim(three, "realised")
    return response, eva


def test_the_dashboard_counts_a_realisation_only_once_it_is_validated(world):
    response, _eva = world
    figures = figures_for([response.pk], today=datetime.date(2025, 1, 1))[response.pk]
    assert figures.statuses["realised"] == 1
    assert figures.validated == 1
    assert figures.awaiting == 2
    assert figures.statuses["in_progress"] == 1
    assert figures.implementation_rate == 25  # 1 of 4: the two claims do not count yet


def test_the_dashboard_says_which_numbers_are_validated(client, world):
    _response, eva = world
    client.force_login(eva)
    page = client.get(reverse("tracking:home")).content.decode()
    assert "1 gerealiseerd en gevalideerd" in page
    assert "2 wachten op validatie" in page
    assert "wacht op validatie: 2" in page  # the response's row
    assert "(waarvan 1 gevalideerd)" in page


def test_the_follow_up_page_shows_and_filters_what_awaits_validation(client, world):
    response, eva = world
    client.force_login(eva)
    page = client.get(reverse("tracking:followup", args=[response.slug])).content.decode()
    assert "1 gevalideerd" in page
    assert "2 wachten op validatie" in page
    assert page.count("badge--awaiting") == 2
    assert page.count("badge--validated") == 1
    page = client.get(reverse("tracking:followup", args=[response.slug]) + "?status=awaiting").content.decode()
    assert "Oproepkader" in page
    assert "Onderzoek" in page
    assert "Leertraject" not in page


def test_a_round_cannot_close_while_something_awaits_validation(client, world):
    response, eva = world
    review_round = ReviewRound.objects.create(response=response, name="2025 H1", date=datetime.date(2025, 6, 30))
    client.force_login(eva)
    page = client.get(review_round.get_absolute_url()).content.decode()
    assert "Wacht op validatie" in page
    assert "Toch sluiten, omdat" in page
    answer = client.post(reverse("tracking:round_close", args=[review_round.pk]))
    assert answer.status_code == 422
    assert "Nog 2 acties wachten op validatie (1, 3)" in answer.content.decode()
    review_round.refresh_from_db()
    assert review_round.is_open


def test_a_round_closes_with_a_reason_which_it_keeps(client, world):
    response, eva = world
    review_round = ReviewRound.objects.create(response=response, name="2025 H1", date=datetime.date(2025, 6, 30))
    client.force_login(eva)
    answer = client.post(
        reverse("tracking:round_close", args=[review_round.pk]), {"reason": "Validatie volgt op de stuurgroep."}
    )
    assert answer.status_code == 302
    review_round.refresh_from_db()
    assert not review_round.is_open
    assert review_round.closed_despite == "Validatie volgt op de stuurgroep."
    assert "Validatie volgt op de stuurgroep." in client.get(review_round.get_absolute_url()).content.decode()


def test_a_round_with_nothing_awaiting_closes_without_a_reason(client, world):
    response, eva = world
    for action in Action.objects.filter(response=response, validation_state="awaiting"):
        services.decide(action=action, user=eva, validated=True, comment="", base_version=action.version)
    review_round = ReviewRound.objects.create(response=response, name="2025 H1", date=datetime.date(2025, 6, 30))
    client.force_login(eva)
    assert client.post(reverse("tracking:round_close", args=[review_round.pk])).status_code == 302
    review_round.refresh_from_db()
    assert not review_round.is_open
    assert review_round.closed_despite == ""


def test_the_round_report_shows_what_is_validated_and_what_awaits(world):
    response, _eva = world
    review_round = ReviewRound.objects.create(
        response=response, name="2025 H1", date=timezone.localdate() + datetime.timedelta(days=1)
    )
    html = render_report_html(round_report(review_round))
    assert "1 gerealiseerd en gevalideerd" in html
    assert "2 wachten op validatie" in html
    assert 'id="validatie"' in html
    assert "Geclaimde status" in html
    assert html.count(">gevalideerd<") == 1
    assert html.count(">wacht op validatie<") == 2


def test_a_recommendation_is_implemented_once_its_actions_realisations_are_validated(world):
    from tests.factories import ActionLinkFactory, RecommendationFactory

    response, eva = world
    recommendation = RecommendationFactory(theme__group__response=response, agreement="agree")
    action = Action.objects.get(response=response, number="1")  # realised, awaiting validation
    ActionLinkFactory(recommendation=recommendation, action=action)
    recommendation = type(recommendation).objects.with_implementation().get(pk=recommendation.pk)
    assert recommendation.implementation_state == "in_progress"
    services.decide(action=action, user=eva, validated=True, comment="", base_version=action.version)
    recommendation = type(recommendation).objects.with_implementation().get(pk=recommendation.pk)
    assert recommendation.implementation_state == "implemented"


def test_the_portfolio_counts_validation_like_the_dashboard(client, world):
    from tracking.portfolio import portfolio

    _response, eva = world
    report = portfolio(eva, timezone.localdate().year)
    assert (report.overall.total, report.overall.awaiting, report.overall.validated) == (4, 2, 1)
    assert report.overall.implementation_rate == 25
    client.force_login(eva)
    page = client.get(reverse("tracking:portfolio")).content.decode()
    assert "1 gerealiseerd en gevalideerd" in page
    assert "2 wachten op validatie" in page
