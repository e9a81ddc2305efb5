"""The Django admin takes part in versioning (core.editing.VersionedAdminMixin).

For every admin of a versioned model, and for every inline of one: a change form opened before
someone saved the row is refused with the application's message (who, when) and writes nothing;
an admin save moves the row's version on, so that a form opened in the application before it is
refused in turn (409).
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from actions.models import Action, ActionLink
from core.editing import save_if_unchanged
from recommendations.models import Recommendation, RecommendationGroup, Theme
from responses.models import ManagementResponse
from tests.pageforms import form_on


def admin_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def inline_prefix(data, formset, pk):
    """The prefix of the inline row of ``pk`` in the formset ``formset`` ("themes-2")."""
    pattern = re.compile(rf"^({re.escape(formset)}-\d+)-id$")
    return next(m.group(1) for key, value in data.items() if (m := pattern.match(key)) and value == str(pk))


def saved_elsewhere(obj, field, value, user):
    """Someone saves ``obj`` in the application (a versioned save)."""
    obj = type(obj).objects.get(pk=obj.pk)
    setattr(obj, field, value)
    save_if_unchanged(obj, base_version=obj.version, user=user, fields=[field])
    return obj


# --- the admins of the versioned models ------------------------------------------------------


@dataclass
class Case:
    name: str
    get: object  # seed_response -> the row
    field: str  # a text field the admin shows and the application saves
    app_url: object  # row -> the application's edit page of the row


def _response(seed):
    return seed


def _group(seed):
    return RecommendationGroup.objects.filter(response=seed).order_by("pk").first()


def _theme(seed):
    return Theme.objects.filter(group__response=seed).order_by("pk").first()


def _rec(seed):
    return Recommendation.objects.get(response=seed, theme__heading="BRUGFIGUREN")


def _action(seed):
    return Action.objects.get(response=seed, number="4", parent=None)


def _link(seed):
    return ActionLink.objects.get(action__response=seed, qualifier="kennisdeling 4")


CASES = [
    Case("response", _response, "title", lambda r: reverse("responses:edit", args=[r.slug])),
    Case("group", _group, "title", lambda g: reverse("recommendations:group_edit", args=[g.pk])),
    Case("theme", _theme, "heading", lambda t: reverse("recommendations:theme_edit", args=[t.pk])),
    Case("recommendation", _rec, "location", lambda r: reverse("recommendations:recommendation_edit", args=[r.pk])),
    Case("action", _action, "title", lambda a: reverse("actions:edit", args=[a.pk])),
    Case("link", _link, "qualifier", lambda link: reverse("actions:link_edit", args=[link.pk])),
]


def test_every_admin_of_a_versioned_model_is_covered():
    from django.apps import apps
    from django.contrib import admin

    from core.editing import VersionedAdminMixin
    from core.models import Versioned

    models = [m for m in apps.get_models() if issubclass(m, Versioned) and admin.site.is_registered(m)]
    assert set(models) == {ManagementResponse, RecommendationGroup, Theme, Recommendation, Action, ActionLink}
    assert len(CASES) == len(models)
    assert all(isinstance(admin.site.get_model_admin(m), VersionedAdminMixin) for m in models)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_stale_admin_save_is_refused_with_who_and_when(admin_client, evaluation_staff, seed_response, case):
    obj = case.get(seed_response)
    url = admin_url(obj)
    data = form_on(admin_client, url, "based_on_version")
    assert data["based_on_version"] == str(obj.version)

    now = saved_elsewhere(obj, case.field, "Uit de app", evaluation_staff)
    data[case.field] = "Uit de beheerpagina"
    answer = admin_client.post(url, data)

    assert answer.status_code == 200  # the form again, with the user's input
    html = answer.content.decode()
    assert "eva heeft dit intussen gewijzigd" in html
    assert "Uw wijziging is niet opgeslagen." in html
    assert "Uit de beheerpagina" in html
    row = type(obj).objects.get(pk=obj.pk)
    assert (getattr(row, case.field), row.version, row.updated_by) == ("Uit de app", now.version, evaluation_staff)
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert f'name="based_on_version" value="{now.version}"' in html
    data["based_on_version"] = str(now.version)
    assert admin_client.post(url, data).status_code == 302
    row.refresh_from_db()
    assert (getattr(row, case.field), row.version) == ("Uit de beheerpagina", now.version + 1)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_an_admin_save_makes_a_form_opened_in_the_app_before_it_stale(admin_client, admin_user, seed_response, case):
    obj = case.get(seed_response)
    app_url = case.app_url(obj)
    app_data = form_on(admin_client, app_url, "version")  # administrators may edit everything in the app
    assert app_data["version"] == str(obj.version)

    url = admin_url(obj)
    data = form_on(admin_client, url, "based_on_version")
    data[case.field] = "Uit de beheerpagina"
    assert admin_client.post(url, data).status_code == 302
    row = type(obj).objects.get(pk=obj.pk)
    assert (getattr(row, case.field), row.version, row.updated_by) == (
        "Uit de beheerpagina",
        obj.version + 1,
        admin_user,
    )

    app_data[case.field] = "Uit de app"
    assert admin_client.post(app_url, app_data).status_code == 409
    row.refresh_from_db()
    assert getattr(row, case.field) == "Uit de beheerpagina"


def test_an_admin_form_without_its_version_is_not_saved(admin_client, seed_response):
    url = admin_url(seed_response)
    data = form_on(admin_client, url, "based_on_version")
    del data["based_on_version"]
    data["title"] = "Zonder versie"
    assert admin_client.post(url, data).status_code == 200
    seed_response.refresh_from_db()
    assert seed_response.title != "Zonder versie"


# --- inlines: each row on its own version ----------------------------------------------------


@dataclass
class InlineCase:
    name: str
    parent: object  # seed_response -> the row whose admin page has the inline
    formset: str  # the inline's prefix
    row: object  # parent -> the inline row
    field: str
    app_url: object


INLINES = [
    InlineCase(
        "theme in group",
        _group,
        "themes",
        lambda g: g.themes.order_by("pk").first(),
        "heading",
        lambda t: reverse("recommendations:theme_edit", args=[t.pk]),
    ),
    InlineCase(
        "recommendation in theme",
        _theme,
        "recommendations",
        lambda t: t.recommendations.order_by("pk").first(),
        "location",
        lambda r: reverse("recommendations:recommendation_edit", args=[r.pk]),
    ),
    InlineCase(
        "part in action",
        lambda seed: Action.objects.filter(response=seed, parent=None, parts__isnull=False).order_by("pk").first(),
        "parts",
        lambda a: a.parts.order_by("pk").first(),
        "title",
        lambda p: reverse("actions:edit", args=[p.pk]),
    ),
    InlineCase(
        "link in action",
        lambda seed: _link(seed).action,
        "links",
        lambda a: a.links.get(qualifier="kennisdeling 4"),
        "qualifier",
        lambda link: reverse("actions:link_edit", args=[link.pk]),
    ),
    InlineCase(
        "link in recommendation",
        lambda seed: _link(seed).recommendation,
        "action_links",
        lambda r: r.action_links.get(qualifier="kennisdeling 4"),
        "qualifier",
        lambda link: reverse("actions:link_edit", args=[link.pk]),
    ),
]


@pytest.mark.parametrize("case", INLINES, ids=lambda c: c.name)
def test_a_stale_inline_row_is_refused(admin_client, evaluation_staff, seed_response, case):
    parent = case.parent(seed_response)
    row = case.row(parent)
    url = admin_url(parent)
    data = form_on(admin_client, url, "based_on_version")
    prefix = inline_prefix(data, case.formset, row.pk)
    assert data[f"{prefix}-based_on_version"] == str(row.version)

    now = saved_elsewhere(row, case.field, "Uit de app", evaluation_staff)
    parent_version = type(parent).objects.get(pk=parent.pk).version
    data[f"{prefix}-{case.field}"] = "Uit de beheerpagina"
    answer = admin_client.post(url, data)

    assert answer.status_code == 200
    html = answer.content.decode()
    assert "eva heeft dit intussen gewijzigd" in html
    assert f'name="{prefix}-based_on_version" value="{now.version}"' in html
    current = type(row).objects.get(pk=row.pk)
    assert (getattr(current, case.field), current.version) == ("Uit de app", now.version)
    assert type(parent).objects.get(pk=parent.pk).version == parent_version  # the parent is not saved either


@pytest.mark.parametrize("case", INLINES, ids=lambda c: c.name)
def test_an_inline_save_moves_that_rows_version_on(admin_client, admin_user, seed_response, case):
    parent = case.parent(seed_response)
    row = case.row(parent)
    app_url = case.app_url(row)
    app_data = form_on(admin_client, app_url, "version")

    url = admin_url(parent)
    data = form_on(admin_client, url, "based_on_version")
    prefix = inline_prefix(data, case.formset, row.pk)
    data[f"{prefix}-{case.field}"] = "Uit de beheerpagina"
    assert admin_client.post(url, data).status_code == 302
    saved = type(row).objects.get(pk=row.pk)
    assert (getattr(saved, case.field), saved.version, saved.updated_by) == (
        "Uit de beheerpagina",
        row.version + 1,
        admin_user,
    )
    # The rows the admin did not change keep their version.
    pattern = re.compile(rf"^{re.escape(case.formset)}-\d+-id$")
    siblings = type(row).objects.filter(pk__in=[v for k, v in data.items() if pattern.match(k) and v])
    assert set(siblings.exclude(pk=row.pk).values_list("version", flat=True)) <= {1}

    app_data[case.field] = "Uit de app"
    assert admin_client.post(app_url, app_data).status_code == 409
    saved.refresh_from_db()
    assert getattr(saved, case.field) == "Uit de beheerpagina"


def test_an_inline_row_changed_in_the_app_is_not_reverted_by_saving_its_parent(
    admin_client, evaluation_staff, seed_response
):
    """The admin changed only the group; the theme row in the page is stale all the same: saving it
    as it stands would put the old heading back, so the save is refused."""
    group = _group(seed_response)
    theme = group.themes.order_by("pk").first()
    url = admin_url(group)
    data = form_on(admin_client, url, "based_on_version")
    saved_elsewhere(theme, "heading", "Uit de app", evaluation_staff)
    data["title"] = "Groep via de beheerpagina"
    assert admin_client.post(url, data).status_code == 200
    theme.refresh_from_db()
    group.refresh_from_db()
    assert (theme.heading, group.title) == ("Uit de app", _group(seed_response).title)
    assert group.title != "Groep via de beheerpagina"


def test_a_stale_inline_delete_is_refused(admin_client, evaluation_staff, seed_response):
    link = _link(seed_response)
    url = admin_url(link.action)
    data = form_on(admin_client, url, "based_on_version")
    prefix = inline_prefix(data, "links", link.pk)
    saved_elsewhere(link, "qualifier", "Uit de app", evaluation_staff)
    data[f"{prefix}-DELETE"] = "on"
    answer = admin_client.post(url, data, follow=True)
    assert "eva heeft dit intussen gewijzigd" in answer.content.decode().lower()  # the admin capitalises messages
    assert ActionLink.objects.get(pk=link.pk).qualifier == "Uit de app"


def test_a_change_between_the_check_and_the_save_rolls_the_whole_save_back(
    admin_client, evaluation_staff, seed_response, monkeypatch
):
    """The form's check passed, then someone saved before the admin's UPDATE: nothing is written."""
    from core import editing

    rec = _rec(seed_response)
    url = admin_url(rec)
    data = form_on(admin_client, url, "based_on_version")
    data["location"] = "Uit de beheerpagina"
    checked = editing.VersionedAdminForm.clean

    def clean_then_someone_saves(form):
        cleaned = checked(form)
        if form.instance.pk == rec.pk and isinstance(form.instance, Recommendation):
            saved_elsewhere(rec, "justification", "Tussendoor", evaluation_staff)
        return cleaned

    monkeypatch.setattr(editing.VersionedAdminForm, "clean", clean_then_someone_saves)
    answer = admin_client.post(url, data, follow=True)
    assert "eva heeft dit intussen gewijzigd" in answer.content.decode().lower()  # the admin capitalises messages
    # (In the test the other save runs on the admin's own connection, so it is rolled back with it.)
    rec.refresh_from_db()
    assert rec.location != "Uit de beheerpagina"
