"""The fourth way to start a response: from a document (reading/views.py, reading/services.py).

The review page is tested on a ``Found`` made from a real interchange file (tests/reading_found.py);
the reading itself (the task worker with the real readers) in the tests that upload a document.
"""

import hashlib
import html
import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from actions.models import Action
from evidence.storage import evidence_storage
from reading import services
from reading.models import Original, Reading
from recommendations.models import Recommendation
from responses.models import ManagementResponse, Membership
from responses.roles import EVALUATION_STAFF
from tests.evidence_files import EXE, HTML, PNG, office, zip_bomb
from tests.fixtures import SEED, grant, make_user
from tests.reading_found import found_from_interchange

UPLOAD = reverse("reading:upload")
NEW = reverse("interchange:new")
PDF_BYTES = b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SEED_SHAPE_UNREAD = [("recommendations[18]", "agreement"), ("actions[0]", "status")]


@pytest.fixture
def uploader(django_user_model, roles):
    """Evaluation staff of the office: may start responses; a member of no response yet."""
    return make_user(django_user_model, "erik", roles[EVALUATION_STAFF])


def stored_files():
    storage = evidence_storage()
    try:
        _dirs, files = storage.listdir("originals")
    except FileNotFoundError:
        return []
    return files


def upload(client, name, content, layout="auto"):
    return client.post(UPLOAD, {"document-file": SimpleUploadedFile(name, content), "document-layout": layout})


def read_reading(uploader, *, unread=SEED_SHAPE_UNREAD, path=SEED):
    """A reading in state "read" of an uploaded PDF, its Found made from an interchange file."""
    reading = services.start_reading(
        upload=SimpleUploadedFile("leerecosystemen.pdf", PDF_BYTES),
        file_type=__import__("evidence.filetypes").filetypes.PDF,
        layout="auto",
        user=uploader,
    )
    found = found_from_interchange(path, unread=unread)
    Reading.objects.filter(pk=reading.pk).update(state="read", progress=100, found=services.found_as_json(found))
    reading.refresh_from_db()
    return reading


def form_values(page: str) -> dict:
    """The review form's fields as a browser would post them (inputs, textareas, selected options)."""
    import re

    text = page
    values = {}
    for match in re.finditer(r'<input type="(?:text|hidden)" name="([^"]+)"(?: id="[^"]*")? value="([^"]*)"', text):
        values[html.unescape(match[1])] = html.unescape(match[2])
    for match in re.finditer(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', text, re.DOTALL):
        values[html.unescape(match[1])] = html.unescape(match[2]).removeprefix("\n")
    for match in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>', text, re.DOTALL):
        chosen = re.search(r'<option value="([^"]*)" selected>', match[2])
        values[html.unescape(match[1])] = html.unescape(chosen[1]) if chosen else ""
    return values


# --- The upload ---------------------------------------------------------------------------------


def test_the_new_page_offers_a_document_as_the_fourth_way(client, uploader):
    client.force_login(uploader)
    page = client.get(NEW).content.decode()
    assert "Vanuit een document (PDF of Word)" in page
    assert f'action="{UPLOAD}"' in page
    assert 'name="document-file"' in page


def test_a_pdf_is_stored_with_its_sha256_and_its_reading_queued(client, uploader):
    client.force_login(uploader)
    answer = upload(client, "verslag.pdf", PDF_BYTES, layout="table")
    reading = Reading.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reading.get_absolute_url()
    original = reading.original
    assert (original.file_name, original.size, original.content_type) == (
        "verslag.pdf",
        len(PDF_BYTES),
        "application/pdf",
    )
    assert original.sha256 == hashlib.sha256(PDF_BYTES).hexdigest()
    assert (original.uploaded_by, original.response, reading.layout, reading.state) == (
        uploader,
        None,
        "table",
        "waiting",
    )
    assert evidence_storage().open(original.storage_key).read() == PDF_BYTES
    assert DBTaskResult.objects.filter(task_path="reading.tasks.read_document_task", status="READY").count() == 1
    assert ManagementResponse.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("programma.pdf", EXE, "Windows-programma"),
        ("pagina.pdf", HTML, "webpagina"),
        ("foto.pdf", PNG, "Dit is geen PDF of Word-document (.docx), maar PNG"),
        ("tabel.docx", office("xlsx"), "Dit is geen PDF of Word-document (.docx), maar Excel"),
        ("bom.docx", zip_bomb(300 * 1024 * 1024), "zip"),
        ("leeg.pdf", b"", "leeg"),
    ],
)
def test_a_file_that_is_no_document_is_refused_next_to_the_field_and_nothing_is_kept(
    client, uploader, name, content, message
):
    client.force_login(uploader)
    answer = upload(client, name, content)
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 422
    field = page.split('name="document-file"')[0].rsplit('class="field"', 1)[1]  # the file field's group
    assert message.lower() in (field + page.split('name="document-file"')[1][:600]).lower()
    assert (Reading.objects.count(), Original.objects.count(), stored_files()) == (0, 0, [])


def test_a_document_over_the_size_limit_is_refused(client, uploader, settings):
    settings.READING_MAX_BYTES = 1000
    client.force_login(uploader)
    answer = upload(client, "groot.pdf", PDF_BYTES + b"%" * 2000)
    assert answer.status_code == 422
    assert "Het bestand is te groot" in html.unescape(answer.content.decode())
    assert (Reading.objects.count(), stored_files()) == (0, [])


def test_who_may_not_start_a_response_may_not_upload_a_document(client, django_user_model):
    client.force_login(make_user(django_user_model, "lea"))
    assert upload(client, "verslag.pdf", PDF_BYTES).status_code == 403
    client.logout()
    assert upload(client, "verslag.pdf", PDF_BYTES).status_code == 302  # to the login
    assert (Reading.objects.count(), stored_files()) == (0, [])


def test_the_upload_needs_the_csrf_token(uploader):
    client = Client(enforce_csrf_checks=True)
    client.force_login(uploader)
    assert upload(client, "verslag.pdf", PDF_BYTES).status_code == 403
    assert Reading.objects.count() == 0


# --- Progress --------------------------------------------------------------------------------------


def test_the_progress_page_waits_with_202_and_polls_its_fragment_with_htmx(client, uploader):
    client.force_login(uploader)
    upload(client, "verslag.pdf", PDF_BYTES)
    reading = Reading.objects.get()
    waiting = client.get(reading.get_absolute_url())
    page = waiting.content.decode()
    assert waiting.status_code == 202
    assert waiting["Retry-After"].isdigit()
    assert 'hx-trigger="every 2s"' in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert "in de wachtrij" in page
    fragment = client.get(reading.get_absolute_url(), headers={"HX-Request": "true"})
    assert fragment.status_code == 202
    assert fragment.content.decode().lstrip().startswith('<div class="reading-status"')
    Reading.objects.filter(pk=reading.pk).update(state="reading", progress=10)
    assert 'value="10"' in client.get(reading.get_absolute_url()).content.decode()
    Reading.objects.filter(pk=reading.pk).update(
        state="read", found=services.found_as_json(found_from_interchange(SEED))
    )
    review = reverse("reading:review", kwargs={"pk": reading.pk})
    assert client.get(reading.get_absolute_url())["Location"] == review
    assert client.get(reading.get_absolute_url(), headers={"HX-Request": "true"})["HX-Redirect"] == review


def test_a_reading_is_its_uploaders_and_the_administrators_only(client, uploader, django_user_model, roles):
    reading = read_reading(uploader)
    other = make_user(django_user_model, "evi", roles[EVALUATION_STAFF])
    client.force_login(other)
    for name in ("reading:progress", "reading:review"):
        assert client.get(reverse(name, kwargs={"pk": reading.pk})).status_code == 404
    assert client.post(reverse("reading:review", kwargs={"pk": reading.pk}), {"version": 1}).status_code == 404
    client.force_login(make_user(django_user_model, "ada", is_superuser=True))
    assert client.get(reverse("reading:review", kwargs={"pk": reading.pk})).status_code == 200
    assert ManagementResponse.objects.count() == 0


def scanned_pdf():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(out, "PDF")
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("kapot.pdf", b"%PDF-1.7\n%%EOF\n", "beschadigd"),
        ("scan.pdf", scanned_pdf(), "Er staat geen tekst in dit document"),
    ],
)
def test_a_document_the_reader_cannot_read_leaves_its_message_next_to_the_file_field_and_nothing_else(
    client, django_user_model, roles, name, content, message
):
    user = make_user(django_user_model, "erik", roles[EVALUATION_STAFF])
    client.force_login(user)
    upload(client, name, content)
    reading = Reading.objects.get()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    reading.refresh_from_db()
    assert reading.state == "failed"
    assert message in reading.error  # the reader's own message (reading.source.Unreadable)
    assert (Original.objects.count(), stored_files(), ManagementResponse.objects.count()) == (0, [], 0)
    answer = client.get(reading.get_absolute_url())
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 422
    assert "Er is niets bewaard" in page
    field = (
        page.split('name="document-file"')[0].rsplit('class="field"', 1)[1]
        + page.split('name="document-file"')[1][:800]
    )
    assert message in field
    assert '<meta http-equiv="refresh"' not in page


# --- The review -----------------------------------------------------------------------------------


def test_the_review_shows_every_item_with_its_page_and_marks_what_was_not_read(client, uploader):
    reading = read_reading(uploader)
    client.force_login(uploader)
    answer = client.get(reverse("reading:review", kwargs={"pk": reading.pk}))
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 200
    assert answer["Cache-Control"] == "no-store"
    # The title block, the recommendations (with their groups and themes) and the actions, each with its page.
    assert 'value="Managementresponse evaluatieopdracht leerecosystemen"' in page
    assert "Aanbevelingen met betrekking tot de Europa WSE werking" in page
    seed = yaml.safe_load(SEED.read_text())
    actions = sum(1 + len(action.get("parts") or []) for action in seed["actions"])
    assert actions > 5  # the actions and their parts, each an item
    assert page.count('class="fieldset review-item') == 1 + len(seed["response"].get("chapters") or []) + 19 + actions
    assert Action.objects.count() == 0  # nothing imported yet
    assert "p. 1</span>" in page
    assert "p. 3</span>" in page
    # Every recommendation's fields and every action's fields are there.
    values = form_values(page)
    assert values["recommendations[0].location"] == "p. 190"
    assert values["recommendations[0].agreement"] == "agree"
    assert values["actions[0].number"] == "1"
    assert values["actions[0].title"] == "Aanpassingen aan het oproepkader"
    assert "3 – spoor 1 | (systematisch leren)" in page
    # The two fields the reader could not read: marked, empty.
    assert page.count("niet gelezen: vul in") == 2
    assert values["recommendations[18].agreement"] == ""
    assert values["actions[0].status"] == ""


def accept(client, reading, values):
    return client.post(reverse("reading:review", kwargs={"pk": reading.pk}), values)


def test_accepting_the_corrected_review_creates_a_draft_with_the_correction_and_the_original(client, uploader):
    reading = read_reading(uploader)
    client.force_login(uploader)
    values = form_values(client.get(reverse("reading:review", kwargs={"pk": reading.pk})).content.decode())
    values["recommendations[0].location"] = "p. 190-191"
    values["actions[0].status"] = "realised"  # the field the reader could not read
    answer = accept(client, reading, values)
    response = ManagementResponse.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == response.get_absolute_url()
    assert (response.status, response.slug) == ("draft", "leerecosystemen")
    first = Recommendation.objects.for_response(response).order_by("theme__group__order", "theme__order", "order")[0]
    assert first.location == "p. 190-191"
    assert Action.objects.get(response=response, number="1").status == "realised"
    assert Recommendation.objects.filter(response=response).count() == 19
    # The creator becomes the draft's evaluation staff; the original hangs on the draft.
    assert Membership.objects.get(response=response).user == uploader
    original = Original.objects.get()
    assert original.response == response
    reading.refresh_from_db()
    assert (reading.response, reading.version) == (response, 2)
    page = html.unescape(client.get(response.get_absolute_url()).content.decode())
    assert "p. 190-191" in page
    assert original.sha256 in page


def test_a_second_accept_of_the_same_review_is_refused_as_stale(client, uploader):
    reading = read_reading(uploader)
    client.force_login(uploader)
    values = form_values(client.get(reverse("reading:review", kwargs={"pk": reading.pk})).content.decode())
    assert accept(client, reading, values).status_code == 302
    again = accept(client, reading, values)
    assert again.status_code == 409
    assert "al aanvaard" in html.unescape(again.content.decode())
    assert ManagementResponse.objects.count() == 1


def test_an_accept_from_an_older_page_is_refused_and_keeps_the_input(client, uploader):
    reading = read_reading(uploader)
    client.force_login(uploader)
    values = form_values(client.get(reverse("reading:review", kwargs={"pk": reading.pk})).content.decode())
    Reading.objects.filter(pk=reading.pk).update(version=5)  # read again since the page was loaded
    values["response.title"] = "Mijn titel"
    answer = accept(client, reading, values)
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 409
    assert "verouderd" in page
    assert 'value="Mijn titel"' in page
    assert ManagementResponse.objects.count() == 0


def test_bad_values_are_shown_next_to_their_fields_and_nothing_is_created(client, uploader):
    reading = read_reading(uploader)
    client.force_login(uploader)
    values = form_values(client.get(reverse("reading:review", kwargs={"pk": reading.pk})).content.decode())
    values["response.evaluation.delivered_on"] = "eind september"
    values["recommendations[2].actions"] = "77"  # an action that does not exist
    answer = accept(client, reading, values)
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 422
    assert "Niet aangemaakt: 2 problemen" in page
    date_field = page.split('name="response.evaluation.delivered_on"')[1].split("</div>")[0]
    assert "'eind september' is geen datum" in date_field
    links_field = page.split('name="recommendations[2].actions"')[1].split("</div>")[0]
    assert "verwijst naar actie '77', die niet bestaat" in links_field
    assert 'aria-invalid="true"' in page
    assert 'value="eind september"' in page  # the input is kept
    assert (ManagementResponse.objects.count(), Recommendation.objects.count(), Original.objects.get().response) == (
        0,
        0,
        None,
    )


def test_a_slug_in_use_is_refused_next_to_the_slug(client, uploader):
    reading = read_reading(uploader)
    ManagementResponse.objects.create(title="Er al", slug="leerecosystemen")
    client.force_login(uploader)
    values = form_values(client.get(reverse("reading:review", kwargs={"pk": reading.pk})).content.decode())
    answer = accept(client, reading, values)
    page = html.unescape(answer.content.decode())
    assert answer.status_code == 422
    assert "deze slug" in page.split('name="response.slug"')[1].split("</div>")[0]
    values["response.slug"] = "leerecosystemen-2"
    assert accept(client, reading, values).status_code == 302
    assert ManagementResponse.objects.filter(slug="leerecosystemen-2").exists()


def test_the_review_accept_needs_the_csrf_token(uploader):
    reading = read_reading(uploader)
    client = Client(enforce_csrf_checks=True)
    client.force_login(uploader)
    assert accept(client, reading, {"version": "1"}).status_code == 403
    assert ManagementResponse.objects.count() == 0


def test_a_matrix_review_shows_time_frames_units_and_latest_comments(client, uploader):
    from tests.pages import DATA

    reading = read_reading(uploader, unread=[("actions[1].time_frame", "")][:0], path=DATA / "uneg-matrix.yaml")
    client.force_login(uploader)
    page = html.unescape(client.get(reverse("reading:review", kwargs={"pk": reading.pk})).content.decode())
    values = form_values(page)
    units = [v for k, v in values.items() if k.endswith(".responsible_units") and v]
    frames = [v for k, v in values.items() if k.endswith(".time_frame") and v]
    comments = [v for k, v in values.items() if k.endswith(".comment") and v]
    assert units
    assert frames
    assert comments
    assert 'lang="en"' in page


# --- The original ---------------------------------------------------------------------------------


@pytest.fixture
def created(client, uploader):
    reading = read_reading(uploader)
    client.force_login(uploader)
    values = form_values(client.get(reverse("reading:review", kwargs={"pk": reading.pk})).content.decode())
    accept(client, reading, values)
    client.logout()
    return Original.objects.select_related("response").get()


def test_the_original_downloads_for_whoever_may_read_the_response(client, created, django_user_model):
    url = created.get_absolute_url()
    reader = make_user(django_user_model, "lea")
    grant(reader, created.response, "reader")
    client.force_login(reader)
    answer = client.get(url)
    body = b"".join(answer.streaming_content)
    assert answer.status_code == 200
    assert hashlib.sha256(body).hexdigest() == created.sha256
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert answer["Content-Type"] == "application/pdf"
    assert "sandbox" in answer["Content-Security-Policy"]
    # The document page names it with its SHA-256.
    page = client.get(created.response.get_absolute_url()).content.decode()
    assert f'href="{url}"' in page
    assert created.sha256 in page


def test_the_original_of_a_draft_is_404_for_others_and_the_address_must_name_its_response(
    client, created, django_user_model
):
    client.force_login(make_user(django_user_model, "olaf"))
    assert client.get(created.get_absolute_url()).status_code == 404
    client.logout()
    assert client.get(created.get_absolute_url()).status_code == 404
    other = ManagementResponse.objects.create(title="Ander", slug="ander", status="published")
    assert client.get(reverse("reading:original", kwargs={"slug": other.slug, "pk": created.pk})).status_code == 404
    ManagementResponse.objects.filter(pk=created.response.pk).update(status="published")
    assert client.get(created.get_absolute_url()).status_code == 200


# --- A real document, through the worker and an unchanged review -----------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_seeds_word_document_is_read_by_the_worker_and_an_unchanged_review_keeps_every_field(
    client, django_user_model, roles, tmp_path
):
    """The seed's own Word document (office/word.py) read by the table reader in the task worker;
    accepting the review as it stands creates a draft that the issue's tool scores 1.0000 against
    the seed: the review page's round trip (form fields, posted back) loses nothing."""
    from django.db import transaction

    from evidence.filetypes import DOCX
    from interchange.exporter import export_response
    from interchange.importer import import_file
    from office.word import docx_bytes
    from tests.test_reading_table import fieldscore

    with transaction.atomic():
        seed = import_file(SEED)
        truth, document = export_response(seed), docx_bytes(seed)
        transaction.set_rollback(True)
    user = make_user(django_user_model, "erik", roles[EVALUATION_STAFF])
    client.force_login(user)
    upload(client, "leerecosystemen.docx", document)
    reading = Reading.objects.get()
    assert reading.original.content_type == DOCX.content_type
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    reading.refresh_from_db()
    assert reading.state == "read", reading.error
    review_url = reverse("reading:review", kwargs={"pk": reading.pk})
    assert client.get(reading.get_absolute_url())["Location"] == review_url
    values = form_values(client.get(review_url).content.decode())
    assert accept(client, reading, values).status_code == 302
    response = ManagementResponse.objects.get()
    assert Original.objects.get().response == response
    read = yaml.safe_load(export_response(response))
    assert fieldscore(read, truth, tmp_path) == (
        "fields 1.0000 (214/214); recommendations 19/19 read, 0 extra; actions 15/15 read, 0 extra"
    )


@pytest.mark.django_db(transaction=True)  # the worker opens its own connection (PostgreSQL)
def test_the_worker_keeps_the_documents_page_count_and_the_response_shows_it(client, django_user_model, roles):
    """DP/2025/6 (tests/data/documents: a real eight-page UNDP document) read by the task worker: the
    attached original records its eight pages, and the document page lists it so."""
    from django.conf import settings

    user = make_user(django_user_model, "erik", roles[EVALUATION_STAFF])
    client.force_login(user)
    document = (settings.BASE_DIR / "tests/data/documents/dp-2025-6.pdf").read_bytes()
    upload(client, "dp-2025-6.pdf", document)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    reading = Reading.objects.get()
    assert reading.state == "read", reading.error
    assert reading.original.pages == 8
    values = form_values(client.get(reverse("reading:review", kwargs={"pk": reading.pk})).content.decode())
    assert accept(client, reading, values).status_code == 302
    page = client.get(ManagementResponse.objects.get().get_absolute_url()).content.decode()
    assert "8 pagina's, ingelezen op" in page
