"""The publishing pages in Chromium: the checklist, the publish form, the versions, a comparison,
the fingerprint check and the response as of a date -- no WCAG violation, no CSP violation.

Set SHOTS_DIR to keep full-page screenshots of each page (for looking at them)."""

import datetime
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from actions.models import Action
from publishing.publish import publish
from recommendations.models import Recommendation
from tests.browser.axe import violations
from tests.browser.test_editing_agreement import log_in
from tests.browser.test_security import CSP_LISTENER
from tests.fixtures import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def shoot(page, name):
    if folder := os.environ.get("SHOTS_DIR"):
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_publishing_pages_are_accessible_and_keep_the_csp(live_server, page, seed_response, django_user_model):
    admin = make_user(django_user_model, "ada", is_superuser=True, is_staff=True, first_name="Ada")
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.add_init_script(CSP_LISTENER)
    log_in(page, live_server, admin)
    slug = seed_response.slug
    # An error to publish over: the seed's partial agreement without reasons, once the data no
    # longer says that the original document gives none.
    partial = Recommendation.objects.get(response=seed_response, agreement="partially_agree")
    partial.justification_not_in_source = False
    partial.save()

    # The checklist on the response page, then publishing over its error, as the administrator.
    page.goto(live_server.url + f"/responses/{slug}/")
    expect(page.get_by_role("heading", name="Controle voor publicatie")).to_be_visible()
    shoot(page, "1-checklist")
    page.goto(live_server.url + f"/responses/{slug}/publish/")
    page.get_by_label("Wijzigingsnota").fill("Eerste publicatie in de toepassing")
    page.get_by_role("button", name="Publiceren").click()
    expect(page.get_by_role("alert")).to_contain_text("Niet gepubliceerd")
    shoot(page, "2-publish-refused")
    assert violations(page) == []
    page.get_by_label("Reden om ondanks de fouten te publiceren").fill("De motivering volgt in versie 2.")
    page.get_by_role("button", name="Publiceren").click()
    # The answer comes at once: the publication's page, while the task worker makes the version.
    expect(page.get_by_role("heading", name="De versie wordt gepubliceerd")).to_be_visible()
    shoot(page, "2b-publishing")
    assert violations(page) == []
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    # The page asks by itself whether the version is there (app.js) and then goes to the document.
    expect(page.get_by_role("heading", name="Gepubliceerde versies")).to_be_visible(timeout=20_000)
    expect(page.get_by_text("Versie 1 gepubliceerd.")).to_be_visible()

    # A second version after an edit, then the versions list and a comparison.
    rec = Recommendation.objects.get(response=seed_response, agreement="partially_agree")
    rec.justification = "De **administratieve** vereenvoudiging valt buiten het programma."
    rec.save()
    action = Action.objects.get(response=seed_response, number="4", parent=None)
    action.status = "in_progress"
    action.save()
    publish(response=seed_response, user=admin, note="Motivering toegevoegd; actie 4 gestart")
    action.title = action.title + " (bijgewerkt)"
    action.save()
    page.goto(live_server.url + f"/responses/{slug}/")
    shoot(page, "3-versions")
    assert violations(page) == []
    page.goto(live_server.url + f"/responses/{slug}/compare/?old=1&new=2")
    expect(page.locator(".comparison__item")).to_have_count(2)
    shoot(page, "4-comparison")
    assert violations(page) == []
    page.goto(live_server.url + f"/responses/{slug}/compare/?old=2&new=live")
    assert violations(page) == []

    page.goto(live_server.url + "/verify/")
    pdf = page.request.get(live_server.url + f"/responses/{slug}/versions/1/pdf/").body()
    page.get_by_label("PDF-bestand").set_input_files(
        files=[{"name": "v1.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    page.get_by_role("button", name="Controleren").click()
    expect(page.get_by_role("status").first).to_contain_text("versie 1")
    shoot(page, "5-verify")
    assert violations(page) == []

    day = (timezone.localdate() - datetime.timedelta(days=0)).isoformat()
    page.goto(live_server.url + f"/responses/{slug}/as-of/?date={day}")
    expect(page.get_by_role("note")).to_contain_text("Een vroegere toestand")
    shoot(page, "6-as-of")
    assert violations(page) == []
    assert page.evaluate("window.__csp") == []
    assert [e for e in errors if "status of 422" not in e] == []  # the refused publication answers 422
