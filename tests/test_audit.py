"""The audit trail: every write path leaves a record with who, when, the old and the new value."""

import datetime

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ActionLink
from recommendations.models import Recommendation
from responses.models import ManagementResponse, Membership
from tests.factories import ManagementResponseFactory, RecommendationFactory
from tests.fixtures import SEED, grant, make_user
from tests.test_admin_and_demo import admin_form

HTMX = {"HX-Request": "true"}


@pytest.fixture
def rec(seed_response):
    return Recommendation.objects.get(theme__heading="BRUGFIGUREN")


def latest(obj):
    return obj.history.order_by("-history_date", "-history_id").first()


def test_a_change_through_a_view_records_the_user_and_the_old_and_new_value(client, evaluation_staff, rec):
    client.force_login(evaluation_staff)
    answer = client.post(
        reverse("recommendations:agreement", args=[rec.pk]),
        {"agreement": "disagree", "justification": "Niet haalbaar.", "version": rec.version},
    )
    assert answer.status_code == 302
    record = latest(rec)
    assert record.history_type == "~"
    assert record.history_user == evaluation_staff
    assert record.history_changes == {"agreement": ["agree", "disagree"], "justification": ["", "Niet haalbaar."]}
    assert record.history_response_id == rec.theme.group.response_id


def test_a_change_in_the_admin_records_the_administrator(admin_client, admin_user, rec):
    url = reverse("admin:recommendations_recommendation_change", args=[rec.pk])
    data = admin_form(admin_client, url)
    data["justification"] = "Via de beheerpagina."
    assert admin_client.post(url, data).status_code == 302
    record = latest(rec)
    assert record.history_user == admin_user
    assert record.history_changes == {"justification": ["", "Via de beheerpagina."]}


def test_an_import_records_every_row_it_writes(db):
    call_command("import_response", str(SEED))
    response = ManagementResponse.objects.get()
    # Every recommendation, action and link was created with a record, links included
    # (the import saves them one by one: bulk_create would bypass the trail).
    for model in (Recommendation, Action, ActionLink):
        created = model.history.filter(history_type="+", history_response_id=response.pk).count()
        assert created == model.objects.count() > 0
    record = Action.history.filter(number="4", parent=None).get()
    assert record.history_user is None  # a command: nobody logged in
    assert record.history_changes["title"] == [None, "Toekomstig onderzoek en evaluatie"]


def test_an_import_by_command_can_name_who_did_it(evaluation_staff):
    call_command("import_response", str(SEED), "--user", "eva")
    assert set(Recommendation.history.values_list("history_user__username", flat=True)) == {"eva"}
    assert set(ActionLink.history.values_list("history_user__username", flat=True)) == {"eva"}


def test_a_plain_save_in_a_shell_is_recorded_too(rec):
    before = rec.location
    rec.location = "p. 999"
    rec.save()
    record = latest(rec)
    assert record.history_user is None
    assert record.history_changes == {"location": [before, "p. 999"]}


def test_a_move_records_the_new_orders(client, evaluation_staff, seed_response):
    from django.db.models import Count

    from recommendations.models import Theme

    client.force_login(evaluation_staff)
    theme = Theme.objects.annotate(n=Count("recommendations")).filter(n__gte=2).first()
    first = theme.recommendations.order_by("order").first()
    answer = client.post(reverse("recommendations:recommendation_move", args=[first.pk]), {"direction": "down"})
    assert answer.status_code == 302
    record = latest(first)
    assert record.history_changes == {"order": [0, 1]}
    assert record.history_user == evaluation_staff


def test_a_delete_is_recorded_with_what_was_deleted(client, project_member, seed_response):
    link = ActionLink.objects.filter(action__response=seed_response).first()
    client.force_login(project_member)
    assert client.post(reverse("actions:link_delete", args=[link.pk]), {"version": link.version}).status_code in {
        200,
        302,
    }
    record = ActionLink.history.filter(id=link.pk).order_by("-history_date").first()
    assert (record.history_type, record.history_user, record.qualifier) == ("-", project_member, link.qualifier)


def test_memberships_are_on_the_trail(client, django_user_model, seed_response):
    admin = make_user(django_user_model, "ada", is_superuser=True)
    jan = make_user(django_user_model, "jan")
    client.force_login(admin)
    client.post(reverse("responses:people", args=[seed_response.slug]), {"username": "jan", "role": "reader"})
    membership = Membership.objects.get(user=jan)
    client.post(reverse("responses:member", args=[seed_response.slug, membership.pk]), {"role": "project_team"})
    records = list(Membership.history.filter(id=membership.pk).order_by("history_date"))
    assert [(r.history_type, r.role, r.history_user) for r in records] == [
        ("+", "reader", admin),
        ("~", "project_team", admin),
    ]
    assert records[1].history_changes == {"role": ["reader", "project_team"]}


def test_the_recommendation_page_shows_its_timeline_newest_first(
    client, admin_client, admin_user, evaluation_staff, rec
):
    client.force_login(evaluation_staff)
    client.post(
        reverse("recommendations:agreement", args=[rec.pk]),
        {"agreement": "disagree", "justification": "Eerste wijziging.", "version": rec.version},
    )
    url = reverse("admin:recommendations_recommendation_change", args=[rec.pk])
    data = admin_form(admin_client, url)
    data["justification"] = "Tweede wijziging."
    admin_client.post(url, data)
    rec.refresh_from_db()
    rec.location = "p. 500"
    rec.save()  # third, in a shell

    html = client.get(rec.get_absolute_url()).content.decode()
    history = html[html.index('id="geschiedenis-titel"') :]
    entries = history.split('class="timeline__entry')[1:]
    shell, admin_save, view_save = entries[:3]
    assert "onbekend (systeem of import zonder gebruiker)" in shell
    assert "p. 500" in shell
    assert "admin" in admin_save
    assert "<ins>Tweede wijziging.</ins>" in admin_save
    assert "eva" in view_save
    assert "<ins>Eerste wijziging.</ins>" in view_save
    assert "<del>akkoord</del>" in view_save
    assert "aangemaakt" in entries[-1]  # the import, oldest, last


def test_the_timeline_is_for_members_only(client, seed_response, rec):
    seed_response.status = "published"
    seed_response.save()
    html = client.get(rec.get_absolute_url()).content.decode()
    assert 'id="geschiedenis-titel"' not in html
    assert client.get(reverse("responses:activity", args=[seed_response.slug])).status_code == 302  # log in first


def test_the_action_page_shows_its_timeline_with_its_links(client, project_member, seed_response):
    action = Action.objects.get(number="4", parent=None, response=seed_response)
    client.force_login(project_member)
    client.post(reverse("actions:status", args=[action.pk]), {"status": "realised", "version": action.version})
    html = client.get(action.get_absolute_url()).content.decode()
    history = html[html.index('id="geschiedenis-titel"') :]
    assert "gerealiseerd" in history
    assert "op te starten" in history
    assert "koppeling" in history.lower()  # the links made by the import


@pytest.mark.parametrize("changes", [10, 200])
def test_the_activity_feed_costs_the_same_whatever_the_size(
    client, django_assert_max_num_queries, django_user_model, changes
):
    response = ManagementResponseFactory(status="draft")
    rec = RecommendationFactory(theme__group__response=response)
    for n in range(changes):
        rec.justification = f"Versie {n}"
        rec.save()
    grant(jan := make_user(django_user_model, "jan"), response, "reader")
    client.force_login(jan)
    # session, user, the response, the user's memberships, the count, the page of the
    # union, then per model on the page its records with their users (response, its first
    # chapter (the introduction), group, theme, recommendation, membership: 6) and the
    # members' names -> 13.
    with django_assert_max_num_queries(13):
        page = client.get(reverse("responses:activity", args=[response.slug]))
    html = page.content.decode()
    assert html.count('class="timeline__entry') == min(changes + 6, 50)
    assert f"Versie {changes - 1}" in html  # newest first


def test_the_trail_cannot_be_edited_through_the_app(settings):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED
    for model in (ManagementResponse, Recommendation, Action, ActionLink, Membership):
        assert not admin.site.is_registered(model.history.model)


def test_the_state_of_a_response_on_a_past_date(rec):
    before = timezone.now()
    rec.justification = "Later toegevoegd."
    rec.save()
    past = Recommendation.history.as_of(before).get(pk=rec.pk)
    assert past.justification == ""
    assert Recommendation.history.as_of(timezone.now() + datetime.timedelta(seconds=1)).get(pk=rec.pk).justification


def test_a_cascading_delete_leaves_a_record_of_everything_it_took_in_the_responses_feed(
    client, evaluation_staff, seed_response
):
    from recommendations.models import RecommendationGroup

    group = RecommendationGroup.objects.filter(response=seed_response).order_by("order").first()
    recs = list(Recommendation.objects.filter(theme__group=group).values_list("pk", flat=True))
    client.force_login(evaluation_staff)
    answer = client.post(reverse("recommendations:group_delete", args=[group.pk]), {"version": group.version})
    assert answer.status_code == 302
    deleted = Recommendation.history.filter(history_type="-", id__in=recs)
    assert deleted.count() == len(recs) > 0
    assert set(deleted.values_list("history_response_id", "history_user")) == {(seed_response.pk, evaluation_staff.pk)}
    feed = client.get(reverse("responses:activity", args=[seed_response.slug])).content.decode()
    assert feed.count("verwijderd") >= len(recs) + 1  # the recommendations, their themes and links, the group


# --- Owners (a many-to-many) on the trail ----------------------------------------------------


def test_changing_owners_through_the_edit_form_appears_on_the_actions_timeline(
    client, django_user_model, project_member, seed_response
):
    from tests.test_followup_deadlines import edit_data

    action = Action.objects.get(response=seed_response, number="4")
    anna = make_user(django_user_model, "anna", first_name="Anna", last_name="Peeters")
    bart = make_user(django_user_model, "bart", first_name="Bart", last_name="Maes")
    for user in (anna, bart):
        grant(user, seed_response, "reader")
    client.force_login(project_member)
    edit = reverse("actions:edit", args=[action.pk])
    assert client.post(edit, edit_data(action, owners=[anna.pk])).status_code == 302
    action.refresh_from_db()
    assert client.post(edit, edit_data(action, owners=[bart.pk], title="Nieuwe titel")).status_code == 302

    # One edit, one record: the owners with the title, who replaced whom.
    record = latest(action)
    assert record.history_user == project_member
    assert record.history_changes["owners"] == [[anna.pk], [bart.pk]]
    assert record.history_changes["title"][1] == "Nieuwe titel"
    assert [row.user_id for row in record.owners.all()] == [bart.pk]  # simple-history's snapshot
    html = client.get(action.get_absolute_url()).content.decode()
    history = " ".join(html[html.index('id="geschiedenis-titel"') :].split())
    assert "gewijzigd van Anna Peeters naar Bart Maes" in history
    assert "gewijzigd van niemand naar Anna Peeters" in history
    assert history.count("gewijzigd van") == 2  # not "Anna removed", "Bart added" as two more entries

    # The response's activity feed says the same, and in English for an English interface.
    feed = client.get(reverse("responses:activity", args=[seed_response.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert "changed from Anna Peeters to Bart Maes" in " ".join(feed.content.decode().split())


def test_an_owner_added_in_a_shell_is_recorded_too(django_user_model, seed_response):
    action = Action.objects.get(response=seed_response, number="4")
    anna = make_user(django_user_model, "anna")

    action.owners.add(anna)

    assert latest(action).history_changes == {"owners": [[], [anna.pk]]}


def test_a_change_of_owners_in_the_admin_is_one_entry(admin_client, admin_user, django_user_model, seed_response):
    action = Action.objects.get(response=seed_response, number="4")
    anna = make_user(django_user_model, "anna")
    grant(anna, seed_response, "reader")
    before = action.history.count()
    url = reverse("admin:actions_action_change", args=[action.pk])
    data = admin_form(admin_client, url)
    data["owners"] = str(anna.pk)
    assert admin_client.post(url, data).status_code == 302

    assert action.history.count() == before + 1
    record = latest(action)
    assert record.history_user == admin_user
    assert record.history_changes == {"owners": [[], [anna.pk]]}


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_each_actions_newest_record_its_owners(django_user_model):
    """Records written before owners were on the trail have no snapshot of them: the migration takes
    today's owners into each action's newest record, so the next change says whom it replaced."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from tests.factories import ActionFactory

    anna = make_user(django_user_model, "anna", first_name="Anna", last_name="Peeters")
    action = ActionFactory()
    action.owners.add(anna)
    executor = MigrationExecutor(connection)
    executor.migrate([("actions", "0009_action_owners")])  # the snapshots' table is gone
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert [row.user_id for row in latest(action).owners.all()] == [anna.pk]
    action.owners.remove(anna)
    assert latest(action).history_changes == {"owners": [[anna.pk], []]}  # not "from nobody to nobody"


def test_a_versioned_save_compares_with_the_row_as_loaded_without_reading_the_trail(django_user_model):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.editing import save_if_unchanged

    rec = RecommendationFactory(agreement="agree")
    loaded = Recommendation.objects.get(pk=rec.pk)
    loaded.agreement, loaded.justification = "disagree", "Te duur."
    with CaptureQueriesContext(connection) as captured:
        save_if_unchanged(loaded, base_version=loaded.version, user=None, fields=["agreement", "justification"])
    assert not [q for q in captured.captured_queries if "historicalrecommendation" in q["sql"] and "SELECT" in q["sql"]]
    assert loaded.history.first().history_changes == {
        "agreement": ["agree", "disagree"],
        "justification": ["", "Te duur."],
    }
    # The same copy saved again compares with what it saved the first time.
    loaded.justification = "Te duur en te laat."
    save_if_unchanged(loaded, base_version=loaded.version, user=None, fields=["justification"])
    assert loaded.history.first().history_changes == {"justification": ["Te duur.", "Te duur en te laat."]}


def test_a_versioned_save_of_a_copy_loaded_before_the_last_change_reads_the_trail(db):
    from core.editing import save_if_unchanged

    rec = RecommendationFactory(agreement="agree")
    older = Recommendation.objects.get(pk=rec.pk)  # loaded at version 1
    newer = Recommendation.objects.get(pk=rec.pk)
    newer.agreement, newer.justification = "disagree", "Te duur."
    save_if_unchanged(newer, base_version=1, user=None, fields=["agreement", "justification"])
    # A save based on version 2 from a copy read at version 1: the copy is not the state before
    # this save, so the previous record is: the change is from "disagree", not from "agree".
    older.agreement = "partially_agree"
    older.justification = "Te duur."
    save_if_unchanged(older, base_version=2, user=None, fields=["agreement"])
    assert older.history.first().history_changes == {"agreement": ["disagree", "partially_agree"]}
