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
