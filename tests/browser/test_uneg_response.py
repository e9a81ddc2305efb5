"""A UN-style response made from nothing in Chromium, followed up, and printed as a UNEG matrix."""

import re
import subprocess

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from actions.models import Action
from recommendations.models import Recommendation
from responses.models import ManagementResponse
from tests.browser.test_editing_agreement import log_in

pytestmark = pytest.mark.django_db(transaction=True)

RECOMMENDATIONS = [
    (
        "1",
        "Strengthen the results framework of the country programme.",
        "agree",
        "Management agrees and will revise the framework with national partners.",
    ),
    (
        "2",
        "Broaden the partnership base beyond traditional donors.",
        "partially_agree",
        "Management partially agrees: the office will widen partnerships where resources allow.",
    ),
    (
        "3",
        "Invest in the digital transformation of public services.",
        "agree",
        "Management agrees and has started a digital readiness review.",
    ),
    (
        "4",
        "Mainstream gender equality across all portfolios.",
        "agree",
        "Management agrees; a gender strategy will guide every portfolio.",
    ),
]
# (number, title, time frame, units) -- three or two per recommendation, ten in all.
ACTIONS = [
    (
        "1.1",
        "Revise the indicators",
        "January–April 2025",
        ["Programme Management Support Unit", "Inclusive Governance"],
    ),
    ("1.2", "Train staff in results-based management", "Q3 2025", ["Human Resources", "Programme Unit"]),
    ("1.3", "Publish an annual results report", "by end of 2026", ["Communications", "Management"]),
    ("2.1", "Map potential partners", "Q2 2025", ["Partnerships Unit", "Resident Representative Office"]),
    ("2.2", "Agree two new partnerships", "in 2026", ["Partnerships Unit", "Legal Office"]),
    ("3.1", "Assess digital readiness", "March–June 2025", ["Digital Unit", "Governance Unit"]),
    ("3.2", "Pilot e-services in two ministries", "2025–2026", ["Digital Unit", "Programme Unit"]),
    ("3.3", "Train civil servants in data use", "Q4 2025", ["Human Resources", "Digital Unit"]),
    ("4.1", "Adopt a gender strategy", "by June 2025", ["Gender Focal Team", "Management"]),
    ("4.2", "Apply the gender marker to all projects", "from July 2025", ["Programme Unit", "Gender Focal Team"]),
]


def pdftotext(page, live_server, response):
    url = live_server.url + response.get_absolute_url() + "pdf/"
    pdf = page.request.get(url)
    if pdf.status == 202:  # being prepared: the task worker renders it (issue 10)
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        pdf = page.request.get(url)
    assert pdf.headers["content-type"] == "application/pdf"
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf.body(), capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_evaluation_staff_and_project_team_make_a_uneg_matrix_response_from_nothing(
    live_server, page, console_errors, evaluation_staff, project_member
):
    # Evaluation staff start a blank English matrix response from the list page.
    log_in(page, live_server, evaluation_staff)
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Nieuwe managementresponse").click()
    page.fill("#id_new-title", "Management response to the Independent Country Programme Evaluation")
    page.fill("#id_new-slug", "icpe-2025")
    page.fill("#id_new-organisation", "UNDP Country Office")
    page.fill("#id_new-evaluation_title", "Independent Country Programme Evaluation")
    page.fill("#id_new-evaluation_delivered_on", "2025-02-01")
    page.select_option("#id_new-evaluation_delivered_precision", "month")
    page.select_option("#id_new-language", "en")
    page.select_option("#id_new-layout", "matrix")
    page.get_by_role("button", name="Aanmaken", exact=True).click()
    expect(page).to_have_url(re.compile(r"/responses/icpe-2025/$"))
    expect(page.locator(".document__meta").nth(1)).to_contain_text("February 2025")
    response = ManagementResponse.objects.get(slug="icpe-2025")

    # Four numbered recommendations without groups, added in place on the structure editor.
    page.get_by_role("link", name="Aanbevelingen bewerken").click()
    for number, text, _agreement, _response_text in RECOMMENDATIONS:
        page.get_by_role("link", name="Aanbeveling toevoegen zonder groep").click()
        form = page.locator("#aanbeveling-toevoegen-los form")
        form.get_by_label("Nummer").fill(number)
        form.get_by_label("Aanbeveling", exact=True).fill(text)
        form.get_by_role("button", name="Toevoegen").click()
        # The htmx re-render of the structure: up to 15 s, as in the board test (5 s was too short in
        # the full parallel run).
        expect(page.locator(".rec-group--loose .rec-item__location", has_text=number)).to_have_count(1, timeout=15_000)
    # Each gets its agreement and its management response text.
    for number, _text, agreement, response_text in RECOMMENDATIONS:
        rec = Recommendation.objects.get(response=response, number=number)
        page.goto(live_server.url + f"/recommendations/{rec.pk}/agreement/")
        page.get_by_label("Mate van akkoord").select_option(agreement)
        page.get_by_label("Managementrespons").fill(response_text)
        if agreement != "agree":
            page.get_by_label("Motivering", exact=True).fill("Resources are limited.")
        page.get_by_role("button", name="Opslaan").click()
        expect(page.locator(f"#aanbeveling-{rec.pk}")).to_contain_text(response_text)
    page.get_by_role("button", name="Afmelden").click()

    # The project team writes the ten key actions with time frames and several units, and links them.
    log_in(page, live_server, project_member)
    for number, title, time_frame, units in ACTIONS:
        page.goto(live_server.url + f"/actions/response/{response.slug}/add/")
        page.get_by_label("Actienummer").fill(number)
        page.get_by_label("Titel").fill(title)
        page.get_by_label("Tijdspad").fill(time_frame)
        page.get_by_label("Verantwoordelijke diensten").fill("\n".join(units))
        page.get_by_role("button", name="Toevoegen (Actie toevoegen)").click()
        expect(page.locator(".messages")).to_contain_text(number)
        action = Action.objects.get(response=response, number=number)
        page.goto(live_server.url + action.get_absolute_url())
        page.get_by_role("link", name=f"Aanbeveling koppelen aan actie {number}").click()
        picker = page.get_by_label("Aanbeveling", exact=True)
        # The picker names recommendations in the document's words: "Recommendation 1 · Strengthen ..."
        option = picker.locator("option", has_text=f"Recommendation {number[0]} · ")
        picker.select_option(option.get_attribute("value"))
        page.get_by_role("button", name="Koppelen").click()
        # Saved: the confirmation, not just the picker's option text, before the next page.
        expect(page.get_by_text(f"Actie {number} en aanbeveling", exact=False).first).to_be_visible()

    # Follow-up: statuses and a tracking comment.
    first = Action.objects.get(response=response, number="1.1")
    page.goto(live_server.url + first.get_absolute_url())
    page.get_by_role("link", name="Wijzig status van actie 1.1").click()
    page.get_by_label("Status", exact=True).select_option(label="in uitvoering")
    page.get_by_role("textbox", name="Voortgang").fill("Draft indicators shared with the national statistics office.")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#voortgang-" + str(first.pk))).to_contain_text("Draft indicators shared")
    done = Action.objects.get(response=response, number="4.1")
    page.goto(live_server.url + done.get_absolute_url())
    page.get_by_role("link", name="Wijzig status van actie 4.1").click()
    page.get_by_label("Status", exact=True).select_option(label="gerealiseerd")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator(f"#status-{done.pk}")).to_contain_text("gerealiseerd")

    # The document page shows the matrix; the PDF reads in the matrix's order.
    page.goto(live_server.url + response.get_absolute_url())
    expect(page.locator(".matrix-rec")).to_have_count(4)
    expect(page.locator(".matrix-rec").first).to_contain_text("Management response: Accepted")
    text = pdftotext(page, live_server, response)
    at = 0
    for number, rec_text, agreement, response_text in RECOMMENDATIONS:
        label = {"agree": "Accepted", "partially_agree": "Partially accepted"}[agreement]
        expected = [f"RECOMMENDATION {number}.", rec_text, f"Management response: {label}", response_text]
        for a_number, title, time_frame, units in ACTIONS:
            if a_number.startswith(number + "."):
                expected += [f"{a_number} {title}", time_frame, " ".join(units)]  # one unit per line
                if a_number == "1.1":
                    expected += ["Draft indicators shared with the national statistics office.", "Initiated"]
                if a_number == "4.1":
                    expected += ["Completed"]
        for phrase in expected:
            found = text.find(phrase, at)
            assert found >= 0, (phrase, text[at : at + 400])
            at = found + len(phrase)
    assert "Implementation is tracked in the database of UNDP Country Office" in text
    assert console_errors == []


def test_the_new_response_pages_and_the_matrix_have_no_wcag_violations(live_server, page, evaluation_staff):
    from interchange.importer import import_file
    from tests.browser.axe import violations_by_url
    from tests.test_responses_uneg import MATRIX

    response = import_file(MATRIX)
    log_in(page, live_server, evaluation_staff)
    urls = ["/responses/new/", response.get_absolute_url(), f"/recommendations/response/{response.slug}/"]
    assert violations_by_url(page, live_server, urls) == {}
    page.set_viewport_size({"width": 390, "height": 800})
    assert violations_by_url(page, live_server, [response.get_absolute_url()]) == {}
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
