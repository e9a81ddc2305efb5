"""An unchanged save of a form is accepted, even of data that a rule asks more of (the seed).

The seed is a published document as it was printed: published without a date (the document
shows none) and one recommendation at "partially agree" without reasons (p. 191 gives none).
The forms ask for the date when a response is published and for reasons when the level is set;
they do not refuse to save what was already there. The checklist still reports the missing
reasons (tests/test_responses_checks.py).
"""

import datetime

import pytest
from django.urls import reverse

from recommendations.models import Recommendation
from responses.models import ManagementResponse
from tests.factories import ManagementResponseFactory
from tests.pageforms import form_on

HTMX = {"HX-Request": "true"}


def test_the_seed_is_published_without_a_date_as_its_document(seed_response):
    assert (seed_response.status, seed_response.published_on) == ("published", None)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_the_title_block_of_the_seed_saves_unchanged(client, evaluation_staff, seed_response, headers):
    client.force_login(evaluation_staff)
    url = reverse("responses:edit", args=[seed_response.slug])
    data = form_on(client, url, "version")
    assert data["published_on"] == ""
    answer = client.post(url, data, headers=headers)
    assert answer.status_code in {200, 302}, answer.content.decode()[:2000]
    assert answer.status_code == (200 if headers else 302)
    seed_response.refresh_from_db()
    assert (seed_response.published_on, seed_response.version) == (None, 2)


def test_the_title_block_of_the_seed_saves_a_change_without_a_date(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)
    url = reverse("responses:edit", args=[seed_response.slug])
    data = form_on(client, url, "version")
    data["responsible_team"] = "team Leren"
    assert client.post(url, data).status_code == 302
    seed_response.refresh_from_db()
    assert (seed_response.responsible_team, seed_response.published_on) == ("team Leren", None)


def test_publishing_in_the_title_block_still_needs_a_date(client, evaluation_staff, db):
    draft = ManagementResponseFactory(status="draft", published_on=None)
    client.force_login(evaluation_staff)
    url = reverse("responses:edit", args=[draft.slug])
    data = form_on(client, url, "version")
    data["status"] = "published"
    answer = client.post(url, data)
    assert answer.status_code == 422
    assert "Een gepubliceerde managementresponse heeft een publicatiedatum." in answer.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    data["published_on"] = "2025-03-31"
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.published_on) == ("published", datetime.date(2025, 3, 31))


def test_the_date_of_a_published_response_cannot_be_removed(client, evaluation_staff, seed_response):
    ManagementResponse.objects.filter(pk=seed_response.pk).update(published_on=datetime.date(2025, 3, 31))
    client.force_login(evaluation_staff)
    url = reverse("responses:edit", args=[seed_response.slug])
    data = form_on(client, url, "version")
    data["published_on"] = ""
    assert client.post(url, data).status_code == 422
    seed_response.refresh_from_db()
    assert seed_response.published_on == datetime.date(2025, 3, 31)


@pytest.fixture
def partial(seed_response):
    return Recommendation.objects.get(response=seed_response, agreement="partially_agree")


def test_the_seeds_partial_agreement_saves_unchanged(client, evaluation_staff, partial):
    assert partial.justification == ""  # as printed: "Gedeeltelijk akkoord", no reasons
    client.force_login(evaluation_staff)
    url = reverse("recommendations:agreement", args=[partial.pk])
    data = form_on(client, url, "version")
    data["response_text"] = "Zie actie 2.2."
    assert client.post(url, data).status_code == 302
    partial.refresh_from_db()
    assert (partial.agreement, partial.justification, partial.response_text) == (
        "partially_agree",
        "",
        "Zie actie 2.2.",
    )


def test_setting_a_level_that_needs_reasons_still_needs_them(client, evaluation_staff, partial):
    client.force_login(evaluation_staff)
    url = reverse("recommendations:agreement", args=[partial.pk])
    data = form_on(client, url, "version")
    data["agreement"] = "disagree"
    data.pop("justification_not_in_source", None)  # the seed's box ("the document gives none") unticked
    answer = client.post(url, data)
    assert answer.status_code == 422
    assert "Geef een motivering" in answer.content.decode()


def test_removing_the_reasons_of_a_partial_agreement_is_refused(client, evaluation_staff, partial):
    Recommendation.objects.filter(pk=partial.pk).update(justification="Alleen op oproepniveau.")
    client.force_login(evaluation_staff)
    url = reverse("recommendations:agreement", args=[partial.pk])
    data = form_on(client, url, "version")
    data["justification"] = ""
    data.pop("justification_not_in_source", None)  # the seed's box ("the document gives none") unticked
    assert client.post(url, data).status_code == 422
    partial.refresh_from_db()
    assert partial.justification == "Alleen op oproepniveau."
