"""The project team at work in Chromium: status in place, a narrative with its preview, a new link."""

import pytest
from playwright.sync_api import expect

from actions.models import Action, ActionLink, ProgressUpdate
from recommendations.models import Recommendation
from tests.browser.test_editing_agreement import log_in, pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_project_team_change_a_status_in_place_and_see_it_on_the_document(
    live_server, page, console_errors, seed_response, project_member
):
    log_in(page, live_server, project_member)
    page.goto(live_server.url + seed_response.get_absolute_url())
    page.evaluate("window.notReloaded = true")
    action = Action.objects.get(response=seed_response, number="4")
    block = page.locator(f"#status-{action.pk}")
    expect(block).to_contain_text("Status: op te starten in 2025")

    block.get_by_role("link", name="Wijzig status van actie 4").click()
    status = block.get_by_label("Status", exact=True)
    expect(status).to_be_focused()
    status.select_option(label="in uitvoering")
    block.get_by_label("Tijdsaanduiding").fill("sinds januari 2025")
    block.get_by_label("Voortgang").fill("Eerste overleg met de evaluatiefunctie gepland.")
    block.get_by_role("button", name="Opslaan").click()

    expect(block).to_contain_text("Status: in uitvoering sinds januari 2025")
    expect(page.locator("#live-status")).not_to_be_empty()
    expect(block.get_by_role("link", name="Wijzig status van actie 4")).to_be_focused()
    assert page.evaluate("window.notReloaded") is True

    page.reload()
    expect(page.locator(f"#status-{action.pk}")).to_contain_text("Status: in uitvoering sinds januari 2025")
    update = ProgressUpdate.objects.get(action=action)
    assert (update.status, update.status_note, update.author) == ("in_progress", "sinds januari 2025", project_member)
    assert "in uitvoering sinds januari 2025" in pdf_text(page, live_server, seed_response)
    assert [e for e in console_errors if "status of 4" not in e] == []


def test_a_parent_status_change_updates_the_parts_that_inherit_it(live_server, page, seed_response, project_member):
    log_in(page, live_server, project_member)
    page.goto(live_server.url + seed_response.get_absolute_url())
    parent = Action.objects.get(response=seed_response, number="1")
    part = Action.objects.get(response=seed_response, number="1.1")
    assert part.is_inherited  # the seed's parts inherit

    block = page.locator(f"#status-{parent.pk}")
    block.get_by_role("link", name="Wijzig status van actie 1").click()
    block.get_by_label("Status", exact=True).select_option(label="gerealiseerd")
    block.get_by_label("Tijdsaanduiding").fill("")
    block.get_by_role("button", name="Opslaan").click()

    expect(block).to_contain_text("Status: gerealiseerd")
    expect(page.locator(f"#status-{part.pk}")).to_contain_text("gerealiseerd")


def test_a_user_edits_a_narrative_and_links_a_recommendation_from_the_action(
    live_server, page, seed_response, project_member
):
    action = Action.objects.get(response=seed_response, number="4")
    rec = Recommendation.objects.get(text__startswith="Zet bewuster in op het werken met brugfiguren")
    assert not ActionLink.objects.filter(action=action, recommendation=rec).exists()
    log_in(page, live_server, project_member)
    page.goto(live_server.url + action.get_absolute_url())

    # The narrative, with its live preview.
    page.get_by_role("link", name="Bewerken").first.click()
    narrative = page.get_by_label("Toelichting", exact=True)
    narrative.fill("We starten in **2025** met:\n\n- een verkenning\n- een plan")
    preview = page.locator("#id_narrative_preview")
    expect(preview.locator("strong")).to_have_text("2025")
    expect(preview.locator("li")).to_have_text(["een verkenning", "een plan"])
    page.get_by_role("button", name="Opslaan").first.click()
    expect(page.get_by_text("een verkenning").first).to_be_visible()

    # The link, from the action's side, with a qualifier.
    page.goto(live_server.url + action.get_absolute_url())
    page.get_by_role("link", name="Aanbeveling koppelen aan actie 4").click()
    page.get_by_label("Aanbeveling", exact=True).select_option(value=str(rec.pk))
    page.get_by_label("Verduidelijking").fill("(brugfiguren)")
    page.get_by_role("button", name="Koppelen", exact=True).click()
    panel = page.locator(f"#koppelingen-actie-{action.pk}")
    expect(panel).to_contain_text("BRUGFIGUREN")

    link = ActionLink.objects.get(action=action, recommendation=rec)
    assert link.qualifier == "(brugfiguren)"
    action.refresh_from_db()
    assert "- een verkenning" in action.narrative

    # The document's table cites the new link in the recommendation's row.
    page.goto(live_server.url + seed_response.get_absolute_url())
    row = page.locator(f"#aanbeveling-{rec.pk}")
    expect(row.locator("td.links")).to_contain_text("Actie 4 (brugfiguren)")
    expect(page.locator(f"#actie-{action.pk}")).to_contain_text("een verkenning")


def test_a_qualifier_changed_by_someone_else_meanwhile_is_not_overwritten(
    live_server, page, seed_response, project_member
):
    link = ActionLink.objects.select_related("action").get(action__response=seed_response, qualifier="kennisdeling 4")
    log_in(page, live_server, project_member)
    page.goto(live_server.url + link.action.get_absolute_url())
    page.locator(f"#wijzig-koppeling-{link.pk}").click()
    field = page.get_by_role("textbox", name="Verduidelijking")
    field.fill("kennisdeling 6")

    # Someone else saves the same link while the form is open.
    from core.editing import save_if_unchanged

    link.qualifier = "kennisdeling 5"
    save_if_unchanged(link, base_version=link.version, user=None, fields=["qualifier"])

    page.get_by_role("button", name="Opslaan").first.click()
    panel = page.locator(f"#koppelingen-actie-{link.action_id}")
    expect(panel.get_by_role("alert")).to_contain_text("heeft dit intussen gewijzigd")
    expect(panel.get_by_role("alert")).to_contain_text("kennisdeling 5")
    expect(page.get_by_role("textbox", name="Verduidelijking")).to_have_value("kennisdeling 6")
    link.refresh_from_db()
    assert link.qualifier == "kennisdeling 5"

    # Saving again is a deliberate overwrite, based on the version now shown.
    page.get_by_role("button", name="Opslaan").first.click()
    expect(panel).to_contain_text("Actie 5 – kennisdeling 6")
    link.refresh_from_db()
    assert (link.qualifier, link.version) == ("kennisdeling 6", 3)
