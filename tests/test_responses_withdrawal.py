"""Withdrawing a published response (responses.services.withdraw, responses:withdraw): with a
reason that is kept (who, when, why, on the audit trail); read like a draft afterwards; its
versions stay and still verify; a new publication publishes it again."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from core import audit
from publishing.publish import publish
from responses.models import ManagementResponse, ResponseVersion, Withdrawal
from responses.permissions import EVALUATION_STAFF, PROJECT_TEAM, READER
from responses.services import NotWithdrawable, withdraw
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, RecommendationFactory
from tests.fixtures import grant, make_user

# Most of these publish a version first (a real PDF): with the PDF tests, once, on PostgreSQL.
pytestmark = pytest.mark.pdf


@pytest.fixture
def response(db):
    """A draft that passes every check."""
    response = ManagementResponseFactory(status="draft", slug="in-te-trekken", title="In te trekken")
    rec = RecommendationFactory(theme__group__response=response, agreement="agree")
    action = ActionFactory(response=response, number="1", status="to_start")
    ActionLinkFactory(recommendation=rec, action=action)
    return response


@pytest.fixture
def staff(django_user_model, response):
    user = make_user(django_user_model, "eva", first_name="Eva")
    grant(user, response, EVALUATION_STAFF)
    return user


@pytest.fixture
def published(response, staff):
    """The response, published once (a real PDF)."""
    publish(response=response, user=staff, note="Eerste publicatie")
    response.refresh_from_db()
    return response


def test_evaluation_staff_withdraw_with_a_reason_that_is_kept(client, published, staff):
    client.force_login(staff)
    url = reverse("responses:withdraw", args=[published.slug])
    page = client.get(url).content.decode()
    assert "Eerste publicatie" in page  # the versions that stay are listed
    answer = client.post(url, {"reason": "  Het rapport werd herroepen.  "})
    assert answer.status_code == 302
    assert answer["Location"] == published.get_absolute_url()
    published.refresh_from_db()
    assert published.status == ManagementResponse.Status.WITHDRAWN
    assert published.is_withdrawn
    withdrawal = Withdrawal.objects.get()
    assert (withdrawal.response, withdrawal.reason, withdrawal.withdrawn_by, withdrawal.by) == (
        published,
        "Het rapport werd herroepen.",
        staff,
        "Eva",
    )
    assert published.last_withdrawal() == withdrawal
    # The page now says when, by whom and why.
    page = client.get(url).content.decode()
    assert "Het rapport werd herroepen." in page
    assert "Eva" in page


def test_the_withdrawal_is_on_the_audit_trail(client, published, staff):
    client.force_login(staff)
    client.post(reverse("responses:withdraw", args=[published.slug]), {"reason": "Herroepen."})
    entries = audit.entries(audit.response_feed(published))
    kinds = [(str(e.kind), e.verb, e.who) for e in entries[:2]]
    assert ("intrekking", "aangemaakt", "Eva") in [(k, str(v), w) for k, v, w in kinds]
    withdrawal_entry = next(e for e in entries if str(e.kind) == "intrekking")
    assert withdrawal_entry.subject == "Herroepen."
    assert ("reden", "", "Herroepen.") in [(str(c.label), c.old, c.new) for c in withdrawal_entry.changes]
    status_entry = next(e for e in entries if str(e.kind) == "managementresponse" and e.changes)
    assert ("status", "gepubliceerd", "ingetrokken") in [(str(c.label), c.old, c.new) for c in status_entry.changes]
    assert "Herroepen." in client.get(reverse("responses:activity", args=[published.slug])).content.decode()


def test_a_withdrawn_response_is_no_longer_public_but_its_members_still_read_it(client, published, staff):
    version = published.published_versions.get()
    withdraw(response=published, user=staff, reason="Herroepen.")
    # Anonymous visitors: not listed, not readable, its version's PDF not served.
    assert client.get(published.get_absolute_url()).status_code == 404
    assert client.get(version.get_absolute_url()).status_code == 404
    assert published.title not in client.get(reverse("tracking:home")).content.decode()
    assert not ManagementResponse.objects.published().exists()
    # Its members and administrators: as a draft.
    client.force_login(staff)
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(version.get_absolute_url()).content == bytes(version.pdf)


def test_its_versions_stay_and_still_verify(client, published, staff, tmp_path):
    version = published.published_versions.get()
    withdraw(response=published, user=staff, reason="Herroepen.")
    assert ResponseVersion.objects.filter(pk=version.pk).exists()
    upload = SimpleUploadedFile("versie.pdf", bytes(version.pdf), content_type="application/pdf")
    page = client.post(reverse("responses:verify"), {"file": upload}).content.decode()
    assert "Dit is een versie die wij publiceerden" in page
    assert "ingetrokken" in page
    path = tmp_path / "versie.pdf"
    path.write_bytes(bytes(version.pdf))
    out = io.StringIO()
    call_command("verify_pdf", str(path), stdout=out)
    assert "in-te-trekken version 1" in out.getvalue()
    assert "withdrawn" in out.getvalue()
    call_command("verify_versions", stdout=io.StringIO())  # and the stored copy still matches


def test_a_new_publication_publishes_it_again_and_the_withdrawal_is_kept(client, published, staff):
    withdraw(response=published, user=staff, reason="Herroepen.")
    assert publish(response=published, user=staff, note="Herzien").number == 2
    published.refresh_from_db()
    assert published.is_published
    assert client.get(published.get_absolute_url()).status_code == 200
    assert Withdrawal.objects.get().reason == "Herroepen."


def test_a_reason_is_required(client, published, staff):
    client.force_login(staff)
    answer = client.post(reverse("responses:withdraw", args=[published.slug]), {"reason": "   "})
    assert answer.status_code == 422
    published.refresh_from_db()
    assert published.is_published
    assert not Withdrawal.objects.exists()
    with pytest.raises(ValueError, match="reason"):
        withdraw(response=published, user=staff, reason="")


def test_only_a_published_response_can_be_withdrawn(client, response, staff):
    client.force_login(staff)
    url = reverse("responses:withdraw", args=[response.slug])
    assert "Alleen een gepubliceerde" in client.get(url).content.decode()
    assert client.post(url, {"reason": "Waarom niet."}).status_code == 409
    with pytest.raises(NotWithdrawable):
        withdraw(response=response, user=staff, reason="Waarom niet.")
    response.refresh_from_db()
    assert response.status == "draft"
    assert not Withdrawal.objects.exists()


@pytest.mark.parametrize("role", [PROJECT_TEAM, READER])
def test_other_members_may_not_withdraw(client, published, django_user_model, role):
    user = make_user(django_user_model, "piet")
    grant(user, published, role)
    client.force_login(user)
    url = reverse("responses:withdraw", args=[published.slug])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "Nee."}).status_code == 403
    published.refresh_from_db()
    assert published.is_published


def test_an_administrator_may_withdraw(admin_client, published):
    assert (
        admin_client.post(reverse("responses:withdraw", args=[published.slug]), {"reason": "Fout."}).status_code == 302
    )
    assert Withdrawal.objects.get().withdrawn_by.is_superuser


def test_the_edit_form_neither_sets_nor_undoes_a_withdrawal(client, published, staff):
    client.force_login(staff)
    url = reverse("responses:edit", args=[published.slug])
    page = client.get(url).content.decode()
    assert 'value="withdrawn"' not in page
    assert reverse("responses:withdraw", args=[published.slug]) in page  # the way to withdraw
    data = {
        "title": published.title,
        "organisation": "X",
        "evaluation_title": "Y",
        "language": "nl",
        "layout": "table",
        "evaluation_delivered_precision": "day",
        "status": "withdrawn",
        "published_on": "2025-01-01",
        "version": published.version,
    }
    assert client.post(url, data).status_code == 422
    withdraw(response=published, user=staff, reason="Herroepen.")
    published.refresh_from_db()
    page = client.get(url).content.decode()
    assert 'name="status"' not in page
    assert "Ingetrokken" in page
    data.update(status="published", version=published.version)
    assert client.post(url, data).status_code == 302
    published.refresh_from_db()
    assert published.is_withdrawn  # the status is not the form's to change back


def test_the_admin_shows_the_status_of_a_withdrawn_response_read_only(admin_client, published, staff):
    url = reverse("admin:responses_managementresponse_change", args=[published.pk])
    assert 'value="withdrawn"' not in admin_client.get(url).content.decode()
    withdraw(response=published, user=staff, reason="Herroepen.")
    html = admin_client.get(url).content.decode()
    assert 'name="status"' not in html
    listing = admin_client.get(reverse("admin:responses_withdrawal_changelist")).content.decode()
    assert "Herroepen." in listing
    detail = reverse("admin:responses_withdrawal_change", args=[Withdrawal.objects.get().pk])
    assert admin_client.post(detail, {"reason": "Anders."}).status_code == 403
    assert Withdrawal.objects.get().reason == "Herroepen."


def test_an_import_does_not_replace_a_response_that_has_published_versions(published, tmp_path):
    from django.core.management.base import CommandError

    from interchange.exporter import export_response

    path = tmp_path / "again.yaml"
    path.write_text(export_response(published).replace(published.title, "Overschreven"), encoding="utf-8")
    with pytest.raises(CommandError, match="published versions"):
        call_command("import_response", str(path), "--replace")
    published.refresh_from_db()
    assert published.title != "Overschreven"
    assert published.published_versions.count() == 1


def test_a_file_cannot_bring_in_a_withdrawn_response(response, tmp_path):
    from django.core.management.base import CommandError

    from interchange.exporter import export_response

    text = export_response(response).replace("status: draft", "status: withdrawn", 1)
    assert "status: withdrawn" in text
    path = tmp_path / "withdrawn.yaml"
    path.write_text(text.replace(f"slug: {response.slug}", "slug: elders-ingetrokken", 1), encoding="utf-8")
    with pytest.raises(CommandError, match="status 'withdrawn' is onbekend"):
        call_command("import_response", str(path))
    assert not ManagementResponse.objects.filter(slug="elders-ingetrokken").exists()
