"""The migrations for UN-style responses keep existing data working."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("responses", "0002_versions"),
    ("recommendations", "0002_versions"),
    ("actions", "0002_versions_and_progress"),
]
AFTER = [
    ("responses", "0003_layout_and_delivered_precision"),
    ("recommendations", "0005_recommendation_response_required_theme_optional"),
    ("actions", "0003_uneg_fields_and_inherited_status"),
]


@pytest.mark.django_db(transaction=True)
def test_existing_recommendations_parts_units_and_progress_survive_the_migrations():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    response = old.get_model("responses", "ManagementResponse").objects.create(
        title="Oud", slug="oud", organisation="Europa WSE", evaluation_title="Evaluatie"
    )
    group = old.get_model("recommendations", "RecommendationGroup").objects.create(response=response, title="G")
    theme = old.get_model("recommendations", "Theme").objects.create(group=group, heading="T")
    rec = old.get_model("recommendations", "Recommendation").objects.create(theme=theme, text="Doe iets.")
    Action = old.get_model("actions", "Action")
    action = Action.objects.create(
        response=response, number="1", title="Actie", status="in_progress", responsible_unit="Team Leren"
    )
    part = Action.objects.create(response=response, parent=action, number="1.1", title="Deel", status="")
    update = old.get_model("actions", "ProgressUpdate").objects.create(action=part, status="", note="Gestart.")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    assert new.get_model("recommendations", "Recommendation").objects.get(pk=rec.pk).response_id == response.pk
    Action = new.get_model("actions", "Action")
    assert Action.objects.get(pk=action.pk).responsible_units == ["Team Leren"]
    assert Action.objects.get(pk=part.pk).status == "inherited"  # "" meant inherited; now "not reported yet"
    migrated = new.get_model("actions", "ProgressUpdate").objects.get(pk=update.pk)
    assert (migrated.status, migrated.date) == ("inherited", update.created_at.date())

    # And back: the old meaning of "" returns.
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Action = old.get_model("actions", "Action")
    assert (Action.objects.get(pk=part.pk).status, Action.objects.get(pk=action.pk).responsible_unit) == (
        "",
        "Team Leren",
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
