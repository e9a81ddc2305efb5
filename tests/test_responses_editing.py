"""Editing the response itself: its title block and publication; its introduction (the first
chapter); the Markdown preview."""

import datetime

import pytest
from django.urls import reverse

from responses.models import ManagementResponse
from tests.factories import introduction_of

HTMX = {"HX-Request": "true"}


def form_data(response, **changes):
    data = {
        "title": response.title,
        "organisation": response.organisation,
        "responsible_team": response.responsible_team,
        "evaluation_title": response.evaluation_title,
        "evaluators": response.evaluators,
        "evaluation_delivered_on": response.evaluation_delivered_on or "",
        "evaluation_delivered_precision": response.evaluation_delivered_precision,
        "language": response.language,
        "layout": response.layout,
        "status": response.status,
        "published_on": response.published_on or "2025-03-31",
        "version": response.version,
    }
    data.update(changes)
    return data


def snapshot():
    return list(ManagementResponse.objects.order_by("pk").values())


def edit_url(response):
    return reverse("responses:edit", args=[response.slug])


def test_evaluation_staff_edit_the_title_block_and_see_it_in_the_document(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)

    answer = client.post(edit_url(seed_response), form_data(seed_response, title="Een nieuwe titel"))

    assert answer.status_code == 302
    assert answer["Location"] == seed_response.get_absolute_url()
    page = client.get(answer["Location"]).content.decode()
    assert "Gegevens opgeslagen." in page
    assert "Een nieuwe titel" in page
    seed_response.refresh_from_db()
    assert (seed_response.version, seed_response.updated_by) == (2, evaluation_staff)
    assert seed_response.published_on == datetime.date(2025, 3, 31)


def test_evaluation_staff_edit_the_introduction_as_the_first_chapter(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)
    intro = introduction_of(seed_response)
    assert (intro.heading, intro.placement) == ("I. Inleiding", "before")
    url = reverse("responses:chapter", args=[seed_response.slug, intro.pk])
    data = {"placement": "before", "heading": intro.heading, "body": "Een **nieuwe** inleiding.", "version": 1}

    answer = client.post(url, data)

    assert answer.status_code == 302
    page = client.get(seed_response.get_absolute_url()).content.decode()
    assert "<h2>I. Inleiding</h2>" in page
    assert "Een <strong>nieuwe</strong> inleiding." in page
    assert page.index("I. Inleiding") < page.index("II. Acties als antwoord op de aanbevelingen")


def test_with_htmx_the_form_comes_back_on_the_new_version(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)

    answer = client.post(edit_url(seed_response), form_data(seed_response, title="Nieuwe titel"), headers=HTMX)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.lstrip().startswith('<form class="form" id="response-form"')
    assert 'name="version" value="2"' in html
    assert 'value="Nieuwe titel"' in html
    assert "Gegevens opgeslagen." in html  # the out-of-band message for the live region
    # Saving again from the returned form is not mistaken for a stale edit.
    seed_response.refresh_from_db()
    again = client.post(edit_url(seed_response), form_data(seed_response, title="Derde titel"), headers=HTMX)
    assert again.status_code == 200


def test_the_edit_page_points_to_the_chapters_for_the_introduction(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)
    html = client.get(edit_url(seed_response)).content.decode()
    assert "<h1>Gegevens bewerken</h1>" in html
    assert "De inleiding is het eerste hoofdstuk voor de aanbevelingen." in html
    assert f'href="/responses/{seed_response.slug}/chapters/"' in html
    assert "id_introduction" not in html
    intro = introduction_of(seed_response)
    chapter = client.get(reverse("responses:chapter", args=[seed_response.slug, intro.pk])).content.decode()
    assert f'hx-post="/responses/{seed_response.slug}/preview/?field=body"' in chapter
    assert "<p>De evaluatie resulteert in inzichten" in chapter  # the rendered preview of the seed's introduction


def test_a_published_response_needs_its_publication_date(client, evaluation_staff, seed_response):
    # The seed is published without a date (the document shows none): give it one, then remove it.
    seed_response.published_on = datetime.date(2025, 3, 31)
    seed_response.save()
    client.force_login(evaluation_staff)
    before = snapshot()
    answer = client.post(edit_url(seed_response), form_data(seed_response, published_on=""), headers=HTMX)
    assert answer.status_code == 422
    assert "Een gepubliceerde managementresponse heeft een publicatiedatum." in answer.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "x" * 301, "niet meer dan 300 tekens"),
        ("language", "fr", "Selecteer een geldige keuze"),
        ("status", "archived", "Selecteer een geldige keuze"),
        ("evaluation_delivered_on", "31/02/2024", "Voer een geldige datum in."),
        ("title", "", "Dit veld is verplicht"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(client, evaluation_staff, seed_response, field, value, message):
    client.force_login(evaluation_staff)
    before = snapshot()
    answer = client.post(edit_url(seed_response), form_data(seed_response, **{field: value}), headers=HTMX)
    assert answer.status_code == 422
    html = answer.content.decode()
    assert f'id="id_{field}_error"' in html
    assert message in html
    assert snapshot() == before


def test_a_stale_edit_of_the_response_is_refused(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)
    first = client.post(edit_url(seed_response), form_data(seed_response, title="Eerste"))
    assert first.status_code == 302

    second = client.post(edit_url(seed_response), form_data(seed_response, title="Tweede"))  # still version 1

    assert second.status_code == 409
    html = second.content.decode()
    assert "eva heeft dit intussen gewijzigd" in html
    assert "<dd>Eerste</dd>" in html
    assert 'value="Tweede"' in html
    seed_response.refresh_from_db()
    assert seed_response.title == "Eerste"


@pytest.mark.parametrize("user", ["project_member", "reader", "outsider"])
def test_only_evaluation_staff_edit_the_response(client, request, seed_response, user):
    client.force_login(request.getfixturevalue(user))
    before = snapshot()
    assert client.get(edit_url(seed_response)).status_code == 403
    assert client.post(edit_url(seed_response), form_data(seed_response, title="X")).status_code == 403
    assert snapshot() == before


def preview_url(response, field):
    return reverse("responses:preview", args=[response.slug]) + f"?field={field}"


def test_the_preview_renders_sanitised_markdown(client, evaluation_staff, seed_response):
    client.force_login(evaluation_staff)
    answer = client.post(
        preview_url(seed_response, "narrative"),
        {"narrative": "**Vet** <script>alert(1)</script> [link](javascript:alert(1))"},
        headers=HTMX,
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "<strong>Vet</strong>" in html
    assert "<script>" not in html
    assert 'href="javascript:' not in html


def test_the_preview_needs_a_login_and_a_post(client, evaluation_staff, seed_response):
    url = preview_url(seed_response, "text")
    assert client.post(url, {"text": "x"}).status_code == 302
    client.force_login(evaluation_staff)
    assert client.get(url).status_code == 405
    assert client.post(url, {"text": "x" * 100_001}).status_code == 413


@pytest.mark.parametrize("who", ["reader", "outsider"])
def test_the_preview_is_only_for_people_who_may_edit_the_response(client, seed_response, who, request):
    client.force_login(request.getfixturevalue(who))
    answer = client.post(preview_url(seed_response, "text"), {"text": "[" * 99_000}, headers=HTMX)
    assert answer.status_code == 403
    assert client.post("/preview/?field=text", {"text": "x"}).status_code == 404  # the old open URL is gone


def test_the_project_team_may_preview_their_action_texts(client, project_member, seed_response):
    client.force_login(project_member)
    answer = client.post(preview_url(seed_response, "narrative"), {"narrative": "*Tekst*"}, headers=HTMX)
    assert answer.status_code == 200
    assert "<em>Tekst</em>" in answer.content.decode()


@pytest.mark.parametrize(
    ("form_class", "model"),
    [
        ("actions.forms.ActionForm", "actions.Action"),
        ("recommendations.forms.RecommendationForm", "recommendations.Recommendation"),
    ],
)
def test_a_text_form_without_its_response_fails_loudly_instead_of_a_blank_field(db, form_class, model):
    # The preview URL used to be looked up while the template rendered, where the error was
    # swallowed and the whole field (the text being edited) rendered blank.
    from django.apps import apps
    from django.utils.module_loading import import_string

    model = apps.get_model(model)
    with pytest.raises(model.response.RelatedObjectDoesNotExist):
        import_string(form_class)(instance=model())


def test_the_text_forms_point_their_preview_at_their_own_response(db):
    from actions.forms import ActionForm
    from recommendations.forms import RecommendationForm
    from tests.factories import ActionFactory, RecommendationFactory

    action, rec = ActionFactory(), RecommendationFactory()
    assert ActionForm(instance=action)["narrative"].field.widget.attrs["hx-post"] == preview_url(
        action.response, "narrative"
    )
    assert RecommendationForm(instance=rec)["text"].field.widget.attrs["hx-post"] == preview_url(rec.response, "text")


def test_a_preview_must_be_given_its_url_not_a_function_returning_it(db):
    from core.editing import live_preview
    from responses.forms import ResponseForm
    from tests.factories import ManagementResponseFactory

    response = ManagementResponseFactory()
    with pytest.raises(TypeError):
        live_preview(ResponseForm(instance=response), "evaluators", url=response.get_preview_url)


def test_a_save_in_the_admin_makes_a_form_opened_before_it_stale(client, admin_client, evaluation_staff, seed_response):
    opened_at = seed_response.version
    change = reverse("admin:responses_managementresponse_change", args=[seed_response.pk])
    admin_data = form_data(seed_response, title="Via de beheerpagina", slug=seed_response.slug)
    admin_data["status"] = "draft"
    admin_data["based_on_version"] = admin_data.pop("version")  # the admin's form carries it under this name
    assert admin_client.post(change, admin_data).status_code == 302
    seed_response.refresh_from_db()
    assert (seed_response.title, seed_response.version) == ("Via de beheerpagina", opened_at + 1)

    client.force_login(evaluation_staff)
    stale = client.post(edit_url(seed_response), form_data(seed_response, title="Uit de app", version=opened_at))
    assert stale.status_code == 409
    seed_response.refresh_from_db()
    assert seed_response.title == "Via de beheerpagina"


def test_a_conflict_names_its_moment_as_pages_write_dates_in_english_too(seed_response):
    """Not "Dec. 2, 2026, 1:39 a.m." beside "2 December 2026" elsewhere (issue 22)."""
    from django.utils import timezone, translation

    from core.editing import last_change

    seed_response.updated_at = datetime.datetime(2026, 12, 2, 13, 39, tzinfo=timezone.get_current_timezone())
    for language, expected in (("en", "2 December 2026 13:39"), ("nl", "2 december 2026 13:39")):
        with translation.override(language):
            assert last_change(seed_response)[1] == expected
