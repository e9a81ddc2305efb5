"""A UN Executive Board-style response built from nothing in Chromium (issue 20): a cover block,
an overview chapter with numbered paragraphs, two recommendations with parts (a)-(c), actions
linked to parts with lead and supporting units and supporting documents, the words "Agree" and
"Under way", a closing "Draft decision" chapter; its PDF reads in that order."""

import re

import pytest
from playwright.sync_api import expect

from actions.models import Action, ActionLink
from recommendations.models import Recommendation
from responses.models import ManagementResponse
from tests.browser.test_editing_agreement import log_in
from tests.browser.test_uneg_response import pdftotext

pytestmark = pytest.mark.django_db(transaction=True)

RECOMMENDATIONS = [
    (
        "1",
        "Strengthen the programming guidance.",
        ["(a) Clarify the roles;", "(b) Update the templates;", "(c) Train the staff."],
    ),
    ("2", "Invest in data systems.", ["(a) Map the systems;", "(b) Close the gaps;", "(c) Report every year."]),
]
# number, title, units (the first leads), supporting documents, recommendation, parts answered
ACTIONS = [
    (
        "1",
        "Revise the programming guidance",
        ["Division of Data, Analytics, Planning and Monitoring (DAPM)", "Programme Group"],
        "[Guidance note 2025](https://example.org/guidance)",
        "1",
        "(a), (b)",
    ),
    (
        "2",
        "Launch a data systems review",
        ["Information and Communication Technology Division", "DAPM"],
        "Review plan",
        "2",
        "(c)",
    ),
]


def test_evaluation_staff_build_an_executive_board_response_from_nothing(
    live_server, page, console_errors, evaluation_staff, project_member
):
    log_in(page, live_server, evaluation_staff)
    page.goto(live_server.url + "/responses/new/")
    page.fill("#id_new-title", "Management response to the evaluation of programming")
    page.fill("#id_new-slug", "board-2099")
    page.fill("#id_new-organisation", "UNICEF")
    page.fill("#id_new-evaluation_title", "Evaluation of programming")
    page.select_option("#id_new-language", "en")
    page.select_option("#id_new-layout", "matrix")
    page.get_by_role("button", name="Aanmaken", exact=True).click()
    expect(page).to_have_url(re.compile(r"/responses/board-2099/$"))
    response = ManagementResponse.objects.get(slug="board-2099")

    # The cover block, the board's words and the document's own columns.
    page.goto(live_server.url + "/responses/board-2099/edit/")
    page.get_by_label("Titelblok", exact=True).fill(
        "E/ICEF/2099/7\nDistr.: | General\n2 May 2099\nOriginal: | English\nFor decision"
    )
    page.get_by_label("Woordenschat").select_option("executive_board")
    page.get_by_label("Kolommen").fill(
        "action | Action\nunits | Responsible division(s)\ntime_frame | Expected completion date\n"
        "status | Implementation stage\ndocuments | Supporting documents"
    )
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("Gegevens opgeslagen.").first).to_be_visible()
    page.goto(live_server.url + response.get_absolute_url())
    expect(page.locator(".cover-block")).to_contain_text("E/ICEF/2099/7")

    # Chapters: an overview of numbered paragraphs before the recommendations, a draft decision after.
    page.goto(live_server.url + "/responses/board-2099/chapters/")
    page.get_by_label("Titel").fill("I. Overview")
    page.get_by_label("Tekst").fill("1. The evaluation covered 2020-2024.\n\n2. It made two recommendations.")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator(".chapter-list")).to_contain_text("I. Overview")
    page.get_by_label("Plaats").select_option("after")
    page.get_by_label("Titel").fill("Draft decision")
    page.get_by_label("Tekst").fill("The Executive Board takes note of the management response.")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.locator(".chapter-list")).to_contain_text("Draft decision")

    # Two recommendations, each made of parts (a)-(c), agreed.
    page.goto(live_server.url + "/recommendations/response/board-2099/")
    for number, text, parts in RECOMMENDATIONS:
        page.get_by_role("link", name="Aanbeveling toevoegen zonder groep").click()
        form = page.locator("#aanbeveling-toevoegen-los form")
        form.get_by_label("Nummer").fill(number)
        form.get_by_label("Aanbeveling", exact=True).fill(text)
        form.get_by_label("Deelaanbevelingen").fill("\n".join(parts))
        form.get_by_role("button", name="Toevoegen").click()
        # The htmx answer re-renders the whole structure: seconds when the machine is busy.
        expect(page.locator(".rec-group--loose .rec-item__location", has_text=number)).to_have_count(1, timeout=15_000)
    for number, _text, _parts in RECOMMENDATIONS:
        rec = Recommendation.objects.get(response=response, number=number)
        page.goto(live_server.url + f"/recommendations/{rec.pk}/agreement/")
        page.get_by_label("Mate van akkoord").select_option("agree")
        page.get_by_role("button", name="Opslaan").click()
        expect(page.locator(f"#aanbeveling-{rec.pk}")).to_contain_text("Agree")
    page.get_by_role("button", name="Afmelden").click()

    # The project team: actions with a lead unit, supporting documents, linked to parts, under way.
    log_in(page, live_server, project_member)
    for number, title, units, documents, rec_number, parts in ACTIONS:
        page.goto(live_server.url + f"/actions/response/{response.slug}/add/")
        page.get_by_label("Actienummer").fill(number)
        page.get_by_label("Titel").fill(title)
        page.get_by_label("Tijdspad").fill("December 2099")
        page.get_by_label("Verantwoordelijke diensten").fill("\n".join(units))
        page.get_by_label("Eerste dienst leidt").check()
        page.get_by_label("Ondersteunende documenten").fill(documents)
        page.get_by_role("button", name="Toevoegen (Actie toevoegen)").click()
        expect(page.locator(".messages")).to_contain_text(number)
        action = Action.objects.get(response=response, number=number)
        page.goto(live_server.url + action.get_absolute_url())
        page.get_by_role("link", name=f"Aanbeveling koppelen aan actie {number}").click()
        picker = page.get_by_label("Aanbeveling", exact=True)
        option = picker.locator("option", has_text=f"Recommendation {rec_number} · ")  # in the document's words
        picker.select_option(option.get_attribute("value"))
        page.get_by_role("button", name="Koppelen").click()
        expect(page.get_by_text(f"Actie {number} en aanbeveling", exact=False).first).to_be_visible()
        link = ActionLink.objects.get(action=action)
        page.goto(live_server.url + f"/actions/links/{link.pk}/edit/")
        page.get_by_label("Deelaanbevelingen").fill(parts)
        page.get_by_role("button", name="Opslaan").click()
        page.goto(live_server.url + action.get_absolute_url())
        page.get_by_role("link", name=f"Wijzig status van actie {number}").click()
        page.get_by_label("Status", exact=True).select_option(label="in uitvoering")
        page.get_by_role("button", name="Opslaan").click()
        expect(page.locator(f"#status-{action.pk}")).to_contain_text("in uitvoering")
    assert ActionLink.objects.get(action__number="1", action__response=response).parts == ["(a)", "(b)"]

    # The page: the lead unit in bold, one per line; the words of the board.
    page.goto(live_server.url + response.get_absolute_url())
    expect(page.locator(".matrix-rec").first).to_contain_text("Management response: Agree")
    expect(
        page.locator(".key-actions strong", has_text="Division of Data, Analytics, Planning and Monitoring (DAPM)")
    ).to_have_count(1)

    text = pdftotext(page, live_server, response)
    expected = [
        "E/ICEF/2099/7",
        "Distr.: General",
        "Original: English",
        "For decision",
        "I. Overview",
        "1. The evaluation covered 2020-2024.",
        "2. It made two recommendations.",
        "RECOMMENDATION 1.",
        "Strengthen the programming guidance.",
        "(a) Clarify the roles;",
        "(c) Train the staff.",
        "Management response: Agree",
        "Action",
        "Responsible division(s)",
        "Supporting documents",
        "1 (a), (b) Revise the programming guidance",
        "Division of Data, Analytics, Planning and Monitoring (DAPM)",
        "Programme Group",
        "Under way",
        "Guidance note 2025",
        "RECOMMENDATION 2.",
        "(b) Close the gaps;",
        "Management response: Agree",
        "2 (c) Launch a data systems review",
        "Under way",
        "Review plan",
        "Draft decision",
        "The Executive Board takes note of the management response.",
    ]
    at = 0
    for phrase in expected:
        found = text.find(phrase, at)
        assert found >= 0, (phrase, text[at : at + 400])
        at = found + len(phrase)
    assert console_errors == []
