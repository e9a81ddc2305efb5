"""Issue 22: error pages in the site's frame, the matrix's status save returning to its block."""

import re

import pytest
from django.urls import reverse

from tests.fixtures import grant, make_user


@pytest.fixture
def matrix(db):
    from interchange.importer import import_file
    from tests.pages import DATA

    return import_file(DATA / "uneg-matrix.yaml")


def test_a_status_saved_from_the_matrix_returns_to_the_recommendations_block(client, django_user_model, matrix):
    from actions.models import Action

    user = make_user(django_user_model, "pia")
    grant(user, matrix, "project_team")
    client.force_login(user)
    page = client.get(matrix.get_absolute_url()).content.decode()
    edit = re.search(r'href="(/actions/(\d+)/status/\?next=[^"]+)"', page)
    action = Action.objects.get(pk=edit.group(2))
    form_page = client.get(edit.group(1).replace("&amp;", "&"))
    next_url = re.search(r'name="next" value="([^"]+)"', form_page.content.decode()).group(1)
    answer = client.post(
        edit.group(1).replace("&amp;", "&"),
        {"status": "realised", "note": "", "version": action.version, "next": next_url},
    )
    assert answer.status_code == 302
    anchor = answer["Location"].split("#", 1)[1]
    assert anchor.startswith("aanbeveling-")
    assert f'id="{anchor}"' in client.get(answer["Location"]).content.decode()


@pytest.mark.parametrize(
    ("language", "heading"), [("nl", "Deze pagina bestaat niet"), ("en", "This page does not exist")]
)
def test_a_missing_page_speaks_the_users_language_in_the_sites_frame(client, db, settings, language, heading):
    settings.DEBUG = False
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    answer = client.get("/responses/does-not-exist/")
    assert answer.status_code == 404
    page = answer.content.decode()
    assert heading in page
    assert 'class="site-header"' in page
    assert 'name="viewport"' in page
    assert reverse("login") in page  # what to do next: log in (a draft is only shown to its members)


def test_a_refused_page_says_what_to_do_next(client, django_user_model, matrix, settings):
    settings.DEBUG = False
    user = make_user(django_user_model, "rita")
    grant(user, matrix, "reader")
    client.force_login(user)
    answer = client.get(reverse("responses:edit", args=[matrix.slug]))
    assert answer.status_code == 403
    assert "Vraag de evaluatiemedewerkers" in answer.content.decode()
    assert 'class="site-header"' in answer.content.decode()


def test_the_server_error_page_renders_without_a_request(db):
    from django.template.loader import render_to_string

    assert "Er ging iets mis aan onze kant" in render_to_string("500.html")


HTMX = {"HX-Request": "true"}


def test_the_matrix_edits_the_agreement_in_place(client, django_user_model, matrix):
    from recommendations.models import Recommendation

    user = make_user(django_user_model, "evi")
    grant(user, matrix, "evaluation_staff")
    client.force_login(user)
    rec = Recommendation.objects.for_response(matrix).order_by("pk").first()
    page = client.get(matrix.get_absolute_url()).content.decode()
    assert f'hx-target="#managementrespons-{rec.pk}"' in page
    opened = client.get(reverse("recommendations:agreement", args=[rec.pk]), headers=HTMX).content.decode()
    assert opened.lstrip().startswith(f'<div class="matrix-response is-editing" id="managementrespons-{rec.pk}">')
    assert f'hx-target="#managementrespons-{rec.pk}"' in opened  # the form posts back into the same block
    rec.refresh_from_db()
    saved = client.post(
        reverse("recommendations:agreement", args=[rec.pk]),
        {"agreement": "agree", "response_text": "We agree.", "justification": "", "version": rec.version},
        headers=HTMX,
    )
    assert saved.status_code == 200
    html = saved.content.decode()
    assert html.lstrip().startswith(f'<div class="matrix-response" id="managementrespons-{rec.pk}">')
    assert "We agree." in html
    assert "<tr" not in html  # not the table layout's row


def test_the_matrix_edits_a_key_actions_status_in_place(client, django_user_model, matrix):
    from actions.models import ActionLink

    user = make_user(django_user_model, "pjotr")
    grant(user, matrix, "project_team")
    client.force_login(user)
    link = ActionLink.objects.filter(action__response=matrix).order_by("pk").first()
    rec, action = link.recommendation, link.action
    cell = f"status-{rec.pk}-{action.pk}"
    page = client.get(matrix.get_absolute_url()).content.decode()
    assert f'id="{cell}"' in page
    assert f'hx-target="#{cell}"' in page
    url = reverse("actions:status", args=[action.pk])
    opened = client.get(f"{url}?cell={rec.pk}", headers=HTMX).content.decode()
    assert opened.lstrip().startswith(f'<td data-label="Status" id="{cell}" class="is-editing">')
    assert f'name="cell" value="{rec.pk}"' in opened
    saved = client.post(
        url, {"status": "realised", "note": "Done.", "cell": rec.pk, "version": action.version}, headers=HTMX
    )
    assert saved.status_code == 200
    html = saved.content.decode()
    assert html.lstrip().startswith(f'<td data-label="Status" id="{cell}">')
    action.refresh_from_db()
    assert action.status == "realised"
    assert action.status_document_label in html


def test_the_comparison_compares_what_readers_see_not_the_markdown():
    from publishing.comparison import compare_recommendation
    from tests.factories import RecommendationFactory

    old = RecommendationFactory.build(
        text="Define **five** indicators.", justification="", response_text="", location="p. 1"
    )
    new = RecommendationFactory.build(
        text="Define **six** indicators.", justification="", response_text="", location="p. 1"
    )
    (change,) = compare_recommendation(_parsed(old), _parsed(new))
    assert str(change.diff) == "Define <del>five</del><ins>six</ins> indicators."
    bolder = RecommendationFactory.build(
        text="Define **six indicators**.", justification="", response_text="", location="p. 1"
    )
    (change,) = compare_recommendation(_parsed(new), _parsed(bolder))
    assert change.label == "Aanbeveling (alleen de opmaak)"
    assert "**" not in str(change.diff)


def _parsed(rec):
    from types import SimpleNamespace

    return SimpleNamespace(
        agreement=rec.agreement,
        justification=rec.justification,
        response_text=rec.response_text,
        text=rec.text,
        location=rec.location,
        links=[],
    )


def test_an_imported_response_existed_as_of_the_date_its_document_carries(client, django_user_model, seed_response):
    """The seed (evaluation delivered 30 September 2024) was imported today; as of 1 October 2024 it
    is there, as the file has it; the day before its document's date it did not exist yet."""
    from actions.models import Action

    assert seed_response.evaluation_delivered_on.isoformat() == "2024-09-30"
    realised = Action.objects.filter(response=seed_response, status="realised").count()
    assert realised > 0
    ada = make_user(django_user_model, "ada", is_superuser=True, is_staff=True)
    client.force_login(ada)
    page = client.get(reverse("publishing:as_of", args=[seed_response.slug]) + "?date=2024-10-01")
    assert page.status_code == 200
    assert "bestond deze managementresponse nog niet" not in page.content.decode()
    assert page.context["document"] is not None
    assert len([a for a in page.context["document"].actions if a.status == "realised"]) > 0
    before = client.get(reverse("publishing:as_of", args=[seed_response.slug]) + "?date=2024-09-29")
    assert before.status_code == 422
    assert "Op die datum bestond deze managementresponse nog niet." in before.content.decode()


@pytest.mark.pdf
@pytest.mark.django_db(transaction=True)  # the task worker renders it, in a process of its own
def test_the_comparison_annex_of_an_english_document_is_english_in_a_dutch_interface(client, matrix, settings):
    import subprocess

    from interchange.exporter import export_response
    from responses.models import ResponseVersion
    from tests.test_responses_pdf import get_when_ready

    matrix.status = "published"
    matrix.save()
    ResponseVersion.objects.create(
        response=matrix, number=1, note="1", snapshot=export_response(matrix), pdf=b"%PDF-1.7", sha256="0" * 64
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    answer = get_when_ready(client, reverse("publishing:compare_pdf", args=[matrix.slug]))
    assert answer.status_code == 200
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=answer.content, capture_output=True, check=True
    ).stdout.decode()
    assert "From version 1 to the current data" in " ".join(text.split())
    assert "versie" not in text


def test_the_history_reads_as_text_not_as_stored_values(client, django_user_model, matrix):
    import datetime

    from actions.models import Action
    from recommendations.models import Recommendation

    ada = make_user(django_user_model, "ada", is_superuser=True, is_staff=True)
    action = Action.objects.filter(response=matrix, parent=None).order_by("order").first()
    action.responsible_units = ["M&E Unit", "Programme Management Unit"]
    action.due_date = datetime.date(2025, 5, 31)
    action.save()
    rec = Recommendation.objects.for_response(matrix).exclude(number="").order_by("pk").first()
    rec.text = "Define **six** indicators."
    rec.save()
    client.force_login(ada)
    page = client.get(reverse("responses:activity", args=[matrix.slug])).content.decode()
    assert "M&amp;E Unit, Programme Management Unit" in page
    assert "[&#x27;" not in page
    assert "['" not in page
    assert "31 mei 2025" in page  # a date as the pages write dates
    assert "2025-05-31" not in page
    assert f'aanbeveling <span class="timeline__subject" lang="en">{rec.number}</span>' in page  # by its number
    assert "Define six indicators." in page
    assert "**six**" not in page


def _new_page(request):  # pragma: no cover - only resolved, never called
    raise AssertionError


def test_a_new_url_pattern_without_a_page_case_is_reported(settings):
    """The all-pages tests fail for a URL that tests/pages.py does not know (here: one added below)."""
    import types

    from django.urls import clear_url_caches, include, path

    from tests.pages import missing_pages

    urls = types.ModuleType("finish_urls")
    urls.urlpatterns = [path("", include("config.urls")), path("new/", _new_page, name="brand_new_page")]
    import sys

    sys.modules["finish_urls"] = urls
    settings.ROOT_URLCONF = "finish_urls"
    clear_url_caches()
    try:
        assert missing_pages() == ["brand_new_page"]
    finally:
        del sys.modules["finish_urls"]
        clear_url_caches()
