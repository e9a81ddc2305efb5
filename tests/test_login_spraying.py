"""Password spraying: many usernames, a few wrong passwords each, from one address.

django-axes locks a username from an address after AXES_FAILURE_LIMIT failures; besides that,
AXES_ADDRESS_FAILURE_LIMIT failures from one address (any usernames) lock the address for all
of them (core.accounts.LoginThrottle).
"""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.fixtures import make_user

SPRAYER = "203.0.113.9"
ELSEWHERE = "198.51.100.4"


def log_in(client, username, password, address=SPRAYER):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def karel(django_user_model):
    return make_user(django_user_model, "karel")


def test_the_limits_are_configured(settings):
    assert settings.AXES_HANDLER == "core.accounts.LoginThrottle"
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20 > settings.AXES_FAILURE_LIMIT == 5


def test_thirty_usernames_with_four_wrong_passwords_lock_the_address(client, settings, karel):
    settings.AXES_FAILURE_LIMIT, settings.AXES_ADDRESS_FAILURE_LIMIT = 5, 20
    answers = [log_in(client, f"user{n}", f"fout{i}").status_code for n in range(30) for i in range(4)]
    # Below either limit for each username: the login form again, until the address has 20 failures.
    assert answers[:19] == [200] * 19
    assert set(answers[19:]) == {429}
    assert max(a.failures_since_start for a in AccessAttempt.objects.all()) <= 4  # no username reached 5

    # A username never tried from here is refused too, even with its right password, with the lockout page.
    locked = log_in(client, "karel", "pw-karel")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Aanmelden is tijdelijk geblokkeerd." in html
    assert "vanaf dit adres te veel mislukte pogingen" in html
    assert "over 15 minuten" in html
    assert "_auth_user_id" not in client.session

    # Another address is not affected: a wrong password there is an ordinary failure, the right one logs in.
    assert log_in(client, "user0", "fout", address=ELSEWHERE).status_code == 200
    assert log_in(client, "karel", "pw-karel", address=ELSEWHERE).status_code == 302
    assert client.session["_auth_user_id"] == str(karel.pk)


def test_the_address_limit_counts_only_failures_within_the_cool_off(client, settings, karel):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 3
    for n in range(3):
        log_in(client, f"user{n}", "fout")
    assert log_in(client, "karel", "pw-karel").status_code == 429
    AccessAttempt.objects.update(attempt_time="2000-01-01T00:00:00Z")  # long ago: out of the cool-off
    assert log_in(client, "karel", "pw-karel").status_code == 302


def test_the_address_limit_can_be_switched_off(client, settings, karel):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 0
    for n in range(25):
        assert log_in(client, f"user{n}", "fout").status_code == 200
    assert log_in(client, "karel", "pw-karel").status_code == 302


def test_the_address_lockout_page_speaks_english(client, settings, karel):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 2
    client.cookies["django_language"] = "en"
    log_in(client, "user1", "fout")
    html = log_in(client, "user2", "fout").content.decode()
    assert "too many failed attempts to log in from this address, with different usernames" in html
