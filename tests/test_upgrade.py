"""The upgrade to roles per response keeps everyone's access to the responses that exist."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.models import Group

from responses.models import Membership
from tests.factories import ManagementResponseFactory
from tests.fixtures import make_user


def test_members_of_the_old_global_groups_get_their_role_on_every_existing_response(django_user_model, db):
    first, second = ManagementResponseFactory(), ManagementResponseFactory(status="draft")
    piet, lea, eva = (make_user(django_user_model, name) for name in ("piet", "lea", "eva"))
    Group.objects.get_or_create(name="Projectteam")[0].user_set.add(piet)
    Group.objects.get_or_create(name="Lezers")[0].user_set.add(lea, eva)
    Group.objects.get_or_create(name="Evaluatiemedewerkers")[0].user_set.add(eva)
    make_user(django_user_model, "olaf")  # in no group: no role

    migration = importlib.import_module("responses.migrations.0009_membership")
    migration.forwards(global_apps, None)

    roles = set(Membership.objects.values_list("user__username", "response_id", "role"))
    assert roles == {
        (name, response.pk, role)
        for name, role in (("piet", "project_team"), ("lea", "reader"), ("eva", "evaluation_staff"))
        for response in (first, second)
    }
    migration.forwards(global_apps, None)  # idempotent
    assert Membership.objects.count() == 6


@pytest.mark.django_db(transaction=True)
def test_a_database_that_had_memberships_in_core_keeps_them_and_their_history_after_the_move():
    """Until now ``core.0001_membership`` and ``core.0002`` created the membership tables. A database
    that applied them is taken to have applied ``responses.0009`` (which replaces them), and the next
    migration renames the tables and moves their content types, with every row kept."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    # A database as the old code left it: the tables under core's names, core's migrations recorded.
    executor = MigrationExecutor(connection)
    executor.migrate([("responses", "0009_membership")])
    old = executor.loader.project_state([("responses", "0009_membership")]).apps
    user = old.get_model("auth", "User").objects.create(username="piet")
    response = old.get_model("responses", "ManagementResponse").objects.create(
        title="Oud", slug="oud", organisation="Europa WSE", evaluation_title="Evaluatie"
    )
    membership = old.get_model("responses", "Membership").objects.create(user=user, response=response, role="reader")
    recorder = MigrationRecorder(connection)
    recorder.migration_qs.filter(app="responses", name="0009_membership").delete()
    recorder.record_applied("core", "0001_membership")
    recorder.record_applied("core", "0002_memberships_from_global_groups")
    ContentType.objects.filter(app_label="responses", model="membership").delete()
    old_type = ContentType.objects.get_or_create(app_label="core", model="membership")[0]
    assert "core_membership" in connection.introspection.table_names()

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    assert ("responses", "0009_membership") not in {(m.app_label, m.name) for m, _backwards in plan}
    executor.migrate(executor.loader.graph.leaf_nodes())

    tables = connection.introspection.table_names()
    assert "responses_membership" in tables
    assert "core_membership" not in tables
    assert "responses_historicalmembership" in tables
    assert Membership.objects.get(pk=membership.pk).role == "reader"
    old_type.refresh_from_db()
    assert old_type.app_label == "responses"  # its permissions and admin log entries follow it
