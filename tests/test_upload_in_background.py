"""A large upload is imported by the task worker, with a progress page; small ones still within
the request (interchange.views.response_upload_confirm, interchange.services.run_pending_import)."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from actions.models import Action, ActionLink
from interchange.models import PendingImport
from interchange.services import run_pending_import
from recommendations.models import Recommendation
from responses.models import ManagementResponse, Membership
from responses.roles import EVALUATION_STAFF
from tests.fixtures import SEED, make_user

UPLOAD = reverse("interchange:upload")
CONFIRM = reverse("interchange:upload_confirm")
WORKER = pytest.mark.django_db(transaction=True)


def run_worker():
    """The task worker, for real, as tests/test_responses_pdf.py runs it: every outstanding task, then exit."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def preview_and_confirm(client, content: bytes, name="leerecosystemen.yaml"):
    preview = client.post(UPLOAD, {"upload-file": SimpleUploadedFile(name, content, "application/yaml")})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    token = html.unescape(preview.content.decode()).split('name="token" value="')[1].split('"')[0]
    return client.post(CONFIRM, {"token": token})


def counts():
    return (ManagementResponse.objects.count(), Recommendation.objects.count(), Action.objects.count())


@pytest.fixture
def uploader(django_user_model, roles):
    """Evaluation staff of the office (may start responses), member of no response yet."""
    return make_user(django_user_model, "erik", roles[EVALUATION_STAFF])


@pytest.fixture
def small_threshold(settings):
    settings.UPLOAD_IMPORT_IN_REQUEST_BYTES = 1_000  # the seed file (37 kB) is "large"


@WORKER
@pytest.mark.pdf  # the worker also renders the new draft's PDF, queued by its import
def test_a_large_file_is_imported_by_the_task_and_the_progress_page_follows_it(client, uploader, small_threshold):
    client.force_login(uploader)
    answer = preview_and_confirm(client, SEED.read_bytes())
    pending = PendingImport.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == pending.get_absolute_url()
    assert counts() == (0, 0, 0)  # nothing yet: the worker imports it
    assert pending.created_by == uploader
    assert (pending.status, pending.size, len(pending.sha256)) == ("queued", len(SEED.read_bytes()), 64)
    assert DBTaskResult.objects.filter(task_path="interchange.tasks.import_upload_task", status="READY").count() == 1

    waiting = client.get(pending.get_absolute_url())
    page = waiting.content.decode()
    assert waiting.status_code == 202
    assert waiting["Retry-After"].isdigit()
    assert '<meta http-equiv="refresh"' in page
    assert "in de wachtrij" in page
    assert "<script" not in page.split("</head>")[0] or "nonce" in page  # nothing inline without the CSP's nonce

    run_worker()

    pending.refresh_from_db()
    response = ManagementResponse.objects.get()
    assert (pending.status, pending.response, pending.error, pending.text) == ("done", response, "", "")
    assert (Recommendation.objects.count(), ActionLink.objects.count() > 0) == (19, True)
    # The creator becomes the response's evaluation staff, and the trail names them.
    assert Membership.objects.get(response=response).user == uploader
    assert Membership.objects.get(response=response).role == "evaluation_staff"
    assert response.history.earliest().history_user == uploader

    done = client.get(pending.get_absolute_url())
    page = html.unescape(done.content.decode())
    assert done.status_code == 200
    assert '<meta http-equiv="refresh"' not in page
    assert f'href="{response.get_absolute_url()}"' in page
    assert "ingeladen" in page


@WORKER
@pytest.mark.pdf  # the worker renders the PDF of the response whose slug the file wanted
def test_a_failing_background_import_shows_its_error_and_leaves_nothing(client, uploader, small_threshold):
    client.force_login(uploader)
    assert preview_and_confirm(client, SEED.read_bytes()).status_code == 302
    # Between the preview and the worker someone else created a response with the file's slug.
    slug = PendingImport.objects.get().text.split("slug:", 1)[1].split()[0].strip("'\"")
    ManagementResponse.objects.create(title="Er al", slug=slug)
    before = (ManagementResponse.objects.count(), Recommendation.objects.count(), Action.objects.count())

    run_worker()

    pending = PendingImport.objects.get()
    assert pending.status == "failed"
    assert slug in pending.error
    assert counts() == before  # all or nothing: the import's writes are rolled back
    assert not Membership.objects.filter(user=uploader).exists()
    page = html.unescape(client.get(pending.get_absolute_url()).content.decode())
    assert "Er is niets ingeladen" in page
    assert f"slug “{slug}”" in page
    assert '<meta http-equiv="refresh"' not in page


def test_a_corrupt_file_fails_with_its_problems(db, uploader):
    pending = PendingImport.objects.create(
        file_name="kapot.yaml", text="format: nonsense\n", sha256="0" * 64, size=17, created_by=uploader
    )
    assert run_pending_import(str(pending.pk)) == "failed"
    pending.refresh_from_db()
    assert "beschadigd" in pending.error
    assert counts() == (0, 0, 0)


def test_an_import_that_ended_is_not_run_again(db, uploader):
    """A task run twice (its worker died after the commit) leaves the first outcome alone."""
    pending = PendingImport.objects.create(
        file_name="x.yaml", text="", sha256="0" * 64, size=0, created_by=uploader, status="failed", error="eerder"
    )
    assert run_pending_import(str(pending.pk)) == "failed"
    pending.refresh_from_db()
    assert pending.error == "eerder"


@pytest.mark.parametrize("who", ["stranger", "anonymous"])
def test_someone_elses_progress_page_is_not_found(client, uploader, django_user_model, roles, who):
    pending = PendingImport.objects.create(file_name="x.yaml", text="x", sha256="0" * 64, size=1, created_by=uploader)
    if who == "stranger":
        client.force_login(make_user(django_user_model, "sam", roles[EVALUATION_STAFF]))
        assert client.get(pending.get_absolute_url()).status_code == 404
    else:
        assert client.get(pending.get_absolute_url()).status_code == 302  # to the login page


def test_administrators_may_follow_any_import(client, uploader, django_user_model):
    pending = PendingImport.objects.create(file_name="x.yaml", text="x", sha256="0" * 64, size=1, created_by=uploader)
    client.force_login(make_user(django_user_model, "ada", is_superuser=True, is_staff=True))
    assert client.get(pending.get_absolute_url()).status_code == 202


def test_a_small_file_is_still_imported_within_the_request(client, uploader):
    client.force_login(uploader)
    answer = preview_and_confirm(client, SEED.read_bytes())
    response = ManagementResponse.objects.get()
    assert answer["Location"] == response.get_absolute_url()
    assert not PendingImport.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert Membership.objects.get(response=response).user == uploader
