"""The upgrade to roles per response keeps everyone's access to the responses that exist."""

import importlib

from django.apps import apps as global_apps
from django.contrib.auth.models import Group

from core.models import Membership

from .factories import ManagementResponseFactory
from .fixtures import make_user


def test_members_of_the_old_global_groups_get_their_role_on_every_existing_response(django_user_model, db):
    first, second = ManagementResponseFactory(), ManagementResponseFactory(status="draft")
    piet, lea, eva = (make_user(django_user_model, name) for name in ("piet", "lea", "eva"))
    Group.objects.get_or_create(name="Projectteam")[0].user_set.add(piet)
    Group.objects.get_or_create(name="Lezers")[0].user_set.add(lea, eva)
    Group.objects.get_or_create(name="Evaluatiemedewerkers")[0].user_set.add(eva)
    make_user(django_user_model, "olaf")  # in no group: no role

    migration = importlib.import_module("core.migrations.0002_memberships_from_global_groups")
    migration.forwards(global_apps, None)

    roles = set(Membership.objects.values_list("user__username", "response_id", "role"))
    assert roles == {
        (name, response.pk, role)
        for name, role in (("piet", "project_team"), ("lea", "reader"), ("eva", "evaluation_staff"))
        for response in (first, second)
    }
    migration.forwards(global_apps, None)  # idempotent
    assert Membership.objects.count() == 6
