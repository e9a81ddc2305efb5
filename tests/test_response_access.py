"""``responses.access.with_response_object``: the object a URL names, refused before the view runs."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from recommendations.models import Theme
from responses import permissions
from responses.access import with_response_object
from responses.models import ManagementResponse
from tests.factories import ActionLinkFactory, ManagementResponseFactory, ThemeFactory
from tests.fixtures import grant, make_user

pytestmark = pytest.mark.django_db

calls = []


@with_response_object(Theme.objects.select_related("group__response"), permission=permissions.can_edit_recommendations)
def theme_view(request, theme, **rest):
    """Stands in for an editing view: records what it was handed."""
    calls.append((theme, rest))
    return HttpResponse("ok")


@with_response_object(ManagementResponse, field="slug", url_kwarg="which", permission=permissions.can_view)
def response_view(request, response):
    calls.append((response, {}))
    return HttpResponse("ok")


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


def request_by(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def theme_in(status):
    return ThemeFactory(group__response=ManagementResponseFactory(status=status))


def test_the_view_gets_the_object_and_the_other_url_kwargs(django_user_model, django_assert_num_queries):
    theme = theme_in(ManagementResponse.Status.DRAFT)
    user = make_user(django_user_model, "eva")
    grant(user, theme.group.response, permissions.EVALUATION_STAFF)
    request = request_by(user)
    with django_assert_num_queries(2):  # the theme with its group and response; the user's roles
        http = theme_view(request, pk=theme.pk, direction="up")
    assert http.status_code == 200
    [(handed, rest)] = calls
    assert handed == theme
    assert rest == {"direction": "up"}
    with django_assert_num_queries(0):
        assert handed.response == theme.group.response  # Theme.response: from what was selected


def test_an_unknown_pk_is_404(django_user_model):
    user = make_user(django_user_model, "ada", is_superuser=True)
    with pytest.raises(Http404):
        theme_view(request_by(user), pk=999_999)
    assert calls == []


@pytest.mark.parametrize("member", [False, True], ids=["outsider", "member-elsewhere"])
def test_a_draft_is_404_for_who_may_not_see_it(django_user_model, member):
    theme = theme_in(ManagementResponse.Status.DRAFT)
    user = make_user(django_user_model, "olaf")
    if member:
        grant(user, ManagementResponseFactory(), permissions.EVALUATION_STAFF)
    with pytest.raises(Http404):
        theme_view(request_by(user), pk=theme.pk)
    with pytest.raises(Http404):
        theme_view(request_by(AnonymousUser()), pk=theme.pk)
    assert calls == []


@pytest.mark.parametrize("status", [ManagementResponse.Status.DRAFT, ManagementResponse.Status.PUBLISHED])
def test_a_visible_response_without_the_role_is_403(django_user_model, status):
    theme = theme_in(status)
    reader = make_user(django_user_model, "lea")
    grant(reader, theme.group.response, permissions.READER)
    team = make_user(django_user_model, "piet")
    grant(team, theme.group.response, permissions.PROJECT_TEAM)
    for user in (reader, team):
        with pytest.raises(PermissionDenied):
            theme_view(request_by(user), pk=theme.pk)
    assert calls == []


def test_a_response_is_its_own_and_the_url_kwarg_may_differ(django_user_model):
    draft = ManagementResponseFactory(status=ManagementResponse.Status.DRAFT)
    with pytest.raises(Http404):
        response_view(request_by(AnonymousUser()), which=draft.slug)
    reader = make_user(django_user_model, "lea")
    grant(reader, draft, permissions.READER)
    assert response_view(request_by(reader), which=draft.slug).status_code == 200
    assert calls == [(draft, {})]


def test_a_link_knows_its_response():
    link = ActionLinkFactory()
    assert link.response == link.action.response
