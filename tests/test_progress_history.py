"""Progress notes (actions.ProgressUpdate) are on the audit trail like every other row: an edit or
a delete in the admin leaves the old value there."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.urls import reverse

from actions.models import ProgressUpdate
from core import audit
from tests.factories import ActionFactory, ManagementResponseFactory, ProgressUpdateFactory
from tests.test_admin_and_demo import admin_form


@pytest.fixture
def note(db):
    action = ActionFactory(response=ManagementResponseFactory(), number="3", status="in_progress")
    return ProgressUpdateFactory(action=action, note="De werkgroep kwam samen.", status="in_progress")


def records(note):
    return list(ProgressUpdate.history.filter(id=note.pk).order_by("history_date", "history_id"))


def test_a_new_note_is_recorded_with_its_response(note):
    (created,) = records(note)
    assert created.history_type == "+"
    assert created.history_response_id == note.action.response_id
    assert created.history_changes["note"] == [None, "De werkgroep kwam samen."]


def test_an_edit_in_the_admin_keeps_the_old_value(admin_client, admin_user, note):
    url = reverse("admin:actions_progressupdate_change", args=[note.pk])
    data = admin_form(admin_client, url)
    data["note"] = "Achteraf herschreven."
    assert admin_client.post(url, data).status_code == 302
    changed = records(note)[-1]
    assert (changed.history_type, changed.history_user) == ("~", admin_user)
    assert changed.history_changes == {"note": ["De werkgroep kwam samen.", "Achteraf herschreven."]}
    # ... and the response's activity feed shows it.
    entry = audit.entries(audit.response_feed(note.action.response))[0]
    assert str(entry.kind) == "voortgangsmelding"
    assert str(entry.verb) == "gewijzigd"
    assert ("voortgang", "De werkgroep kwam samen.", "Achteraf herschreven.") in [
        (str(c.label), c.old, c.new) for c in entry.changes
    ]
    assert entry.subject.startswith("actie 3, ")


def test_a_delete_in_the_admin_keeps_the_note(admin_client, admin_user, note):
    url = reverse("admin:actions_progressupdate_delete", args=[note.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert not ProgressUpdate.objects.filter(pk=note.pk).exists()
    deleted = records(note)[-1]
    assert (deleted.history_type, deleted.history_user, deleted.note) == ("-", admin_user, "De werkgroep kwam samen.")
    assert deleted.history_response_id == note.action.response_id
    entry = audit.entries(audit.response_feed(note.action.response))[0]
    assert str(entry.verb) == "verwijderd"
    # The subject is the interface's ("actie 3, 12 maart 2025"); the deleted note is the document's, quoted.
    assert entry.subject.startswith("actie 3, ")
    assert "De werkgroep kwam samen." not in entry.subject
    page = admin_client.get(reverse("responses:activity", args=[note.action.response.slug])).content.decode()
    assert "De werkgroep kwam samen." in page


def test_a_note_written_without_a_record_gets_one_before_it_changes(admin_client, note):
    """The import writes notes with bulk_create (no records): the first edit records the stored
    state first, so that the change still says what it replaced."""
    ProgressUpdate.history.filter(id=note.pk).delete()
    url = reverse("admin:actions_progressupdate_change", args=[note.pk])
    data = admin_form(admin_client, url)
    data["note"] = "Nieuw."
    admin_client.post(url, data)
    baseline, changed = records(note)
    assert (baseline.history_type, baseline.note, baseline.history_date) == (
        "+",
        "De werkgroep kwam samen.",
        note.created_at,
    )
    assert changed.history_changes == {"note": ["De werkgroep kwam samen.", "Nieuw."]}


def test_the_migration_records_the_notes_that_exist(note):
    ProgressUpdate.history.all().delete()
    migration = importlib.import_module("actions.migrations.0012_progress_history")
    migration.record_existing_notes(global_apps, None)
    (record,) = records(note)
    assert (record.history_type, record.note, record.history_date) == ("+", note.note, note.created_at)
    assert record.history_response_id == note.action.response_id
    assert record.history_changes["note"] == [None, note.note]
