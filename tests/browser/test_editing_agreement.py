"""Evaluation staff edit agreement levels in the document table, and a recommendation's text on its own
page, in Chromium, as they would at work."""

import subprocess

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db(transaction=True)

ROW_TEXT = "Zet bewuster in op het werken met brugfiguren"


def log_in(page, live_server, user):
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(user.username)
    page.get_by_label("Wachtwoord").fill("pw-" + user.username)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page.get_by_role("button", name="Afmelden")).to_be_visible()


def pdf_text(page, live_server, response):
    """The PDF's text, as a visitor gets it: "being prepared" (202) until the task worker has run."""
    url = live_server.url + response.get_absolute_url() + "pdf/"
    pdf = page.request.get(url)
    if pdf.status == 202:
        assert "De PDF wordt voorbereid" in pdf.text()
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
        pdf = page.request.get(url)
    assert pdf.headers["content-type"] == "application/pdf"
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf.body(), capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def test_evaluation_staff_change_an_agreement_level_in_place_and_find_it_in_the_pdf(
    live_server, page, console_errors, seed_response, evaluation_staff
):
    log_in(page, live_server, evaluation_staff)
    page.goto(live_server.url + seed_response.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    row = page.locator("tr.recommendation-row", has_text=ROW_TEXT)
    expect(row.locator("td.agreement")).to_contain_text("Akkoord")

    row.get_by_role("link", name="Wijzig mate van akkoord").click()

    # The form opens inside the row, with the keyboard on its first field.
    select = row.get_by_label("Mate van akkoord")
    expect(select).to_be_focused()
    select.select_option(label="niet akkoord")
    row.get_by_role("button", name="Opslaan").click()

    # Without a justification the row refuses, and says so next to the field.
    justification = row.get_by_label("Motivering", exact=True)
    expect(row.get_by_text("Geef een motivering")).to_be_visible()
    expect(justification).to_be_focused()
    expect(justification).to_have_attribute("aria-invalid", "true")

    justification.fill("Brugfiguren vallen buiten de **scope** van deze oproep.")
    row.get_by_role("button", name="Opslaan").click()

    # The row shows the new level and its justification, without a page load.
    expect(row.locator("td.agreement")).to_contain_text("Niet akkoord")
    expect(row.locator("td.agreement strong")).to_have_text("scope")
    expect(page.locator("#live-status")).to_contain_text("Mate van akkoord opgeslagen: niet akkoord.")
    expect(row.get_by_role("link", name="Wijzig mate van akkoord")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True

    page.reload()
    row = page.locator("tr.recommendation-row", has_text=ROW_TEXT)
    expect(row.locator("td.agreement")).to_contain_text("Niet akkoord")
    expect(row.locator("td.agreement")).to_contain_text("Brugfiguren vallen buiten de scope van deze oproep.")

    text = pdf_text(page, live_server, seed_response)
    assert "Niet akkoord" in text
    assert "Brugfiguren vallen buiten de scope" in text
    # Nothing was blocked by the Content Security Policy, no script failed. (Chromium logs the
    # refused save's 422 as a failed resource; that one was intended.)
    assert [e for e in console_errors if "status of 422" not in e] == []


def test_cancel_puts_the_row_back_as_it_was(live_server, page, seed_response, evaluation_staff):
    log_in(page, live_server, evaluation_staff)
    page.goto(live_server.url + seed_response.get_absolute_url())
    row = page.locator("tr.recommendation-row", has_text=ROW_TEXT)
    row.get_by_role("link", name="Wijzig mate van akkoord").click()
    row.get_by_label("Mate van akkoord").select_option(label="niet akkoord")

    row.get_by_role("link", name="Annuleren").click()

    expect(row.locator("td.agreement")).to_contain_text("Akkoord")
    expect(row.get_by_label("Mate van akkoord")).to_have_count(0)
    expect(row.get_by_role("link", name="Wijzig mate van akkoord")).to_be_focused()
    assert Recommendation.objects.get(text__startswith=ROW_TEXT).agreement == "agree"


def test_without_javascript_the_agreement_is_edited_on_its_own_page(
    live_server, browser, seed_response, evaluation_staff
):
    context = browser.new_context(java_script_enabled=False, locale="nl-BE")
    page = context.new_page()
    log_in(page, live_server, evaluation_staff)
    page.goto(live_server.url + seed_response.get_absolute_url())
    row = page.locator("tr.recommendation-row", has_text=ROW_TEXT)

    row.get_by_role("link", name="Wijzig mate van akkoord").click()
    expect(page.get_by_role("heading", name="Mate van akkoord wijzigen")).to_be_visible()
    page.get_by_label("Mate van akkoord").select_option(label="gedeeltelijk akkoord")
    page.get_by_label("Motivering", exact=True).fill("Enkel voor nieuwe projecten.")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_text("Mate van akkoord opgeslagen: gedeeltelijk akkoord.")).to_be_visible()
    row = page.locator("tr.recommendation-row", has_text=ROW_TEXT)
    expect(row.locator("td.agreement")).to_contain_text("Gedeeltelijk akkoord")
    context.close()


def test_two_people_editing_the_same_recommendation_cannot_overwrite_each_other(
    live_server, browser, seed_response, evaluation_staff, django_user_model, roles
):
    from tests.fixtures import grant

    colleague = django_user_model.objects.create_user("els", password="pw-els", first_name="Els", last_name="Peeters")
    grant(colleague, seed_response, "evaluation_staff")
    sessions = []
    for user in (evaluation_staff, colleague):
        context = browser.new_context(locale="nl-BE")
        page = context.new_page()
        log_in(page, live_server, user)
        page.goto(live_server.url + seed_response.get_absolute_url())
        row = page.locator("tr.recommendation-row", has_text=ROW_TEXT)
        row.get_by_role("link", name="Wijzig mate van akkoord").click()
        expect(row.get_by_label("Mate van akkoord")).to_be_visible()
        sessions.append((context, page, row))
    (_, _eva_page, eva_row), (_, _els_page, els_row) = sessions

    # Els saves first ...
    els_row.get_by_label("Mate van akkoord").select_option(label="gedeeltelijk akkoord")
    els_row.get_by_label("Motivering", exact=True).fill("Els: enkel op projectniveau.")
    els_row.get_by_role("button", name="Opslaan").click()
    expect(els_row.locator("td.agreement")).to_contain_text("Gedeeltelijk akkoord")

    # ... then Eva, from the form she opened before Els saved: refused, with the explanation.
    eva_row.get_by_label("Mate van akkoord").select_option(label="niet akkoord")
    eva_row.get_by_label("Motivering", exact=True).fill("Eva: helemaal niet.")
    eva_row.get_by_role("button", name="Opslaan").click()

    alert = eva_row.get_by_role("alert")
    expect(alert).to_contain_text("Els Peeters heeft dit intussen gewijzigd")
    expect(alert).to_contain_text("gedeeltelijk akkoord")
    expect(alert).to_contain_text("Els: enkel op projectniveau.")
    # Eva's own input is still there, to redo the edit with.
    expect(eva_row.get_by_label("Motivering", exact=True)).to_have_value("Eva: helemaal niet.")

    rec = Recommendation.objects.get(text__startswith=ROW_TEXT)
    assert (rec.agreement, rec.justification, rec.updated_by) == (
        "partially_agree",
        "Els: enkel op projectniveau.",
        colleague,
    )

    # Having seen Els's version, Eva saves again on purpose: now it is accepted.
    eva_row.get_by_role("button", name="Opslaan").click()
    expect(eva_row.locator("td.agreement")).to_contain_text("Niet akkoord")
    rec.refresh_from_db()
    assert (rec.agreement, rec.updated_by) == ("disagree", evaluation_staff)
    for context, _page, _row in sessions:
        context.close()


def test_a_recommendations_text_on_its_own_edit_page_shows_a_live_preview_and_saves_with_a_plain_post(
    live_server, page, console_errors, seed_response, evaluation_staff
):
    """The standalone edit page (no htmx form): typing still previews the Markdown as the document shows it."""
    rec = Recommendation.objects.for_response(seed_response).first()
    log_in(page, live_server, evaluation_staff)
    page.goto(live_server.url + f"/recommendations/{rec.pk}/edit/")
    text = page.get_by_label("Aanbeveling", exact=True)
    text.fill("Zorg voor **een visie** met:\n\n- gedeelde taal\n- experimenten")
    preview = page.locator(f"#{text.get_attribute('id')}_preview")
    expect(preview.locator("strong")).to_have_text("een visie")
    expect(preview.locator("li")).to_have_text(["gedeelde taal", "experimenten"])
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state()
    rec.refresh_from_db()
    assert rec.text == "Zorg voor **een visie** met:\n\n- gedeelde taal\n- experimenten"
    assert not console_errors
