"""Accounts: login throttling, password change and reset, and input kept across an expired session."""

import re
import secrets
from html import unescape

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core import mail
from django.test import Client
from django.urls import reverse

from recommendations.models import Recommendation
from tests.fixtures import make_user

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


def expired_save(client, rec, headers=None, **data):
    """The form was loaded while logged in; the session has gone by the time it is saved."""
    data = {"agreement": "partially_agree", "justification": "Mijn lange uitleg.", "version": rec.version, **data}
    return client.post(reverse("recommendations:agreement", args=[rec.pk]), data, headers=headers or {})


def login_fields(answer):
    """The hidden fields of the login page an expired save answers with (``next``, ``kept_input``)."""
    html = answer.content.decode()
    return {name: unescape(value) for name, value in re.findall(r'name="(next|kept_input)" value="([^"]*)"', html)}


def sessions():
    from django.contrib.sessions.models import Session

    return Session.objects.count()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_input_typed_before_the_session_expired_comes_back_after_logging_in(client, evaluation_staff, rec, headers):
    answer = expired_save(client, rec, headers)
    # The answer is the login page itself, carrying the input: nothing is stored before the login.
    assert answer.status_code == 200
    html = answer.content.decode()
    assert 'action="/accounts/login/"' in html
    assert "Uw sessie is verlopen" in html
    if headers:  # htmx shows it as the whole page, with its address
        assert (answer["HX-Retarget"], answer["HX-Reswap"]) == ("body", "innerHTML")
        assert answer["HX-Push-Url"].startswith(
            f"/accounts/login/?next=/recommendations/{rec.pk}/agreement/%3Frestore%3D"
        )
    fields = login_fields(answer)
    assert fields["next"].startswith(f"/recommendations/{rec.pk}/agreement/?restore=")
    assert "Mijn lange uitleg." not in fields["kept_input"]  # signed and compressed, not readable as such
    assert sessions() == 0
    # The login goes back to the edit page with the token of the kept input ...
    logged_in = client.post(reverse("login"), {"username": "eva", "password": "pw-eva", **fields})
    assert logged_in.status_code == 302
    back = logged_in["Location"]
    assert back == fields["next"]
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


def test_a_failed_login_keeps_the_input_for_the_next_try(client, evaluation_staff, rec):
    fields = login_fields(expired_save(client, rec))
    wrong = client.post(reverse("login"), {"username": "eva", "password": "fout", **fields})
    assert wrong.status_code == 200
    assert login_fields(wrong) == fields
    right = client.post(reverse("login"), {"username": "eva", "password": "pw-eva", **login_fields(wrong)})
    assert "Mijn lange uitleg." in client.get(right["Location"]).content.decode()


def test_kept_input_is_shown_once_and_only_to_its_session(client, evaluation_staff, rec):
    fields = login_fields(expired_save(client, rec))
    client.post(reverse("login"), {"username": "eva", "password": "pw-eva", **fields})
    url = fields["next"]
    assert "Mijn lange uitleg." in client.get(url).content.decode()
    assert "Mijn lange uitleg." not in client.get(url).content.decode()  # used up


def test_kept_input_that_was_tampered_with_is_dropped(client, evaluation_staff, rec):
    fields = login_fields(expired_save(client, rec))
    forged = {**fields, "kept_input": fields["kept_input"][:-3] + "abc"}
    logged_in = client.post(reverse("login"), {"username": "eva", "password": "pw-eva", **forged})
    assert logged_in.status_code == 302  # logged in all the same
    assert "Mijn lange uitleg." not in client.get(fields["next"]).content.decode()


def test_anonymous_posts_create_no_sessions(client, rec):
    for _post in range(20):
        answer = expired_save(client, rec, justification="x" * 1000)
        assert answer.status_code == 200  # the login page, carrying the input
    assert sessions() == 0


def test_kept_input_is_bounded_per_form_and_per_session(client, evaluation_staff, rec, seed_response):
    from django.contrib.sessions.models import Session

    from core.editing import STASH_MAX_PER_SESSION, STASH_PREFIX

    # 190,000 characters that do not compress (the session is stored compressed): random words.
    text = " ".join(secrets.token_urlsafe(9) for _word in range(16_000))[:190_000]
    for _save in range(60):  # the same form, saved 60 times while logged out
        answer = expired_save(client, rec, justification=text)
        assert answer.status_code == 200
    assert sessions() == 0
    client.post(reverse("login"), {"username": "eva", "password": "pw-eva", **login_fields(answer)})
    session = Session.objects.get()
    assert len(session.session_data) < 400_000  # one kept input: 192 kB (60 of them were 11.5 MB)
    assert len([key for key in session.get_decoded() if key.startswith(STASH_PREFIX)]) == 1
    # Inputs of more forms than a session keeps (logins from other tabs): the oldest go first.
    others = Recommendation.objects.for_response(seed_response).exclude(pk=rec.pk).order_by("pk")[:5]
    stranger = Client()
    for other in others:
        sealed = login_fields(expired_save(stranger, other, justification="Kort."))
        client.post(reverse("login"), {"username": "eva", "password": "pw-eva", **sealed})
    kept = {k: v["path"] for k, v in Session.objects.get().get_decoded().items() if k.startswith(STASH_PREFIX)}
    assert len(kept) == STASH_MAX_PER_SESSION
    assert sorted(kept.values()) == sorted(reverse("recommendations:agreement", args=[o.pk]) for o in others[2:])
    # A form larger than one person types is not kept at all: the login page as for any visitor.
    too_large = expired_save(stranger, rec, justification="x" * 200_001)
    assert too_large.status_code == 302
    assert "restore" not in too_large["Location"]


def test_a_delete_is_never_kept_for_replay(client, evaluation_staff, seed_response):
    from recommendations.models import RecommendationGroup

    group = RecommendationGroup.objects.filter(response=seed_response).first()
    answer = client.post(reverse("recommendations:group_delete", args=[group.pk]), {"version": group.version})
    assert "restore" not in answer["Location"]
