"""Renders follow demand, not keystrokes; a request for a PDF never waits; renders are bounded
(docs/pdf.md).

The task worker runs for real (``db_worker --batch``), so these tests commit (transaction=True).
"""

import time

import pytest
from django.core.cache import caches
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from core import bounded
from document import pdf
from responses.models import ManagementResponse
from responses.permissions import READER
from tests.factories import ManagementResponseFactory, RecommendationFactory
from tests.fixtures import grant, make_user
from tests.test_responses_pdf import WORKER, get_pdf, pdf_text, run_worker


@pytest.fixture
def renders(monkeypatch):
    """The responses whose document PDF was rendered (by whatever path), in order."""
    calls = []
    real = pdf.render_pdf

    def counting(response, **kwargs):
        calls.append(response.pk)
        return real(response, **kwargs)

    monkeypatch.setattr(pdf, "render_pdf", counting)
    return calls


def tasks(name):
    return DBTaskResult.objects.filter(task_path=f"document.tasks.{name}")


# --- a burst of saves: one render --------------------------------------------------------------


@pytest.mark.pdf
@WORKER
def test_twenty_saves_in_a_burst_queue_one_render_and_the_worker_makes_one(settings, renders, tmp_path):
    settings.PDF_DEBOUNCE_SECONDS = 0  # the worker looks again at once: the burst is over by then
    response = ManagementResponseFactory(status="published")
    rec = RecommendationFactory(theme__group__response=response, text="Versie 0.")
    run_worker()  # whatever the factories queued
    DBTaskResult.objects.all().delete()
    renders.clear()

    for n in range(1, 21):
        rec.text = f"Versie {n}."
        rec.save()  # each commits, each gives the response a new revision

    assert tasks("render_after_edits_task").count() == 1
    assert not tasks("render_pdf_task").exists()
    run_worker()
    assert renders == [response.pk]
    response.refresh_from_db()
    data = pdf.cached_pdf_or_none(pdf.pdf_etag(response))
    assert data is not None
    assert "Versie 20." in pdf_text(data, tmp_path)


@pytest.mark.pdf
def test_the_render_after_edits_waits_until_the_revision_stops_moving(db, settings, renders):
    settings.PDF_DEBOUNCE_SECONDS = 10
    response = ManagementResponseFactory()
    rec = RecommendationFactory(theme__group__response=response)
    response.refresh_from_db()
    assert not pdf.render_after_edits(response.pk, None)  # the first look: it looks again later
    queued = tasks("render_after_edits_task").order_by("-enqueued_at").first()
    assert queued.args_kwargs["args"] == [response.pk, response.revision]
    assert queued.run_after.timestamp() > time.time() + 5  # later, not now

    rec.save()  # still being edited
    assert not pdf.render_after_edits(response.pk, response.revision)
    response.refresh_from_db()
    assert renders == []
    assert pdf.render_after_edits(response.pk, response.revision) is True  # settled
    assert renders == [response.pk]


def test_a_render_of_an_outdated_revision_is_not_started(db, renders):
    response = ManagementResponseFactory()
    outdated = pdf.pdf_etag(response)
    RecommendationFactory(theme__group__response=response)  # a new revision
    assert pdf.render_in_background(response.pk, outdated) is False
    assert renders == []


def test_a_render_queued_or_in_progress_is_not_started_twice(db, renders):
    response = ManagementResponseFactory()
    response.refresh_from_db()
    assert pdf.schedule_render(response) is True  # a reader asked: queued, marked pending
    assert pdf.schedule_render(response) is False
    assert pdf.render_once(pdf.pdf_etag(response), lambda: renders.append("again")) is False
    assert renders == []
    assert tasks("render_pdf_task").count() == 1


# --- readers get an answer at once -------------------------------------------------------------


@pytest.mark.pdf
@WORKER
def test_while_a_new_revision_renders_readers_may_open_the_previous_one_labelled(client, renders, tmp_path):
    response = ManagementResponseFactory(status="published", slug="vorige")
    rec = RecommendationFactory(theme__group__response=response, text="De eerste tekst.")
    first = get_pdf(client, response)
    assert first.status_code == 202
    assert "Vorige versie openen" not in first.content.decode()  # nothing rendered yet
    run_worker()
    assert get_pdf(client, response).status_code == 200

    rec.text = "De tweede tekst."
    rec.save()
    began = time.monotonic()
    waiting = get_pdf(client, response)
    assert time.monotonic() - began < 1  # never waits for the render
    assert waiting.status_code == 202
    page = waiting.content.decode()
    assert "Vorige versie openen" in page
    assert "Ze toont niet de laatste wijzigingen." in page
    label = caches[pdf.CACHE_ALIAS].get("response-pdf-latest:" + pdf.latest_key(response.pk))
    assert f"revisie {pdf.revision_label(label['revision'])}" in page

    earlier = client.get(reverse("document:pdf", args=[response.slug]), {"previous": "1"})
    assert earlier.status_code == 200
    assert earlier["Content-Type"] == "application/pdf"
    assert "-vorige-" in earlier["Content-Disposition"]
    assert pdf.revision_label(label["revision"]) in earlier["Content-Disposition"]
    assert "De eerste tekst." in pdf_text(earlier.content, tmp_path)

    run_worker()
    current = get_pdf(client, response)
    assert current.status_code == 200
    assert "De tweede tekst." in pdf_text(current.content, tmp_path)


@pytest.mark.pdf
@WORKER
def test_a_rendering_made_while_a_draft_is_not_offered_to_the_public_later(client, django_user_model):
    response = ManagementResponseFactory(status="draft", slug="concept")
    reader = make_user(django_user_model, "lezer")
    grant(reader, response, READER)
    client.force_login(reader)
    get_pdf(client, response)
    run_worker()  # rendered while a draft
    ManagementResponse.objects.filter(pk=response.pk).update(status="published")
    response.refresh_from_db()
    response.save()  # a new revision

    assert "Vorige versie openen" in get_pdf(client, response).content.decode()  # a member: yes
    client.logout()
    assert "Vorige versie openen" not in get_pdf(client, response).content.decode()
    url = reverse("document:pdf", args=[response.slug])
    assert client.get(url, {"previous": "1"}).status_code == 202  # not served either


# --- bounded renders ---------------------------------------------------------------------------


@pytest.mark.pdf
@WORKER
def test_a_render_past_its_time_bound_says_so_on_the_pdf_page_and_the_worker_goes_on(client, settings):
    settings.PDF_RENDER_SECONDS = 5
    text = "Tekst " + " ".join(f"w[^{n}]" for n in range(1000)) + "\n\n"
    text += "\n".join(f"[^{n}]: Noot {n}." for n in range(1000))
    hostile = ManagementResponseFactory(status="published", slug="te-complex", introduction=text)
    plain = ManagementResponseFactory(status="published", slug="gewoon")
    assert get_pdf(client, hostile).status_code == 202
    assert get_pdf(client, plain).status_code == 202

    run_worker()
    failed = get_pdf(client, hostile)
    assert failed.status_code == 422
    text = failed.content.decode()
    assert "Dit document is te complex om af te drukken: de opmaak duurde langer dan 5 s." in text
    assert '<meta http-equiv="refresh"' not in text
    assert get_pdf(client, hostile).status_code == 422  # not tried again for the same content
    assert not DBTaskResult.objects.filter(status="FAILED").exists()
    assert get_pdf(client, plain).status_code == 200  # the next task ran


def test_work_past_its_memory_bound_is_stopped_and_the_caller_is_unchanged():
    before = bounded.resident_bytes()
    with pytest.raises(bounded.MemoryLimit):
        bounded.run(bytearray, 1024 * 1024 * 1024, seconds=60, memory_mib=200)
    with pytest.raises(bounded.TimeLimit):
        bounded.run(time.sleep, 30, seconds=0.5, memory_mib=200)
    assert bounded.run(len, "abc", seconds=60, memory_mib=200) == 3
    assert bounded.resident_bytes() - before < 20 * 1024 * 1024


def test_work_no_longer_wanted_is_stopped_at_the_next_look():
    began = time.monotonic()
    with pytest.raises(bounded.Abandoned):
        bounded.run(
            time.sleep,
            30,
            seconds=60,
            memory_mib=200,
            keep_going=lambda: time.monotonic() - began < 0.5,
            check_every=0.2,
        )
    assert time.monotonic() - began < 5  # not the child's 30 s
    assert bounded.run(len, "abc", seconds=60, memory_mib=200, keep_going=lambda: True, check_every=0.1) == 3


@pytest.mark.pdf
def test_a_render_whose_revision_moves_on_is_stopped_and_no_failure_is_recorded(db, settings, monkeypatch):
    # Under steady edits the render in progress is always of an outdated revision: stopped, the
    # render of the latest one starts as soon as the edits stop (benchmarks/steady.py).
    settings.PDF_RENDER_SECONDS = 120
    response = ManagementResponseFactory(status="published", introduction=HOSTILE["500 notes in one paragraph"])
    etag = pdf.pdf_etag(response)
    real = pdf.unchanged

    def an_edit_arrives_meanwhile(rendered):
        ManagementResponse.objects.get(pk=rendered.pk).save()  # someone saves: a new revision
        return real(rendered)

    monkeypatch.setattr(pdf, "unchanged", an_edit_arrives_meanwhile)
    began = time.monotonic()

    assert pdf.render_in_background(response.pk, etag) is False

    assert time.monotonic() - began < 15  # this text alone renders for longer than 30 s
    assert pdf.failure(etag) is None  # not "too complex": the next revision may render
    assert pdf.cached_pdf_or_none(etag) is None
    assert pdf.pdf_etag(ManagementResponse.objects.get(pk=response.pk)) != etag


HOSTILE = {
    "500 calls of one note": "Tekst" + "[^1]" * 500 + "\n\n[^1]: De noot.",
    "19,000 calls of one note": "Tekst" + "[^1]" * 19_000 + "\n\n[^1]: De noot.",
    '100,000 "["': "[" * 100_000,
    "500 notes in one paragraph": "Tekst "
    + " ".join(f"w[^{n}]" for n in range(500))
    + "\n\n"
    + "\n".join(f"[^{n}]: Noot {n}." for n in range(500)),
}
BOUND = 30


@pytest.mark.pdf
@pytest.mark.parametrize("name", HOSTILE)
def test_each_hostile_text_renders_within_its_bound_or_ends_with_the_message(db, settings, name):
    settings.PDF_RENDER_SECONDS = BOUND
    response = ManagementResponseFactory(introduction=HOSTILE[name])
    began = time.monotonic()
    try:
        data, message = pdf.render_pdf(response), ""
    except pdf.TooComplex as error:
        data, message = None, error.message()
    took = time.monotonic() - began
    print(f"{name}: {'PDF' if data else 'too complex'} after {took:.1f} s")
    assert took < BOUND + 15
    if data is None:
        assert message.startswith("Dit document is te complex om af te drukken: ")
    else:
        assert data.startswith(b"%PDF-")


@pytest.mark.pdf
def test_later_calls_of_a_note_print_its_number(db, tmp_path):
    response = ManagementResponseFactory(introduction="Eerst[^a] dan[^b] weer[^b].\n\n[^a]: Noot A.\n\n[^b]: Noot B.")
    text = pdf_text(pdf.render_pdf(response), tmp_path)
    assert "Eerst1 dan2 weer2." in text.replace("\u200b", "")
    assert text.count("Noot B.") == 1


@pytest.mark.pdf
@WORKER
def test_the_waiting_page_can_ask_with_head_whether_the_pdf_is_there(client):
    """What static/js/app.js does on the "being prepared" page before it loads the PDF."""
    response = ManagementResponseFactory(status="published")
    url = reverse("document:pdf", args=[response.slug])
    waiting = client.get(url).content.decode()
    assert f'data-wait-url="{url}"' in waiting
    assert '<noscript><meta http-equiv="refresh"' in waiting  # without JavaScript
    assert client.head(url).status_code == 202
    run_worker()
    ready = client.head(url)
    assert ready.status_code == 200
    assert ready["Content-Type"] == "application/pdf"
