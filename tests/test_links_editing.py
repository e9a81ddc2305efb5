"""Linking actions and recommendations, from either side: add, qualify, unlink."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from actions.models import Action, ActionLink
from recommendations.models import Recommendation
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, RecommendationFactory

HTMX = {"HX-Request": "true"}


def links():
    return list(
        ActionLink.objects.order_by("pk").values_list("pk", "recommendation_id", "action_id", "qualifier", "order")
    )


@pytest.fixture
def action(seed_response):
    return Action.objects.get(response=seed_response, number="4")


@pytest.fixture
def rec(seed_response):
    return Recommendation.objects.get(theme__group__response=seed_response, theme__heading="BRUGFIGUREN")


@pytest.fixture
def unlinked(seed_response, action):
    """A recommendation that action 4 does not answer yet."""
    return (
        Recommendation.objects.for_response(seed_response)
        .exclude(action_links__action=action)
        .order_by("theme__group__order", "theme__order", "order")
        .first()
    )


def add_from_action(client, action, headers=None, **data):
    data.setdefault("qualifier", "")
    return client.post(reverse("actions:link_add", args=[action.pk]), data, headers=headers or {})


def add_from_recommendation(client, rec, headers=None, **data):
    data.setdefault("qualifier", "")
    return client.post(reverse("actions:recommendation_link_add", args=[rec.pk]), data, headers=headers or {})


# --- From the action's page -----------------------------------------------------------------------


def test_project_team_link_a_recommendation_from_the_action_page(client, project_member, action, unlinked):
    client.force_login(project_member)
    existing = list(unlinked.action_links.values_list("order", flat=True))

    answer = add_from_action(client, action, recommendation=unlinked.pk, qualifier="(systematisch leren)", headers=HTMX)

    assert answer.status_code == 200
    html = answer.content.decode()
    # The links panel comes back with the new link, and focus on the control that opened the form.
    assert html.lstrip().startswith(f'<section class="links-panel" id="koppelingen-actie-{action.pk}"')
    assert unlinked.get_absolute_url() in html
    assert "Actie 4 (systematisch leren)" in html
    assert re.search(rf'id="koppel-actie-{action.pk}"[^>]*autofocus', html, re.S)
    assert f"Actie 4 en aanbeveling {unlinked.location} gekoppeld." in html
    link = ActionLink.objects.get(action=action, recommendation=unlinked)
    assert link.qualifier == "(systematisch leren)"
    # New links go last among the recommendation's actions.
    assert link.order == max(existing, default=-1) + 1


def test_without_javascript_linking_from_the_action_is_a_page_and_a_redirect(client, project_member, action, unlinked):
    client.force_login(project_member)

    page = client.get(reverse("actions:link_add", args=[action.pk]))
    assert page.status_code == 200
    assert "<h1>Aanbeveling koppelen aan actie 4</h1>" in page.content.decode()
    assert "hx-disable" in page.content.decode()

    answer = add_from_action(client, action, recommendation=unlinked.pk)

    assert answer["Location"] == f"{action.get_absolute_url()}#koppelingen-actie-{action.pk}"
    assert "gekoppeld." in client.get(answer["Location"]).content.decode()
    assert ActionLink.objects.filter(action=action, recommendation=unlinked).exists()


def test_the_recommendation_choice_is_grouped_by_theme(client, project_member, seed_response, action, rec):
    client.force_login(project_member)

    html = client.get(reverse("actions:link_add", args=[action.pk]), headers=HTMX).content.decode()

    assert html.count("<optgroup") == 14  # the seed's themes
    assert '<optgroup label="8.2.1 GEPASTE LOOPTIJD EN TIMING">' in html
    # Each option says where the recommendation is and how it begins.
    assert re.search(
        rf'<option value="{rec.pk}" lang="nl">{re.escape(rec.theme.section)} · {re.escape(rec.location)} · Zet bewuster in op',
        html,
    )
    assert '<select name="recommendation"' in html
    assert "autofocus" in html
    # Other responses' recommendations are not offered.
    other = RecommendationFactory()
    assert (
        f'<option value="{other.pk}"'
        not in client.get(reverse("actions:link_add", args=[action.pk]), headers=HTMX).content.decode()
    )


def test_the_choice_marks_what_is_linked_already(client, project_member, seed_response):
    five = Action.objects.get(response=seed_response, number="5")
    client.force_login(project_member)
    html = client.get(reverse("actions:link_add", args=[five.pk]), headers=HTMX).content.decode()
    assert html.count(">✓ ") == five.links.count() > 0
    assert "✓: al gekoppeld." in html


def test_a_recommendation_of_another_response_is_refused(client, project_member, action):
    other = RecommendationFactory(theme__group__response=ManagementResponseFactory())
    client.force_login(project_member)
    before = links()

    answer = add_from_action(client, action, recommendation=other.pk, headers=HTMX)

    assert answer.status_code == 422
    assert "Kies een aanbeveling van dezelfde managementresponse als de actie." in answer.content.decode()
    assert links() == before


def test_linking_twice_is_a_form_error(client, project_member, seed_response, rec):
    five = Action.objects.get(response=seed_response, number="5")
    assert ActionLink.objects.filter(action=five, recommendation=rec).exists()
    client.force_login(project_member)
    before = links()

    from_action = add_from_action(client, five, recommendation=rec.pk, headers=HTMX)
    from_rec = add_from_recommendation(client, rec, action=five.pk)

    for answer in (from_action, from_rec):
        assert answer.status_code == 422
        assert f"Actie 5 en deze aanbeveling ({rec.location}) zijn al gekoppeld." in answer.content.decode()
    assert links() == before


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_a_missing_or_unknown_recommendation_is_a_form_error(client, project_member, action, value):
    client.force_login(project_member)
    before = links()
    assert add_from_action(client, action, recommendation=value, headers=HTMX).status_code == 422
    assert links() == before


def test_an_over_long_qualifier_is_refused(client, project_member, action, unlinked):
    client.force_login(project_member)
    before = links()
    answer = add_from_action(client, action, recommendation=unlinked.pk, qualifier="x" * 201, headers=HTMX)
    assert answer.status_code == 422
    assert "niet meer dan 200 tekens" in answer.content.decode()
    assert links() == before


# --- From the recommendation's page ------------------------------------------------------------


def test_project_team_link_an_action_from_the_recommendation_page(client, project_member, seed_response, rec):
    part = Action.objects.get(response=seed_response, number="1.2")
    client.force_login(project_member)

    opened = client.get(reverse("actions:recommendation_link_add", args=[rec.pk]), headers=HTMX).content.decode()
    assert opened.lstrip().startswith(f'<section class="links-panel" id="koppelingen-aanbeveling-{rec.pk}"')
    assert f'<option value="{part.pk}" lang="nl">1.2. ' in opened  # parts can be chosen too, in the document's words
    assert ">✓ " in opened

    answer = add_from_recommendation(client, rec, action=part.pk, qualifier="kennisdeling 1", headers=HTMX)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "Actie 1.2 – kennisdeling 1" in html
    assert re.search(rf'id="koppel-aanbeveling-{rec.pk}"[^>]*autofocus', html, re.S)
    link = ActionLink.objects.get(action=part, recommendation=rec)
    assert link.order == rec.action_links.exclude(pk=link.pk).order_by("-order").first().order + 1
    # The document's table cites it last in the recommendation's row.
    document = client.get(seed_response.get_absolute_url()).content.decode()
    row = document[document.index(f'id="aanbeveling-{rec.pk}"') :]
    row = row[: row.index("</tr>")]
    assert row.rindex("Actie 1.2 – kennisdeling 1") > row.index("Actie 5 – kennisdeling 4")


def test_without_javascript_linking_from_the_recommendation_redirects_back(client, project_member, seed_response, rec):
    part = Action.objects.get(response=seed_response, number="1.2")
    client.force_login(project_member)
    page = client.get(reverse("actions:recommendation_link_add", args=[rec.pk])).content.decode()
    assert f"<h1>Actie koppelen aan aanbeveling {rec.location}</h1>" in page

    answer = add_from_recommendation(client, rec, action=part.pk)

    assert answer["Location"] == f"{rec.get_absolute_url()}#koppelingen-aanbeveling-{rec.pk}"
    assert ActionLink.objects.filter(action=part, recommendation=rec).exists()


def test_an_action_of_another_response_is_refused(client, project_member, rec):
    other = ActionFactory(response=ManagementResponseFactory())
    client.force_login(project_member)
    before = links()

    for headers in ({}, HTMX):
        answer = add_from_recommendation(client, rec, action=other.pk, headers=headers)
        assert answer.status_code == 422
        assert "Kies een actie van dezelfde managementresponse als de aanbeveling." in answer.content.decode()
    assert links() == before


def test_the_model_refuses_a_link_across_responses_too(db):
    rec = RecommendationFactory()
    other = ActionFactory(response=ManagementResponseFactory())
    with pytest.raises(ValidationError, match="dezelfde managementresponse"):
        ActionLink(recommendation=rec, action=other).full_clean()


# --- Qualifying and unlinking, from both sides -------------------------------------------------


@pytest.fixture
def link(seed_response, rec):
    return ActionLink.objects.get(recommendation=rec, action__number="5")  # "Actie 5 – kennisdeling 4"


@pytest.mark.parametrize("side", ["action", "recommendation"])
def test_the_qualifier_can_be_changed_from_either_side(client, project_member, link, side):
    owner = link.action if side == "action" else link.recommendation
    panel = f"actie-{owner.pk}" if side == "action" else f"aanbeveling-{owner.pk}"
    client.force_login(project_member)
    url = reverse("actions:link_edit", args=[link.pk])

    opened = client.get(f"{url}?panel={panel}", headers=HTMX).content.decode()
    assert opened.lstrip().startswith(f'<section class="links-panel" id="koppelingen-{panel}"')
    assert 'value="kennisdeling 4"' in opened
    assert "autofocus" in opened
    assert f"?focus=wijzig-koppeling-{link.pk}" in opened  # Cancel goes back to the control

    answer = client.post(url, {"qualifier": "kennisdeling 5", "panel": panel, "version": link.version}, headers=HTMX)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.lstrip().startswith(f'<section class="links-panel" id="koppelingen-{panel}"')
    assert "Actie 5 – kennisdeling 5" in html
    assert re.search(rf'id="wijzig-koppeling-{link.pk}"[^>]*autofocus', html, re.S)
    assert "Koppeling opgeslagen: Actie 5 – kennisdeling 5." in html
    link.refresh_from_db()
    assert link.qualifier == "kennisdeling 5"


def test_without_javascript_the_qualifier_is_a_page_and_a_redirect(client, project_member, link):
    client.force_login(project_member)
    panel = f"aanbeveling-{link.recommendation_id}"
    url = reverse("actions:link_edit", args=[link.pk])
    page = client.get(f"{url}?panel={panel}").content.decode()
    assert "<h1>Verduidelijking van de koppeling wijzigen</h1>" in page

    answer = client.post(url, {"qualifier": "", "panel": panel, "version": link.version})

    assert answer["Location"] == f"{link.recommendation.get_absolute_url()}#koppelingen-{panel}"
    link.refresh_from_db()
    assert link.qualifier == ""


def test_an_over_long_qualifier_edit_is_refused(client, project_member, link):
    client.force_login(project_member)
    before = links()
    answer = client.post(reverse("actions:link_edit", args=[link.pk]), {"qualifier": "x" * 201}, headers=HTMX)
    assert answer.status_code == 422
    assert links() == before


@pytest.mark.parametrize("side", ["action", "recommendation"])
def test_unlinking_from_either_side(client, project_member, link, side):
    owner = link.action if side == "action" else link.recommendation
    panel = f"actie-{owner.pk}" if side == "action" else f"aanbeveling-{owner.pk}"
    client.force_login(project_member)

    page = client.get(owner.get_absolute_url()).content.decode()
    assert f'id="ontkoppel-{link.pk}"' in page
    assert '<span class="visually-hidden"> (Actie 5 – kennisdeling 4 en aanbeveling' in page

    answer = client.post(
        reverse("actions:link_delete", args=[link.pk]), {"panel": panel, "version": link.version}, headers=HTMX
    )

    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.lstrip().startswith(f'<section class="links-panel" id="koppelingen-{panel}"')
    assert f'id="koppeling-{link.pk}"' not in html
    assert "Koppeling verwijderd: Actie 5 – kennisdeling 4" in html
    assert not ActionLink.objects.filter(pk=link.pk).exists()


def test_without_javascript_unlinking_redirects_back(client, project_member, link):
    client.force_login(project_member)
    panel = f"actie-{link.action_id}"
    answer = client.post(reverse("actions:link_delete", args=[link.pk]), {"panel": panel, "version": link.version})
    assert answer["Location"] == f"{link.action.get_absolute_url()}#koppelingen-{panel}"
    assert "Koppeling verwijderd" in client.get(answer["Location"]).content.decode()
    assert not ActionLink.objects.filter(pk=link.pk).exists()


def test_a_parts_link_can_be_unlinked_from_the_parents_page(client, project_member, seed_response):
    three = Action.objects.get(response=seed_response, number="3")
    part_link = ActionLink.objects.filter(action__parent=three).first()
    client.force_login(project_member)
    answer = client.post(
        reverse("actions:link_delete", args=[part_link.pk]),
        {"panel": f"actie-{three.pk}", "version": part_link.version},
        headers=HTMX,
    )
    assert (
        answer.content.decode().lstrip().startswith(f'<section class="links-panel" id="koppelingen-actie-{three.pk}"')
    )
    assert not ActionLink.objects.filter(pk=part_link.pk).exists()


@pytest.mark.parametrize("headers", [{}, HTMX])
def test_unlinking_a_link_that_is_already_gone_answers_gracefully(client, project_member, link, headers):
    client.force_login(project_member)
    pk, panel = link.pk, f"aanbeveling-{link.recommendation_id}"
    client.post(reverse("actions:link_delete", args=[pk]), {"panel": panel, "version": 1})

    answer = client.post(reverse("actions:link_delete", args=[pk]), {"panel": panel, "version": 1}, headers=headers)

    if headers:
        assert answer.status_code == 200
        assert "Deze koppeling was al verwijderd." in answer.content.decode()
    else:
        assert answer.status_code == 302
        assert "Deze koppeling was al verwijderd." in client.get(answer["Location"]).content.decode()


def test_unlinking_a_missing_link_without_a_page_is_not_found(client, project_member, link):
    client.force_login(project_member)
    pk = link.pk
    link.delete()
    assert client.post(reverse("actions:link_delete", args=[pk]), {}).status_code == 404


def test_a_panel_named_for_another_page_falls_back_to_the_links_action(client, project_member, link, action):
    client.force_login(project_member)
    answer = client.post(
        reverse("actions:link_edit", args=[link.pk]),
        {"qualifier": "", "panel": f"actie-{action.pk}", "version": link.version},
    )
    assert answer["Location"] == f"{link.action.get_absolute_url()}#koppelingen-actie-{link.action_id}"


def test_the_panels_answer_htmx_for_cancel_and_send_plain_visitors_to_the_page(client, action, rec):
    panel = client.get(reverse("actions:links", args=[action.pk]) + "?focus=koppel", headers=HTMX).content.decode()
    assert panel.lstrip().startswith(f'<section class="links-panel" id="koppelingen-actie-{action.pk}"')
    assert client.get(reverse("actions:recommendation_links", args=[rec.pk]))["Location"] == (
        f"{rec.get_absolute_url()}#koppelingen-aanbeveling-{rec.pk}"
    )


# --- Who may link --------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["project_member", "evaluation_staff"])
def test_project_team_and_evaluation_staff_may_link(client, request, action, unlinked, user):
    client.force_login(request.getfixturevalue(user))
    assert add_from_action(client, action, recommendation=unlinked.pk, headers=HTMX).status_code == 200


@pytest.mark.parametrize("user", ["reader", "outsider"])
def test_readers_and_outsiders_may_not_link(client, request, action, rec, link, unlinked, user):
    client.force_login(request.getfixturevalue(user))
    before = links()
    for url in (
        reverse("actions:link_add", args=[action.pk]),
        reverse("actions:recommendation_link_add", args=[rec.pk]),
        reverse("actions:link_edit", args=[link.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.get(url, headers=HTMX).status_code == 403
    assert add_from_action(client, action, recommendation=unlinked.pk, headers=HTMX).status_code == 403
    assert add_from_recommendation(client, rec, action=action.pk).status_code == 403
    assert client.post(reverse("actions:link_edit", args=[link.pk]), {"qualifier": "x"}).status_code == 403
    assert client.post(reverse("actions:link_delete", args=[link.pk]), {}, headers=HTMX).status_code == 403
    # An already-deleted link does not tell them anything either.
    assert client.post(reverse("actions:link_delete", args=[10**6]), {"panel": f"actie-{action.pk}"}).status_code == 403
    assert links() == before


def test_anonymous_visitors_must_log_in_to_link(client, action, unlinked, link):
    answer = add_from_action(client, action, recommendation=unlinked.pk)
    assert answer["Location"].startswith(reverse("login") + "?next=")
    htmx = client.post(reverse("actions:link_delete", args=[link.pk]), {}, headers=HTMX)
    assert htmx["HX-Redirect"].startswith(reverse("login"))
    assert ActionLink.objects.filter(pk=link.pk).exists()


def test_the_pages_show_link_controls_only_to_those_who_may_link(client, action, rec, reader, evaluation_staff):
    for page in (action.get_absolute_url(), rec.get_absolute_url()):
        assert "ontkoppel-" not in client.get(page).content.decode()
    client.force_login(reader)
    assert "koppel-aanbeveling-" not in client.get(rec.get_absolute_url()).content.decode()
    client.force_login(evaluation_staff)
    html = client.get(rec.get_absolute_url()).content.decode()
    assert f'id="koppel-aanbeveling-{rec.pk}"' in html
    assert html.count('id="ontkoppel-') == rec.action_links.count()
    assert "autofocus" not in html  # a page load does not steal focus


@pytest.mark.parametrize("size", [10, 200])
def test_linking_costs_the_same_whatever_the_size(client, django_assert_max_num_queries, project_member, size):
    response = ManagementResponseFactory()
    action = ActionFactory(response=response)
    recs = RecommendationFactory.create_batch(size, theme__group__response=response)
    for rec in recs[1:]:
        ActionLinkFactory(action=action, recommendation=rec)
    client.force_login(project_member)
    # session, user, the action, the user's memberships, the chosen recommendation (with its theme
    # and group), the duplicate check, the foreign key check, the last order and the insert (in a
    # savepoint: 4), the audit trail (the link's previous record, the history row: 2), the
    # response's new revision (the key of the cached document and PDF), then the panel's links.
    # The choice list is not built.
    with django_assert_max_num_queries(15):
        answer = add_from_action(client, action, recommendation=recs[0].pk, headers=HTMX)
    assert answer.status_code == 200
    assert answer.content.decode().count('id="ontkoppel-') == size
