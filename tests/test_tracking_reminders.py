"""send_reminders: one digest per owner, with links, never twice for the same state on one day."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tests.factories import ActionFactory, ManagementResponseFactory
from tests.fixtures import grant, make_user
from tracking.models import ReminderLog

TODAY = timezone.localdate()


def days(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def owners(db, django_user_model, settings):
    settings.SITE_URL = "https://opvolging.example.org"
    response = ManagementResponseFactory(title="Leerecosystemen")
    anna = make_user(django_user_model, "anna", email="anna@example.org", first_name="Anna")
    bart = make_user(django_user_model, "bart", email="bart@example.org")
    gone = make_user(django_user_model, "gone", email="gone@example.org")  # no longer a member
    grant(anna, response, "project_team")
    grant(bart, response, "project_team")
    late = ActionFactory(response=response, number="1", title="Oproep herschrijven", due_date=days(-3))
    soon = ActionFactory(response=response, number="2", title="Leertraject", due_date=days(5), status="to_start")
    later = ActionFactory(response=response, number="3", title="Onderzoek", due_date=days(30))
    done = ActionFactory(response=response, number="4", title="Klaar", due_date=days(-3), status="realised")
    late.owners.add(anna, gone)
    soon.owners.add(anna)
    later.owners.add(bart)
    done.owners.add(bart)
    return anna, bart, late, soon


def test_each_owner_gets_one_digest_with_links(owners):
    _anna, _bart, late, soon = owners

    call_command("send_reminders", "--days", "7")

    assert [m.to for m in mail.outbox] == [["anna@example.org"]]  # bart: nothing due within 7 days
    message = mail.outbox[0]
    assert "1 achterstallige actie" in message.subject
    assert "Beste Anna," in message.body
    assert "actie 1 Oproep herschrijven" in message.body
    assert f"https://opvolging.example.org/actions/{late.pk}/" in message.body
    assert "Binnen 7 dagen te doen:" in message.body
    assert f"https://opvolging.example.org/actions/{soon.pk}/" in message.body
    assert "Onderzoek" not in message.body
    assert "Klaar" not in message.body


def test_a_second_run_the_same_day_sends_nothing_again(owners):
    call_command("send_reminders")
    call_command("send_reminders")

    assert len(mail.outbox) == 1
    assert ReminderLog.objects.count() == 1


def test_a_changed_state_is_sent_the_same_day(owners):
    _anna, _bart, _late, soon = owners
    call_command("send_reminders")
    soon.status = "in_progress"
    soon.save()

    call_command("send_reminders")

    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["anna@example.org"]


def test_more_days_reach_further(owners):
    call_command("send_reminders", "--days", "30")

    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.org", "bart@example.org"]
