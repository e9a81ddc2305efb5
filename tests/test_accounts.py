"""Accounts: login throttling, password change and reset, and input kept across an expired session."""

import re
import secrets

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from recommendations.models import Recommendation
from tests.fixtures import expire_session, make_user

HTMX = {"HX-Request": "true"}


@pytest.fixture
def user(django_user_model):
    return make_user(django_user_model, "karel", email="karel@example.org")


def log_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_repeated_failures_lock_the_username_from_that_address_with_a_clear_message(client, settings, user):
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(2):
        answer = log_in(client, "karel", "fout")
        assert answer.status_code == 200  # the login form again, with its error
    locked = log_in(client, "karel", "fout")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Aanmelden is tijdelijk geblokkeerd." in html
    assert "te veel mislukte pogingen" in html
    assert "over 15 minuten" in html
    # Even the right password does not get in while the lock holds ...
    assert log_in(client, "karel", "pw-karel").status_code == 429
    assert "_auth_user_id" not in client.session
    # ... and the attempts are on record (admin: Axes).
    attempt = AccessAttempt.objects.get(username="karel")
    assert attempt.failures_since_start >= 3
    assert attempt.ip_address == "127.0.0.1"
    assert AccessFailureLog.objects.filter(username="karel").count() >= 3


def test_the_lock_is_per_address_and_username(client, settings, user, django_user_model):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        log_in(client, "karel", "fout")
    assert log_in(client, "karel", "pw-karel").status_code == 429
    # Another address may still log in as karel; another user from this address too.
    assert log_in(client, "karel", "pw-karel", REMOTE_ADDR="10.0.0.7").status_code == 302
    client.logout()
    make_user(django_user_model, "mia")
    assert log_in(client, "mia", "pw-mia").status_code == 302


def test_the_lockout_message_is_translated(client, settings, user):
    settings.AXES_FAILURE_LIMIT = 1
    client.cookies["django_language"] = "en"
    html = log_in(client, "karel", "fout").content.decode()
    assert "Logging in is temporarily blocked." in html
    assert "Try again in 15 minutes." in html


def test_a_user_changes_their_password(client, user):
    client.force_login(user)
    assert 'href="/accounts/password_change/"' in client.get(reverse("tracking:home")).content.decode()
    answer = client.post(
        reverse("password_change"),
        {"old_password": "pw-karel", "new_password1": "Lang-en-sterk-42", "new_password2": "Lang-en-sterk-42"},
    )
    assert answer.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Lang-en-sterk-42")


def test_a_wrong_old_password_is_refused_next_to_the_field(client, user):
    client.force_login(user)
    answer = client.post(
        reverse("password_change"),
        {"old_password": "fout", "new_password1": "Lang-en-sterk-42", "new_password2": "Lang-en-sterk-42"},
    )
    assert answer.status_code == 200
    assert 'class="errorlist"' in answer.content.decode()
    user.refresh_from_db()
    assert user.check_password("pw-karel")


def test_a_password_reset_mail_leads_to_a_new_password(client, user):
    assert "Wachtwoord vergeten?" in client.get(reverse("login")).content.decode()
    answer = client.post(reverse("password_reset"), {"email": "karel@example.org"})
    assert answer.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["karel@example.org"]
    assert message.subject == "Nieuw wachtwoord voor Opvolging managementresponse"
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Nieuw wachtwoord kiezen" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Lang-en-sterk-42", "new_password2": "Lang-en-sterk-42"},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Lang-en-sterk-42")


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, user):
    answer = client.post(reverse("password_reset"), {"email": "niemand@example.org"}, follow=True)
    assert "Kijk uw e-mail na" in answer.content.decode()
    assert mail.outbox == []


# The session expires mid-edit: the input survives the login.


@pytest.fixture
def rec(seed_response):
    return Recommendation.objects.for_response(seed_response).order_by("pk").first()


def expired_save(client, rec, headers=None, *, user=None):
    """The form was loaded while logged in; the session has expired by the time it is saved."""
    expire_session(client, user or get_user_model().objects.get(username="eva"))
    data = {"agreement": "partially_agree", "justification": "Mijn lange uitleg.", "version": rec.version}
    return client.post(reverse("recommendations:agreement", args=[rec.pk]), data, headers=headers or {})


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_input_typed_before_the_session_expired_comes_back_after_logging_in(client, evaluation_staff, rec, headers):
    answer = expired_save(client, rec, headers)
    if headers:
        assert answer.status_code == 200
        login_url = answer["HX-Redirect"]
    else:
        assert answer.status_code == 302
        login_url = answer["Location"]
    assert login_url.startswith("/accounts/login/?next=")
    # The login goes back to the edit page with the token of the kept input ...
    logged_in = client.post(
        login_url,
        {
            "username": "eva",
            "password": "pw-eva",
            "next": login_url.split("next=", 1)[1].replace("%3F", "?").replace("%3D", "="),
        },
    )
    assert logged_in.status_code == 302
    back = logged_in["Location"]
    assert back.startswith(f"/recommendations/{rec.pk}/agreement/?restore=")
    # ... which shows the form bound to it, unsaved.
    page = client.get(back)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Uw sessie was verlopen" in html
    assert "Mijn lange uitleg." in html
    assert '<option value="partially_agree" selected>' in html
    rec.refresh_from_db()
    assert (rec.version, rec.justification) == (1, "")
    # Saving it now is an ordinary save.
    saved = client.post(
        f"/recommendations/{rec.pk}/agreement/",
        {"agreement": "partially_agree", "justification": "Mijn lange uitleg.", "version": 1},
    )
    assert saved.status_code == 302
    rec.refresh_from_db()
    assert (rec.agreement, rec.justification) == ("partially_agree", "Mijn lange uitleg.")


def test_kept_input_is_shown_once_and_only_to_its_session(client, evaluation_staff, rec):
    login_url = expired_save(client, rec)["Location"]
    token = re.search(r"restore%3D([\w-]+)", login_url).group(1)
    client.force_login(evaluation_staff)
    url = f"/recommendations/{rec.pk}/agreement/?restore={token}"
    assert "Mijn lange uitleg." in client.get(url).content.decode()
    assert "Mijn lange uitleg." not in client.get(url).content.decode()  # used up


def test_a_delete_is_never_kept_for_replay(client, evaluation_staff, seed_response):
    from recommendations.models import RecommendationGroup

    group = RecommendationGroup.objects.filter(response=seed_response).first()
    answer = client.post(reverse("recommendations:group_delete", args=[group.pk]), {"version": group.version})
    assert "restore" not in answer["Location"]


def sessions():
    from django.contrib.sessions.models import Session

    return Session.objects.count()


def test_anonymous_posts_create_no_sessions(client, rec):
    url = reverse("recommendations:agreement", args=[rec.pk])
    for _post in range(20):
        answer = client.post(url, {"agreement": "agree", "justification": "x" * 1000, "version": rec.version})
        assert answer["Location"] == f"/accounts/login/?next={url}"  # nothing kept
    assert sessions() == 0


def test_an_expired_session_yields_at_most_one_new_session_however_often_its_cookie_comes_back(
    client, evaluation_staff, rec
):
    from django.conf import settings

    expired = expire_session(client, evaluation_staff)
    for _post in range(20):
        client.cookies[settings.SESSION_COOKIE_NAME] = expired  # a client that replays the old cookie
        client.post(
            reverse("recommendations:agreement", args=[rec.pk]),
            {"agreement": "agree", "justification": "Mijn uitleg.", "version": rec.version},
        )
    assert sessions() == 1  # the expired one is gone, one holds the kept input


def test_kept_input_is_bounded_per_form_and_per_session(client, evaluation_staff, rec, seed_response):
    from django.contrib.sessions.models import Session

    from core.editing import STASH_MAX_PER_SESSION, STASH_PREFIX

    expire_session(client, evaluation_staff)
    url = reverse("recommendations:agreement", args=[rec.pk])
    # 190,000 characters that do not compress (the session is stored compressed): random words.
    text = " ".join(secrets.token_urlsafe(9) for _word in range(16_000))[:190_000]
    for _save in range(60):  # the same form, saved 60 times after the session expired
        answer = client.post(url, {"agreement": "agree", "justification": text, "version": rec.version})
        assert "restore%3D" in answer["Location"]
    session = Session.objects.get()
    assert len(session.session_data) < 400_000  # one kept input: 192 kB (60 of them were 11.5 MB)
    kept = [key for key in session.get_decoded() if key.startswith(STASH_PREFIX)]
    assert len(kept) == 1  # the newest input of that form
    # More than one form is too much for the session: the oldest go first.
    others = Recommendation.objects.for_response(seed_response).exclude(pk=rec.pk).order_by("pk")[:5]
    for other in others:
        client.post(
            reverse("recommendations:agreement", args=[other.pk]),
            {"agreement": "agree", "justification": "Kort.", "version": other.version},
        )
    kept = {
        key: value["path"] for key, value in Session.objects.get().get_decoded().items() if key.startswith(STASH_PREFIX)
    }
    assert len(kept) == STASH_MAX_PER_SESSION
    assert sorted(kept.values()) == sorted(reverse("recommendations:agreement", args=[o.pk]) for o in others[2:])
    # A form larger than one person types is not kept at all.
    too_large = client.post(url, {"agreement": "agree", "justification": "x" * 200_001, "version": rec.version})
    assert "restore" not in too_large["Location"]
