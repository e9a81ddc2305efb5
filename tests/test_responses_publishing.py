"""Publishing freezes a version (publishing/publish.py): checks block, administrators override,
the PDF never changes afterwards, and its fingerprint tells a published PDF from any other."""

import hashlib
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from publishing.models import Publication
from publishing.publish import OverrideNotAllowed, PublicationBlocked, publish
from recommendations.models import Recommendation
from responses.models import ManagementResponse, ResponseVersion
from responses.permissions import EVALUATION_STAFF, PROJECT_TEAM
from tests.factories import (
    ActionFactory,
    ActionLinkFactory,
    ManagementResponseFactory,
    RecommendationFactory,
    introduction_of,
)
from tests.fixtures import grant, make_user
from tests.test_responses_pdf import WORKER, run_worker


@pytest.fixture
def response(db):
    """A draft that passes every check."""
    response = ManagementResponseFactory(status="draft", slug="te-publiceren")
    rec = RecommendationFactory(theme__group__response=response, agreement="agree", text="De oude tekst.")
    action = ActionFactory(response=response, number="1", status="to_start", title="Eerste actie")
    ActionLinkFactory(recommendation=rec, action=action)
    return response


@pytest.fixture
def blocked(response):
    """The same draft with an error: a partial agreement without its reasons."""
    Recommendation.objects.filter(response=response).update(agreement="partially_agree")
    return response


@pytest.fixture
def admin(django_user_model):
    return make_user(django_user_model, "ada", is_superuser=True, is_staff=True, first_name="Ada")


@pytest.fixture
def staff(django_user_model, response):
    user = make_user(django_user_model, "eva", first_name="Eva")
    grant(user, response, EVALUATION_STAFF)
    return user


def pdf_text(data, tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True).stdout


@pytest.mark.pdf
def test_publishing_freezes_a_numbered_version_and_marks_the_response_published(response, staff, tmp_path):
    version = publish(response=response, user=staff, note="Eerste publicatie")
    response.refresh_from_db()
    assert (version.number, version.note, version.by) == (1, "Eerste publicatie", "Eva")
    assert response.status == ManagementResponse.Status.PUBLISHED
    assert response.published_on == timezone.localdate(version.published_at)  # the day in Brussels, not UTC
    assert bytes(version.pdf).startswith(b"%PDF")
    assert version.sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    assert "De oude tekst." in version.snapshot
    assert "status: published" in version.snapshot
    assert "Eerste actie" in pdf_text(bytes(version.pdf), tmp_path)
    assert publish(response=response, user=staff, note="Tweede").number == 2


def test_errors_block_publication_and_nothing_is_written(blocked, staff):
    with pytest.raises(PublicationBlocked) as refused:
        publish(response=blocked, user=staff, note="Toch")
    assert [e.code for e in refused.value.errors] == ["justification_missing"]
    blocked.refresh_from_db()
    assert blocked.status == "draft"
    assert not ResponseVersion.objects.exists()


@pytest.mark.pdf
def test_warnings_do_not_block(response, staff):
    RecommendationFactory(theme=Recommendation.objects.get(response=response).theme, agreement="")
    assert publish(response=response, user=staff, note="Met een open vraag").number == 1


@pytest.mark.pdf
def test_only_an_administrator_may_publish_over_errors_and_the_reason_is_recorded(blocked, staff, admin):
    with pytest.raises(OverrideNotAllowed):
        publish(response=blocked, user=staff, note="Toch", override_reason="Ik wil het")
    version = publish(response=blocked, user=admin, note="Toch", override_reason="De raad beslist vandaag")
    assert version.override_reason == "De raad beslist vandaag"
    assert len(version.overridden_errors) == 1
    assert "zonder motivering" in version.overridden_errors[0]


@pytest.mark.pdf
def test_a_frozen_pdf_stays_byte_identical_after_later_edits(client, response, staff):
    version = publish(response=response, user=staff, note="v1")
    url = reverse("responses:version_pdf", kwargs={"slug": response.slug, "number": 1})
    before = client.get(url).content
    assert before == bytes(version.pdf)
    Action.objects.filter(response=response).update(title="Een heel andere titel", status="realised")
    response.title = "Nieuwe titel"
    response.save()
    assert client.get(url).content == before
    assert client.get(reverse("document:pdf", kwargs={"slug": response.slug})).content != before


@pytest.mark.pdf
def test_a_version_cannot_be_changed_once_written(response, staff):
    version = publish(response=response, user=staff, note="v1")
    version.note = "later bijgewerkt"
    with pytest.raises(ValueError, match="frozen"):
        version.save()


@pytest.mark.pdf
def test_the_interchange_file_of_a_version_downloads_as_frozen(client, response, staff):
    version = publish(response=response, user=staff, note="v1")
    Recommendation.objects.filter(response=response).update(text="Nieuwe tekst.")
    answer = client.get(reverse("responses:version_export", kwargs={"slug": response.slug, "number": 1}))
    assert answer.content.decode() == version.snapshot
    assert "De oude tekst." in answer.content.decode()


@pytest.mark.pdf
@WORKER
def test_the_publish_form_answers_at_once_and_the_worker_makes_the_version(client, response, staff):
    client.force_login(staff)
    answer = client.post(reverse("publishing:publish", kwargs={"slug": response.slug}), {"note": "Eerste versie"})
    publication = Publication.objects.get(response=response)
    assert answer.status_code == 302
    assert answer["Location"] == publication.get_absolute_url()
    # Until the worker has made its PDF there is no version, and the page follows the publication.
    waiting = client.get(answer["Location"])
    assert waiting.status_code == 202
    assert '<meta http-equiv="refresh"' in waiting.content.decode()
    assert "De versie wordt gepubliceerd" in waiting.content.decode()
    assert not ResponseVersion.objects.exists()
    response.refresh_from_db()
    assert response.status == "draft"

    run_worker()
    done = client.get(answer["Location"])
    assert done.status_code == 302
    assert done["Location"] == response.get_absolute_url()
    page = client.get(response.get_absolute_url()).content.decode()
    assert "Versie 1 gepubliceerd." in page
    assert "Gepubliceerde versies" in page
    assert "Eerste versie" in page
    assert reverse("responses:version_pdf", kwargs={"slug": response.slug, "number": 1}) in page
    version = ResponseVersion.objects.get(response=response)
    assert version.published_by == staff
    assert version.sha256 == hashlib.sha256(bytes(version.pdf)).hexdigest()
    publication.refresh_from_db()
    assert (publication.status, publication.version) == ("done", version)


@pytest.mark.pdf
@WORKER
def test_a_publication_whose_pdf_is_too_complex_fails_with_the_message_and_changes_nothing(
    client, response, staff, settings
):
    settings.PDF_RENDER_SECONDS = 1
    # 500 distinct notes in one paragraph: WeasyPrint's footnote area is laid out again for each
    # (quadratic; docs/pdf.md), far past 1 s on any machine. (500 calls of one note print fast now.)
    calls = "".join(f"[^{n}]" for n in range(500))
    notes = "\n".join(f"[^{n}]: Noot {n}." for n in range(500))
    intro = introduction_of(response)
    intro.body = f"Tekst{calls}\n\n{notes}"
    intro.save()
    version_before = ManagementResponse.objects.get(pk=response.pk).version
    client.force_login(staff)
    url = reverse("publishing:publish", kwargs={"slug": response.slug})
    answer = client.post(url, {"note": "Met voetnoten"})
    assert answer.status_code == 302  # at once: the render is the worker's

    run_worker()
    page = client.get(answer["Location"])
    assert page.status_code == 422
    text = page.content.decode()
    assert "Dit document is te complex om af te drukken: de opmaak duurde langer dan 1 s." in text
    assert "Er is geen versie gemaakt en niets is gewijzigd." in text
    assert not ResponseVersion.objects.exists()
    response.refresh_from_db()
    assert (response.status, response.version) == ("draft", version_before)
    # Nothing lost: trying again starts from the same note.
    again = client.get(f"{url}?again={Publication.objects.get().pk}").content.decode()
    assert "Met voetnoten" in again


def test_the_publish_form_refuses_with_the_errors_and_keeps_the_note(client, blocked, staff):
    client.force_login(staff)
    answer = client.post(reverse("publishing:publish", kwargs={"slug": blocked.slug}), {"note": "Mijn nota"})
    assert answer.status_code == 422
    page = answer.content.decode()
    assert "Niet gepubliceerd" in page
    assert "Gedeeltelijk akkoord zonder motivering." in page
    assert "Mijn nota" in page
    assert "override_reason" not in page  # only administrators get the field
    assert not ResponseVersion.objects.exists()


@pytest.mark.pdf
@WORKER
def test_an_administrator_overrides_in_the_form(client, blocked, admin):
    client.force_login(admin)
    url = reverse("publishing:publish", kwargs={"slug": blocked.slug})
    assert "override_reason" in client.get(url).content.decode()
    answer = client.post(url, {"note": "v1", "override_reason": "Deadline van de raad"})
    assert answer.status_code == 302
    run_worker()
    assert client.get(answer["Location"]).status_code == 302
    page = client.get(blocked.get_absolute_url()).content.decode()
    assert "Gepubliceerd ondanks fouten" in page
    assert "Deadline van de raad" in page


def test_the_project_team_may_not_publish(client, response, django_user_model):
    user = make_user(django_user_model, "piet")
    grant(user, response, PROJECT_TEAM)
    client.force_login(user)
    assert client.post(reverse("publishing:publish", kwargs={"slug": response.slug}), {"note": "x"}).status_code == 403


@pytest.mark.pdf
def test_the_verify_page_recognises_a_published_pdf_and_rejects_a_changed_one(client, response, staff):
    version = publish(response=response, user=staff, note="v1")
    data = bytes(version.pdf)
    url = reverse("responses:verify")
    answer = client.post(url, {"file": SimpleUploadedFile("v1.pdf", data, "application/pdf")})
    assert answer.status_code == 200
    assert f"{response.title}: versie 1" in answer.content.decode()
    changed = data.replace(b"Eerste actie", b"Eerste actje", 1) if b"Eerste actie" in data else data + b"\n"
    answer = client.post(url, {"file": SimpleUploadedFile("v1.pdf", changed, "application/pdf")})
    assert "geen versie die wij publiceerden" in answer.content.decode()


@pytest.mark.pdf
def test_publish_command_refuses_with_the_errors_then_overrides(blocked, admin):
    with pytest.raises(CommandError) as refused:
        call_command("publish", blocked.slug, "--note", "v1")
    assert "justification_missing" in str(refused.value)
    assert "zonder motivering" in str(refused.value)
    with pytest.raises(CommandError, match="administrator"):
        call_command("publish", blocked.slug, "--note", "v1", "--override", "Dringend")
    call_command("publish", blocked.slug, "--note", "v1", "--override", "Dringend", "--user", "ada")
    version = ResponseVersion.objects.get()
    assert (version.override_reason, version.published_by, version.number) == ("Dringend", admin, 1)


@pytest.mark.pdf
def test_export_pdf_version_writes_the_frozen_pdf_and_verify_pdf_knows_it(response, staff, tmp_path, capsys):
    version = publish(response=response, user=staff, note="v1")
    Action.objects.filter(response=response).update(title="Gewijzigd na publicatie")
    out = tmp_path / "v1.pdf"
    call_command("export_pdf", response.slug, "--version", "1", "-o", str(out))
    assert out.read_bytes() == bytes(version.pdf)
    call_command("verify_pdf", str(out))
    assert f"{response.slug} version 1" in capsys.readouterr().out
    out.write_bytes(out.read_bytes() + b"%")
    with pytest.raises(CommandError, match="not a version we published"):
        call_command("verify_pdf", str(out))
    with pytest.raises(CommandError, match="no published version 2"):
        call_command("export_pdf", response.slug, "--version", "2", "-o", str(out))


def test_verify_pdf_exits_non_zero_for_an_unknown_file(db, tmp_path):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7 not ours")
    run = subprocess.run(
        [".venv/bin/python", "manage.py", "verify_pdf", str(path)], capture_output=True, text=True, check=False
    )
    assert run.returncode != 0


@pytest.mark.pdf
def test_the_admin_lists_published_versions_with_their_fingerprint_and_pdf(client, response, staff, admin):
    version = publish(response=response, user=staff, note="Eerste publicatie")
    client.force_login(admin)
    page = client.get(reverse("admin:responses_responseversion_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert response.title in html
    assert version.sha256 in html
    assert "Eva" in html
    assert f'href="{version.get_absolute_url()}"' in html
    assert client.get(version.get_absolute_url()).content == bytes(version.pdf)
    detail = client.get(reverse("admin:responses_responseversion_change", args=[version.pk]))
    assert detail.status_code == 200
    assert version.sha256 in detail.content.decode()
    assert 'name="note"' not in detail.content.decode()  # shown, not editable


@pytest.mark.pdf
def test_a_published_version_cannot_be_added_changed_or_deleted_in_the_admin(client, response, staff, admin):
    version = publish(response=response, user=staff, note="Eerste publicatie")
    frozen, fingerprint = bytes(version.pdf), version.sha256
    client.force_login(admin)
    change = reverse("admin:responses_responseversion_change", args=[version.pk])
    assert client.post(change, {"note": "Achteraf aangepast", "sha256": "0" * 64}).status_code == 403
    assert client.get(reverse("admin:responses_responseversion_add")).status_code == 403
    delete = reverse("admin:responses_responseversion_delete", args=[version.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:responses_responseversion_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [version.pk], "post": "yes"})
    # Nor does the published response go, taking its versions along.
    gone = reverse("admin:responses_managementresponse_delete", args=[response.pk])
    assert client.post(gone, {"post": "yes"}).status_code == 403
    version = ResponseVersion.objects.get()
    assert (version.note, version.sha256, bytes(version.pdf)) == ("Eerste publicatie", fingerprint, frozen)
