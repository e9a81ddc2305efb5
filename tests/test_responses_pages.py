"""The read-only pages: the list, the document page, recommendation and action pages."""

import pytest
from django.urls import reverse

from actions.models import Action
from core import revision
from recommendations.models import Recommendation
from responses.models import ManagementResponse
from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    ManagementResponseFactory,
    RecommendationFactory,
    RecommendationGroupFactory,
    ThemeFactory,
)


def test_list_shows_published_responses_to_anyone(client, seed_response):
    ManagementResponseFactory(title="Geheim ontwerp", status=ManagementResponse.Status.DRAFT)
    page = client.get(reverse("tracking:home")).content.decode()
    assert "Managementresponse evaluatieopdracht leerecosystemen" in page
    assert "Geheim ontwerp" not in page


def test_readers_see_drafts(client, reader):
    draft = ManagementResponseFactory(title="Werkversie", status=ManagementResponse.Status.DRAFT)
    client.force_login(reader)
    assert "Werkversie" in client.get(reverse("tracking:home")).content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_draft_is_not_found_for_anonymous_visitors(client, db):
    draft = ManagementResponseFactory(status=ManagementResponse.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    action = ActionFactory(response=draft)
    rec = RecommendationFactory(theme__group__response=draft)
    assert client.get(action.get_absolute_url()).status_code == 404
    assert client.get(rec.get_absolute_url()).status_code == 404
    assert client.get(reverse("interchange:export", args=[draft.slug])).status_code == 404


def test_a_logged_in_user_without_a_role_does_not_see_drafts(client, outsider):
    draft = ManagementResponseFactory(status=ManagementResponse.Status.DRAFT)
    client.force_login(outsider)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_document_page_shows_the_three_sections(client, seed_response):
    page = client.get(seed_response.get_absolute_url()).content.decode()
    assert "I. Inleiding" in page
    assert "II. Acties als antwoord op de aanbevelingen" in page
    assert "III. Aanbevelingen en (re)acties Europa WSE" in page
    assert "Status: op te starten in 2025" in page
    assert "1.1. Een vervolg voor het pilootprogramma via twee oproepen" in page
    assert "Spoor 2: inspiratiedagen" in page
    for header in ["Locatie rapport", "Aanbeveling", "Mate van akkoord vanuit Europa WSE", "Actienummer(s)"]:
        assert header in page


def test_document_page_shows_the_table_as_the_document_does(client, seed_response):
    page = client.get(seed_response.get_absolute_url()).content.decode()
    assert page.count('class="group-row"') == 3
    assert page.count('class="theme-row"') == 14
    assert page.count('class="recommendation-row"') == 19
    assert "Aanbevelingen voor partnerschappen" in page
    assert "8.2.1</span> GEPASTE LOOPTIJD EN TIMING" in page
    assert "Actie 5 – kennisdeling 4" in page
    assert "Actie 3 – spoor 3 (Broedplekken)" in page
    assert "Gedeeltelijk akkoord" in page
    assert "p. 196-1967" in page


def test_document_page_renders_links_and_the_footnote(client, seed_response):
    page = client.get(seed_response.get_absolute_url()).content.decode()
    assert 'href="https://www.europawse.be/nieuws-en-publicaties/nieuwsberichten/leeraanbod-leerecosystemen' in page
    assert 'class="footnote"' in page
    assert "Netwerk Administratieve Organisatie (NAO)" in page


def test_document_labels_follow_the_documents_language_not_the_interface(client, seed_response):
    client.cookies["django_language"] = "en"
    page = client.get(seed_response.get_absolute_url()).content.decode()
    assert "III. Aanbevelingen en (re)acties Europa WSE" in page  # the document stays Dutch
    assert "Export as YAML" in page  # the interface is English


def test_recommendation_page_shows_its_actions(client, seed_response):
    rec = Recommendation.objects.get(theme__heading="BRUGFIGUREN")
    page = client.get(rec.get_absolute_url()).content.decode()
    assert "Zet bewuster in op het werken met brugfiguren" in page
    assert "Actie 5 – kennisdeling 4" in page
    assert "Actie 3 – spoor 2" in page
    assert Action.objects.get(number="5").get_absolute_url() in page


def test_action_page_shows_its_recommendations_and_parts(client, seed_response):
    """Action 3 answers what it is linked to and, through its tracks, much more."""
    action = Action.objects.get(number="3")
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Een leertraject op drie sporen" in page
    assert "Spoor 1: bouwen aan kennis" in page
    direct = Recommendation.objects.filter(action_links__action=action)
    through_parts = Recommendation.objects.filter(action_links__action__parent=action)
    assert direct.count() == 1
    assert through_parts.count() > 5
    for rec in direct | through_parts:
        assert rec.get_absolute_url() in page
    assert "Actie 3 – spoor 3 (Broedplekken)" in page


def test_a_part_shows_the_status_it_inherits(client, seed_response):
    part = Action.objects.get(number="1.3")
    page = client.get(part.get_absolute_url()).content.decode()
    assert "gerealiseerd" in page
    assert "(zoals de hoofdactie)" in page


def test_an_inherited_status_says_so_in_the_interfaces_language(client, seed_response, project_member):
    """The status word is the document's (Dutch, marked so); "as the main action" is the interface's."""
    client.force_login(project_member)
    part = Action.objects.get(number="1.3")
    for address in (part.get_absolute_url(), reverse("actions:status", args=[part.pk])):
        page = client.get(address, headers={"accept-language": "en"}).content.decode()
        assert '<span lang="nl">Status: gerealiseerd</span>' in page
        assert '<span class="status-line__inherited" lang="en">(as the main action)</span>' in page
        assert "zoals de hoofdactie" not in page


def test_yaml_export_downloads_the_interchange_file(client, seed_response):
    http = client.get(reverse("interchange:export", args=[seed_response.slug]))
    assert http["Content-Disposition"] == 'attachment; filename="leerecosystemen.yaml"'
    assert http.content.decode().startswith("format: managementresponse/3\nexported: true\n")


def test_user_text_is_escaped_and_sanitised(client, db):
    response = ManagementResponseFactory(introduction='Hallo <script>alert("x")</script> [klik](javascript:alert(1))')
    rec = RecommendationFactory(theme__group__response=response, location="<b>p. 1</b>")
    page = client.get(response.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert 'href="javascript:' not in page  # the link is refused: its Markdown stays text
    assert "&lt;b&gt;p. 1&lt;/b&gt;" in page
    assert client.get(rec.get_absolute_url()).status_code == 200


def test_pages_send_a_strict_content_security_policy(client, seed_response):
    http = client.get(seed_response.get_absolute_url())
    csp = http["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


def response_with(n_recommendations):
    response = ManagementResponseFactory()
    actions = [ActionFactory(response=response) for _ in range(3)]
    ActionFactory(response=response, parent=actions[0], number=f"{actions[0].number}.1", status="inherited")
    group = RecommendationGroupFactory(response=response)
    themes = [ThemeFactory(group=group) for _ in range(max(1, n_recommendations // 5))]
    for i in range(n_recommendations):
        rec = RecommendationFactory(theme=themes[i % len(themes)])
        ActionLinkFactory(recommendation=rec, action=actions[i % 3], qualifier="(x)" if i % 2 else "")
    return response


@pytest.mark.parametrize("size", [10, 200])
def test_document_page_query_count_does_not_grow_with_the_response(client, db, django_assert_num_queries, size):
    response = response_with(size)
    # The document part is rendered: 1 response (the part's key and the page's columns), 1 the
    # rest of its row, 1 actions (with parts; the table shows no progress comments, so none are
    # read), 1 groups, 1 themes, 1 recommendations, 1 links, 1 published versions, and for the
    # fragments rendered now (all, on a first visit) 1 stored HTML of their recommendations and
    # 1 of their actions; 1 sub-recommendations, 1 chapters; 1 the documents it was read from
    # (the reading app's panel, document/panels.py).
    with django_assert_num_queries(13):
        page = client.get(response.get_absolute_url())
    assert page.content.decode().count('class="recommendation-row"') == size
    # A warm view: the part from the cache by the response's revision; nothing of the document is read.
    # 1 response (PAGE_FIELDS), 1 published versions, 1 the documents it was read from.
    with django_assert_num_queries(3):
        client.get(response.get_absolute_url())
    # After an edit (a new revision), the part is assembled again, and the fragment that shows
    # the edit is rendered again: a table row, which cites its actions by number (no stored
    # HTML of theirs to read). The sub-recommendations and chapters are 2 of the 12, the originals 1.
    Recommendation.objects.for_response(response).last().save()
    with django_assert_num_queries(12):
        client.get(response.get_absolute_url())
    # After a write that no fragment shows, none is rendered: no stored HTML to read.
    ManagementResponse.objects.filter(pk=response.pk).update(evaluation_title="Nieuwe titel")
    revision.touch(response.pk)
    with django_assert_num_queries(11):
        page = client.get(response.get_absolute_url())
    assert "Nieuwe titel" in page.content.decode()
    with django_assert_num_queries(3):
        page = client.get(response.get_absolute_url())
    assert "Nieuwe titel" in page.content.decode()


@pytest.mark.parametrize("size", [10, 200])
def test_warm_document_page_query_count_for_a_logged_in_reader_and_an_editor(
    client, db, django_assert_num_queries, django_user_model, size
):
    response = response_with(size)
    client.force_login(django_user_model.objects.create_user(username="lezer", password="pw"))
    client.get(response.get_absolute_url())
    # 1 session, 1 user, 1 their roles, 1 response (PAGE_FIELDS), 1 published versions, 1 originals.
    with django_assert_num_queries(6):
        client.get(response.get_absolute_url())
    client.force_login(django_user_model.objects.create_superuser(username="beheer", password="pw"))
    client.get(response.get_absolute_url())
    # An editor's part comes from the cache too; the checklist reads the document: 1 session,
    # 1 user, 1 response, 1 the rest of it, 7 the document's rows (sub-recommendations and
    # chapters included), 1 published versions, 1 the documents it was read from.
    with django_assert_num_queries(13):
        client.get(response.get_absolute_url())


@pytest.mark.parametrize("size", [10, 200])
def test_list_page_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    for _ in range(size // 10):
        ManagementResponseFactory()
    # 1 responses
    with django_assert_num_queries(1):
        client.get(reverse("tracking:home"))


@pytest.mark.parametrize("size", [10, 200])
def test_yaml_export_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    response = response_with(size)
    # 1 response, 1 actions, 1 progress logs, 1 evidence, 1 links+actions, 1 sub-recommendations,
    # 1 recommendations, 1 themes, 1 groups, 1 chapters
    with django_assert_num_queries(10):
        client.get(reverse("interchange:export", args=[response.slug]))


@pytest.mark.parametrize("size", [10, 200])
def test_action_page_query_count_does_not_grow(client, db, django_assert_num_queries, size):
    response = response_with(size)
    action = Action.objects.filter(response=response, parent=None).first()
    # 1 action+response+parent, 1 parts, 1 progress log+authors, 1 links+recommendations+themes+groups, 1 owners,
    # the evidence panel: 1 evidence, 1 validation decisions
    with django_assert_num_queries(7):
        client.get(action.get_absolute_url())
