"""A response read from its document, in a browser, end to end: upload our own table-layout PDF of
the seed at /responses/new/, follow the reading on its progress page (the task worker reads it; the
page polls with htmx and moves on by itself), correct one field on the review page, create the
draft; the draft shows the correction, and its original downloads with the SHA-256 the page shows.

With READING_SHOTS=folder the pages are also saved as screenshots at 1280 and 390 px.
"""

import hashlib
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from playwright.sync_api import expect

from document import pdf
from interchange.importer import import_file
from reading.models import Original, Reading
from reading.readers import READERS
from recommendations.models import Recommendation
from responses.models import ManagementResponse
from responses.roles import EVALUATION_STAFF
from tests.browser.test_editing_agreement import log_in
from tests.fixtures import SEED, make_user

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.pdf]

SHOTS = os.environ.get("READING_SHOTS")


def shoot(page, name):
    """The page at 1280 and 390 px, when READING_SHOTS names a folder."""
    if not SHOTS:
        return
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(Path(SHOTS) / f"reading-{name}-{width}.png"), full_page=width == 390)
    page.set_viewport_size({"width": 1280, "height": 900})


def seed_as_pdf() -> bytes:
    """Our own table-layout PDF of the seed, rendered here (the response itself is rolled back)."""
    with transaction.atomic():
        data = pdf.render_pdf(import_file(SEED))
        transaction.set_rollback(True)
    return data


@pytest.mark.skipif(not any(r.SHAPE == "table" for r in READERS), reason="the table reader (engineer A) has not landed")
def test_a_pdf_is_read_reviewed_corrected_and_created_as_a_draft_with_its_original(
    live_server, page, django_user_model, roles, tmp_path, console_errors
):
    document = seed_as_pdf()
    digest = hashlib.sha256(document).hexdigest()
    assert ManagementResponse.objects.count() == 0
    user = make_user(django_user_model, "erik", roles[EVALUATION_STAFF])
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, user)

    page.goto(live_server.url + "/responses/new/")
    section = page.get_by_role("region", name="Vanuit een document (PDF of Word)")
    expect(section).to_be_visible()
    section.get_by_label("Document (PDF of Word)").set_input_files(
        {"name": "leerecosystemen.pdf", "mimeType": "application/pdf", "buffer": document}
    )
    shoot(page, "upload")
    section.get_by_role("button", name="Document lezen").click()

    # The progress page: waiting for the task worker, polling by itself.
    expect(page.get_by_role("heading", name="Document lezen")).to_be_visible()
    expect(page.locator("#reading-status")).to_contain_text("in de wachtrij")
    reading = Reading.objects.get()
    assert page.url == live_server.url + reading.get_absolute_url()
    shoot(page, "progress")
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    reading.refresh_from_db()
    assert reading.state == "read", reading.error

    # The page went on to the review by itself (htmx's poll answered with HX-Redirect).
    expect(page.get_by_role("heading", name="Gelezen document nakijken")).to_be_visible(timeout=20_000)
    assert page.url.endswith(f"/responses/new/document/{reading.pk}/review/")
    first = page.locator('[name="recommendations[0].location"]')
    expect(first).to_have_value("p. 190")
    # Each item says where it came from.
    expect(page.locator("fieldset.review-item").first.locator(".review-page")).to_have_text("p. 1")
    shoot(page, "review")

    first.fill("p. 190 (nagekeken)")
    page.get_by_role("button", name="Ontwerp aanmaken").click()

    expect(page.get_by_text("Ontwerp aangemaakt uit leerecosystemen.pdf.")).to_be_visible()
    response = ManagementResponse.objects.get()
    assert response.status == "draft"
    assert page.url == live_server.url + response.get_absolute_url()
    expect(page.locator(".document").get_by_role("link", name="p. 190 (nagekeken)", exact=True)).to_be_visible()
    assert Recommendation.objects.filter(response=response, location="p. 190 (nagekeken)").count() == 1

    # The original: its SHA-256 on the page, and the download is those very bytes.
    original = Original.objects.get(response=response)
    panel = page.get_by_role("region", name="Oorspronkelijk document")
    expect(panel.locator("[data-sha256]")).to_have_text(digest)
    assert original.sha256 == digest
    with page.expect_download() as waiting:
        panel.get_by_role("link", name="leerecosystemen.pdf").click()
    download = waiting.value
    saved = tmp_path / "original.pdf"
    download.save_as(saved)
    assert download.suggested_filename == "leerecosystemen.pdf"
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == digest
    shoot(page, "draft")
    assert console_errors == []
