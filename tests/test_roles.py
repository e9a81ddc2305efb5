"""Roles are granted per response: a role on one response gives nothing on another."""

import pytest
from django.urls import reverse

from actions.models import Action
from recommendations.models import Recommendation
from responses import permissions
from responses.models import ManagementResponse, Membership
from tests.factories import ActionFactory, ManagementResponseFactory, RecommendationFactory
from tests.fixtures import grant, make_user

HTMX = {"HX-Request": "true"}


@pytest.fixture
def ours(db):
    return ManagementResponseFactory(status="draft", slug="ours")


@pytest.fixture
def theirs(db):
    return ManagementResponseFactory(status="draft", slug="theirs")


@pytest.fixture
def piet(django_user_model, ours):
    user = make_user(django_user_model, "piet")
    grant(user, ours, "project_team")
    return user


def status_post(client, action, status="realised"):
    return client.post(reverse("actions:status", args=[action.pk]), {"status": status, "version": action.version})


def test_the_project_team_of_one_response_cannot_change_anothers_actions(client, piet, ours, theirs):
    mine, other = ActionFactory(response=ours), ActionFactory(response=theirs)
    client.force_login(piet)
    assert status_post(client, mine).status_code == 302
    # Another response's draft does not even exist for piet: 404, on its edit URLs too.
    assert status_post(client, other).status_code == 404
    assert client.get(reverse("actions:status", args=[other.pk])).status_code == 404
    assert Action.objects.get(pk=other.pk).status == "in_progress"
    # Once it is published, piet may read it but still not change it: 403.
    theirs.status = "published"
    theirs.save()
    assert client.get(other.get_absolute_url()).status_code == 200
    assert status_post(client, other).status_code == 403
    assert Action.objects.get(pk=other.pk).status == "in_progress"


def test_a_draft_is_listed_and_readable_only_for_its_members_and_administrators(
    client, django_user_model, ours, theirs
):
    published = ManagementResponseFactory(status="published")
    lea = make_user(django_user_model, "lea")
    grant(lea, ours, "reader")
    assert set(ManagementResponse.objects.visible_to(lea)) == {ours, published}
    client.force_login(lea)
    assert client.get(ours.get_absolute_url()).status_code == 200
    assert client.get(reverse("document:pdf", args=[theirs.slug])).status_code == 404
    admin = make_user(django_user_model, "ada", is_superuser=True)
    assert set(ManagementResponse.objects.visible_to(admin)) == {ours, theirs, published}
    client.logout()
    assert [r.slug for r in client.get(reverse("tracking:home")).context["responses"]] == [published.slug]


def test_a_reader_reads_a_draft_but_changes_nothing(client, django_user_model, ours):
    rec = RecommendationFactory(theme__group__response=ours)
    lea = make_user(django_user_model, "lea")
    grant(lea, ours, "reader")
    client.force_login(lea)
    assert client.get(rec.get_absolute_url()).status_code == 200
    answer = client.post(
        reverse("recommendations:agreement", args=[rec.pk]), {"agreement": "disagree", "version": rec.version}
    )
    assert answer.status_code == 403
    assert Recommendation.objects.get(pk=rec.pk).agreement == "agree"


def test_whoever_creates_a_response_becomes_its_evaluation_staff(django_user_model, theirs):
    eva = make_user(django_user_model, "eva")
    assert not permissions.can_edit_recommendations(eva, theirs)
    permissions.on_response_created(theirs, eva)
    assert Membership.objects.get(user=eva, response=theirs).role == "evaluation_staff"
    assert permissions.can_edit_recommendations(eva, theirs)
    assert permissions.can_manage_people(eva, theirs)
    assert not permissions.can_change_status(eva, theirs)


def test_one_role_per_user_per_response(django_user_model, ours):
    from django.db import IntegrityError, transaction

    user = make_user(django_user_model, "jan")
    Membership.objects.create(user=user, response=ours, role="reader")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, response=ours, role="project_team")


# The People page.


@pytest.fixture
def eva(django_user_model, ours):
    user = make_user(django_user_model, "eva", first_name="Eva", last_name="Luatie")
    grant(user, ours, "evaluation_staff")
    return user


def test_evaluation_staff_add_someone_in_place(client, eva, ours, django_user_model):
    make_user(django_user_model, "jan", first_name="Jan", last_name="Claes")
    client.force_login(eva)
    answer = client.post(
        reverse("responses:people", args=[ours.slug]), {"username": "JAN", "role": "project_team"}, headers=HTMX
    )
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.lstrip().startswith('<div id="people"')
    assert "Jan Claes is nu projectteam." in html
    assert Membership.objects.get(user__username="jan", response=ours).role == "project_team"


def test_an_unknown_username_is_refused_next_to_the_field(client, eva, ours):
    client.force_login(eva)
    answer = client.post(reverse("responses:people", args=[ours.slug]), {"username": "nobody", "role": "reader"})
    assert answer.status_code == 422
    html = answer.content.decode()
    assert "Er is geen actieve gebruiker met deze gebruikersnaam." in html
    assert 'value="nobody"' in html  # the input stays
    assert Membership.objects.filter(response=ours).count() == 1


def test_evaluation_staff_change_a_role_and_remove_someone_without_javascript(client, eva, piet, ours):
    client.force_login(eva)
    membership = Membership.objects.get(user=piet, response=ours)
    url = reverse("responses:member", args=[ours.slug, membership.pk])
    assert client.post(url, {"role": "reader"}).status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == "reader"
    page = client.get(reverse("responses:people", args=[ours.slug])).content.decode()
    assert "piet is nu lezer." in page
    assert client.post(url, {"remove": "1"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_the_project_team_may_not_manage_people(client, piet, ours, django_user_model):
    make_user(django_user_model, "jan")
    client.force_login(piet)
    assert client.get(reverse("responses:people", args=[ours.slug])).status_code == 403
    answer = client.post(reverse("responses:people", args=[ours.slug]), {"username": "jan", "role": "evaluation_staff"})
    assert answer.status_code == 403
    assert not Membership.objects.filter(user__username="jan").exists()


def test_a_membership_of_another_response_cannot_be_changed_through_this_one(
    client, eva, ours, theirs, django_user_model
):
    jan = make_user(django_user_model, "jan")
    grant(jan, theirs, "reader")
    other = Membership.objects.get(user=jan)
    client.force_login(eva)
    answer = client.post(reverse("responses:member", args=[ours.slug, other.pk]), {"role": "evaluation_staff"})
    assert answer.status_code == 404
    assert Membership.objects.get(pk=other.pk).role == "reader"


@pytest.mark.parametrize("members", [3, 60])
def test_the_people_page_costs_the_same_whatever_the_size(
    client, django_assert_max_num_queries, django_user_model, eva, ours, members
):
    for n in range(members):
        grant(make_user(django_user_model, f"user{n}"), ours, "reader")
    client.force_login(eva)
    # session, user, the response, the user's memberships, the members with their users: 5.
    with django_assert_max_num_queries(5):
        page = client.get(reverse("responses:people", args=[ours.slug]))
    assert page.content.decode().count('class="people__role"') == members + 1
