"""The pages a reader meets on the way to a PDF, in Chromium (docs/pdf.md): "being prepared" with
the previous rendering offered, and "too complex to print" -- no WCAG violation, no CSP violation.

Set SHOTS_DIR to keep full-page screenshots of each page (for looking at them)."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from recommendations.models import Recommendation
from tests.browser.axe import violations
from tests.browser.test_publishing import shoot
from tests.browser.test_security import CSP_LISTENER
from tests.factories import ManagementResponseFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.pdf]


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_a_reader_waits_for_the_new_pdf_or_opens_the_previous_one(live_server, page, seed_response):
    page.add_init_script(CSP_LISTENER)
    url = live_server.url + seed_response.get_absolute_url() + "pdf/"
    page.goto(url)
    expect(page.get_by_role("heading", name="De PDF wordt voorbereid")).to_be_visible()
    expect(page.get_by_role("link", name="Vorige versie openen")).to_have_count(0)  # none rendered yet
    run_worker()

    recommendation = Recommendation.objects.filter(response=seed_response).first()
    recommendation.text += " Gewijzigd."
    recommendation.save()
    page.goto(url)
    expect(page.get_by_role("heading", name="De PDF wordt voorbereid")).to_be_visible()
    expect(page.get_by_text("Ze toont niet de laatste wijzigingen.")).to_be_visible()
    previous = page.get_by_role("link", name="Vorige versie openen")
    expect(previous).to_be_visible()
    shoot(page, "pdf-1-being-prepared-with-previous")
    assert violations(page) == []
    answer = page.request.get(live_server.url + previous.get_attribute("href"))
    assert answer.status == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert "-vorige-" in answer.headers["content-disposition"]
    assert page.evaluate("window.__csp") == []


def test_a_pdf_too_complex_to_print_says_so(live_server, page, settings):
    page.add_init_script(CSP_LISTENER)
    settings.PDF_RENDER_SECONDS = 3
    text = "Tekst " + " ".join(f"w[^{n}]" for n in range(1000)) + "\n\n"
    text += "\n".join(f"[^{n}]: Noot {n}." for n in range(1000))
    response = ManagementResponseFactory(status="published", slug="te-complex", introduction=text)
    url = live_server.url + response.get_absolute_url() + "pdf/"
    page.goto(url)
    run_worker()
    page.goto(url)
    expect(page.get_by_role("heading", name="De PDF kan niet gemaakt worden")).to_be_visible()
    expect(page.get_by_role("alert")).to_have_text(
        "Dit document is te complex om af te drukken: de opmaak duurde langer dan 3 s."
    )
    shoot(page, "pdf-2-too-complex")
    assert violations(page) == []
    assert page.evaluate("window.__csp") == []
