"""The response as of a date, rebuilt from the audit trail (publishing/asof.py)."""

import datetime
import subprocess

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from responses.permissions import EVALUATION_STAFF, READER
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, RecommendationFactory
from tests.fixtures import grant, make_user
from tests.test_responses_pdf import get_when_ready

HISTORY_MODELS = [
    "responses.HistoricalManagementResponse",
    "recommendations.HistoricalRecommendationGroup",
    "recommendations.HistoricalTheme",
    "recommendations.HistoricalRecommendation",
    "actions.HistoricalAction",
    "actions.HistoricalActionLink",
]


def backdate(days):
    """Move every history record written so far ``days`` into the past."""
    earlier = timezone.now() - datetime.timedelta(days=days)
    for label in HISTORY_MODELS:
        apps.get_model(label).objects.update(history_date=earlier)


@pytest.fixture
def response(db):
    response = ManagementResponseFactory(status="draft", slug="toen", layout="matrix")
    rec = RecommendationFactory(theme__group__response=response, number="1", response_text="Ja.")
    action = ActionFactory(response=response, number="1.1", title="Sleutelactie", status="to_start")
    ActionLinkFactory(recommendation=rec, action=action)
    return response


@pytest.fixture
def member(client, response, django_user_model):
    user = make_user(django_user_model, "eva")
    grant(user, response, EVALUATION_STAFF)
    client.force_login(user)
    return user


def yesterday():
    return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


@pytest.mark.pdf
@pytest.mark.django_db(transaction=True)
def test_yesterdays_status_shows_in_the_page_and_the_pdf(client, response, member, tmp_path):
    backdate(2)
    action = Action.objects.get(response=response)
    action.status = "realised"
    action.save()
    url = reverse("publishing:as_of", kwargs={"slug": response.slug})
    page = client.get(url, {"date": yesterday()})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Een vroegere toestand" in html
    assert "Op te starten" in html or "op te starten" in html
    assert "erealiseerd" not in html  # neither "Gerealiseerd" nor "gerealiseerd"
    assert "edit-control" not in html
    assert "<form" not in html.split("past-state")[1]
    today = client.get(url, {"date": timezone.localdate().isoformat()}).content.decode()
    assert "erealiseerd" in today

    url = reverse("publishing:as_of_pdf", kwargs={"slug": response.slug})
    assert client.get(url, {"date": yesterday()}).status_code == 202  # rendered by the worker, not here
    answer = get_when_ready(client, url, {"date": yesterday()})
    assert answer.status_code == 200
    path = tmp_path / "toen.pdf"
    path.write_bytes(answer.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout
    assert "Stand op" in text
    assert "op te starten" in text.lower()
    assert "gerealiseerd" not in text.lower()


def test_a_deleted_action_is_back_and_a_new_one_is_not_there_yet(client, response, member):
    backdate(2)
    Action.objects.get(response=response).delete()
    ActionFactory(response=response, number="2.1", title="Later toegevoegd")
    html = client.get(reverse("publishing:as_of", kwargs={"slug": response.slug}), {"date": yesterday()}).content
    assert "Sleutelactie" in html.decode()
    assert "Later toegevoegd" not in html.decode()


def test_a_date_before_the_response_existed_is_refused_next_to_the_field(client, response, member):
    answer = client.get(reverse("publishing:as_of", kwargs={"slug": response.slug}), {"date": "2001-01-01"})
    assert answer.status_code == 422
    assert "bestond deze managementresponse nog niet" in answer.content.decode()


def test_the_past_state_is_for_members_only(client, response, django_user_model):
    response.status = "published"
    response.save()
    outsider = make_user(django_user_model, "olga")
    client.force_login(outsider)
    url = reverse("publishing:as_of", kwargs={"slug": response.slug})
    assert client.get(url, {"date": yesterday()}).status_code == 403
    reader = make_user(django_user_model, "rita")
    grant(reader, response, READER)
    client.force_login(reader)
    assert client.get(url, {"date": timezone.localdate().isoformat()}).status_code == 200


@pytest.mark.parametrize("size", [10, 200])
def test_the_past_state_costs_the_same_queries_at_any_size(client, db, django_assert_num_queries, size, member):
    response = ManagementResponseFactory(status="draft", slug=f"groot-{size}")
    grant(member, response, EVALUATION_STAFF)
    actions = [ActionFactory(response=response, number=str(n + 1)) for n in range(3)]
    for i in range(size):
        rec = RecommendationFactory(theme__group__response=response)
        ActionLinkFactory(recommendation=rec, action=actions[i % 3])
    url = reverse("publishing:as_of", kwargs={"slug": response.slug})
    # session + user, 1 response by slug, 1 roles; the past state: 1 response record, 1 actions,
    # 1 progress, 1 groups, 1 themes, 1 recommendations, 1 links, 1 sub-recommendations, 1 chapters
    with django_assert_num_queries(13):
        page = client.get(url, {"date": timezone.localdate().isoformat()})
    assert page.content.decode().count('class="recommendation-row"') == size
