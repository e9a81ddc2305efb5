"""Evidence and validation in a browser, end to end: the project team claims "realised" with a PDF,
evaluation staff send it back (the owner gets an e-mail), the team adds a second file and claims
again, staff validate; the document, the follow-up page, the round and its report, and the dashboard
then show the action as validated."""

import datetime
import re
import subprocess

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Action
from evidence.models import Evidence
from tests import evidence_files as files
from tests.browser.test_editing_agreement import log_in
from tracking.models import ReviewRound

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.pdf]


def log_out(page):
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("link", name="Aanmelden")).to_be_visible()


def add_pdf(page, live_server, action, title, name, data):
    page.goto(live_server.url + action.get_absolute_url())
    form = page.get_by_role("form", name=f"Bewijsstuk toevoegen aan actie {action.number}")
    form.get_by_label("Titel").fill(title)
    form.get_by_label("Bestand").set_input_files({"name": name, "mimeType": "application/pdf", "buffer": data})
    form.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text(f"Bewijsstuk „{title}” ({name}) toegevoegd.")).to_be_visible()


def claim_realised(page, action):
    page.get_by_role("link", name=f"Wijzig status van actie {action.number}").first.click()
    form = page.get_by_role("form", name=f"Status van actie {action.number}")
    form.get_by_label("Status", exact=True).select_option("realised")
    form.get_by_role("button", name="Opslaan").click()
    block = page.locator(f"#status-{action.pk}")
    expect(block).to_contain_text("gerealiseerd")
    expect(block.locator(".badge--awaiting")).to_have_text("wacht op validatie")


def pdf_text(page, url, tmp_path):
    """A PDF as a visitor gets it ("being prepared" until the task worker has run), as text."""
    answer = page.request.get(url)
    if answer.status == 202:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        answer = page.request.get(url)
    assert answer.status == 200, answer.status
    path = tmp_path / "report.pdf"
    path.write_bytes(answer.body())
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", " ", done.stdout.decode())


def test_a_claim_is_sent_back_completed_and_validated(
    live_server, page, seed_response, project_member, evaluation_staff, console_errors, tmp_path
):
    seed_response.validation_policy = "closing"
    seed_response.save()
    project_member.email = "piet@example.org"
    project_member.save()
    action = Action.objects.get(response=seed_response, number="4")  # op te starten in 2025
    action.owners.add(project_member)
    review_round = ReviewRound.objects.create(
        response=seed_response, name="2026 H2", date=timezone.localdate() + datetime.timedelta(days=1)
    )

    # The project team claims "realised" with a PDF.
    log_in(page, live_server, project_member)
    add_pdf(page, live_server, action, "Gunningsbeslissing", "gunning.pdf", files.PDF)
    claim_realised(page, action)
    log_out(page)

    # Evaluation staff send it back with a comment; the owner hears of it.
    log_in(page, live_server, evaluation_staff)
    page.goto(live_server.url + action.get_absolute_url())
    decision = page.get_by_role("form", name="Validatie van actie 4")
    decision.get_by_label("Opmerking").fill("Het ondertekende contract ontbreekt.")
    decision.get_by_role("button", name="Terugsturen").click()
    expect(page.get_by_text("Status van actie 4 teruggestuurd; de eigenaars krijgen een e-mail.")).to_be_visible()
    expect(page.locator(f"#status-{action.pk}")).to_contain_text("op te starten")
    assert [message.to for message in mail.outbox] == [["piet@example.org"]]
    assert "Het ondertekende contract ontbreekt." in mail.outbox[0].body
    log_out(page)

    # The team adds the contract and claims again.
    log_in(page, live_server, project_member)
    add_pdf(page, live_server, action, "Ondertekend contract", "contract.pdf", files.PDF + b"% contract\n")
    expect(page.locator("#bewijs-%s .evidence-item" % action.pk)).to_have_count(2)
    claim_realised(page, action)
    log_out(page)

    # Staff validate.
    log_in(page, live_server, evaluation_staff)
    page.goto(live_server.url + action.get_absolute_url())
    page.get_by_role("form", name="Validatie van actie 4").get_by_role("button", name="Valideren").click()
    expect(page.get_by_text("Status van actie 4 gevalideerd.")).to_be_visible()
    action.refresh_from_db()
    assert (action.status, action.validation_state) == ("realised", "validated")
    assert Evidence.objects.current().filter(action=action).count() == 2

    # The document shows it as validated ...
    page.goto(live_server.url + seed_response.get_absolute_url())
    expect(page.locator(f"#status-{action.pk} .badge--validated")).to_have_text("gevalideerd")
    # ... the follow-up page ...
    page.goto(live_server.url + f"/responses/{seed_response.slug}/follow-up/")
    expect(page.locator(f"#opvolging-actie-{action.pk} .badge--validated")).to_have_text("gevalideerd")
    # ... the round and its report ...
    page.goto(live_server.url + review_round.get_absolute_url())
    expect(page.locator(f"#ronde-actie-{action.pk} .badge--validated")).to_have_text("gevalideerd")
    expect(page.locator("#wacht-op-validatie")).to_contain_text("Niets wacht op validatie.")
    report = pdf_text(page, live_server.url + f"/rounds/{review_round.pk}/report.pdf", tmp_path)
    assert "1 gerealiseerd en gevalideerd" in report
    assert re.search(r"4 Toekomstig onderzoek en evaluatie gerealiseerd gevalideerd", report), report
    # ... and the dashboard.
    page.goto(live_server.url + "/")
    expect(page.locator(f"#dashboard-{seed_response.slug}")).to_contain_text("(waarvan 1 gevalideerd)")
    expect(page.locator("#grafiek-status")).to_contain_text("1 gerealiseerd en gevalideerd")
    assert console_errors == []
