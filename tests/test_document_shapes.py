"""Every office's document as it is (issue 20): chapters, cover block, sub-recommendations, the
document's own words, its own columns, units with a lead, supporting documents, group headings,
unnumbered actions, lists that keep their start, month dates, and interchange version 3."""

import datetime
import html
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from actions.models import Action
from core import richtext
from document import pdf
from interchange.exporter import export_response
from interchange.importer import import_file, import_response
from interchange.parse import InterchangeError, parse
from recommendations.models import Recommendation, RecommendationPart
from responses.models import Chapter, ManagementResponse
from tests.factories import ActionFactory, ActionLinkFactory, ManagementResponseFactory, RecommendationFactory
from tests.fixtures import SEED
from tests.test_responses_pdf import contains_run, fidelity, pdf_text

DATA = Path(__file__).parent / "data"
BOARD = DATA / "board-response.yaml"
TEST_FILES = [*sorted(DATA.glob("*.yaml")), SEED]


@pytest.fixture
def board(db):
    return import_file(BOARD)


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser(username="beheer", password="pw"))
    return client


def page_of(client, response):
    return client.get(response.get_absolute_url()).content.decode()


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: p.name)
def test_every_test_file_exports_imports_and_exports_byte_identical(db, tmp_path, path):
    response = import_file(path)
    first = export_response(response)
    import_response(parsed=parse(first.encode(), "first.yaml"), replace=True)
    second = export_response(ManagementResponse.objects.get(slug=response.slug))
    assert first == second


def test_a_version_3_file_is_its_own_export(board):
    assert export_response(board) == BOARD.read_text(encoding="utf-8")


def test_the_board_file_holds_every_new_part_of_the_model(board):
    assert board.cover[0] == {"label": "", "value": "E/ICEF/2099/1"}
    assert board.vocabulary_preset == "executive_board"
    assert [c["key"] for c in board.columns] == ["action", "units", "time_frame", "status", "documents"]
    assert board.published_in_month
    assert board.published_on.isoformat() == "2025-02-01"
    assert list(Chapter.objects.filter(response=board).values_list("placement", "heading")) == [
        ("before", "I. Overview"),
        ("after", "Draft decision"),
    ]
    rec = Recommendation.objects.get(response=board, number="1")
    assert [p.label for p in RecommendationPart.objects.filter(recommendation=rec, parent=None)] == ["(a)", "(b)"]
    assert list(RecommendationPart.objects.filter(parent__label="(b)").values_list("label", flat=True)) == [
        "(i)",
        "(ii)",
    ]
    assert rec.action_links.get().parts == ["(a)", "(b)"]
    first, second = Action.objects.filter(response=board).order_by("order")
    assert first.lead_unit
    assert first.unit_list[0] == (
        "Division of Data, Analytics, Planning and Monitoring (DAPM)",
        True,
    )
    assert "Guidance note" in first.supporting_documents
    assert not second.numbered
    assert second.status == Action.Status.CANCELLED


def test_agreement_and_status_labels_follow_the_responses_vocabulary(board):
    rec = Recommendation.objects.select_related("response").get(response=board, number="1")
    action = Action.objects.select_related("response").get(response=board, number="1")
    cancelled = Action.objects.select_related("response").get(response=board, number="2")
    assert rec.agreement_document_label == "Agree"
    assert action.status_document_label == "Under way"
    assert cancelled.status_document_label == "Cancelled"
    board.vocabulary_words = {"in_progress": "Ongoing"}
    board.save()
    action = Action.objects.select_related("response").get(pk=action.pk)
    assert action.status_document_label == "Ongoing"


def test_without_a_vocabulary_the_layouts_own_words_in_the_documents_language(db):
    response = ManagementResponseFactory(layout="matrix", language="en")
    rec = RecommendationFactory(response=response, theme=None, agreement="agree")
    action = ActionFactory(response=response, status="in_progress")
    with translation.override("en"):
        assert rec.agreement_document_label == "Accepted"
        assert action.status_document_label == "Initiated"


def test_a_cancelled_action_is_closed_and_never_overdue(db):
    response = ManagementResponseFactory()
    action = ActionFactory(response=response, status="cancelled", time_frame="Q1 2020")
    assert action.is_closed
    assert not action.is_overdue()
    assert not Action.objects.overdue().filter(pk=action.pk).exists()


def test_the_matrix_page_shows_cover_chapters_parts_columns_groups_in_document_order(admin_client, board):
    page = page_of(admin_client, board)
    order = [
        "E/ICEF/2099/1",
        "Distr.:",
        "I. Overview",
        "It made two recommendations.",
        "RECOMMENDATION 1.",
        "Clarify the roles.",
        "for regional offices.",
        "Management response: <strong>Agree</strong>",
        ">Responsible section(s)</th>",
        ">Supporting documents</th>",
        "<strong>Division of Data, Analytics, Planning and Monitoring (DAPM)</strong><br>Programme Group",
        "Under way",
        "RECOMMENDATION 2.",
        "Cancelled",
        "Area 1. Programming",
        "RECOMMENDATION 3.",
        "Draft decision",
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    assert '<a href="https://example.org/guidance"' in page
    assert "1 (a), (b) Revise the guidance" in page
    assert "2 Train the country offices" not in page
    assert "Train the country offices" in page
    # The columns in the response's order: units before the date.
    assert page.index(">Responsible section(s)</th>") < page.index(">Expected completion date</th>")
    assert ">Tracking*: Comments</th>" not in page


def test_the_table_layout_prints_recommendations_without_a_group(admin_client, db):
    response = ManagementResponseFactory(layout="table")
    rec = RecommendationFactory(
        response=response, theme=None, text="A recommendation without a group.", location="p. 3"
    )
    ActionLinkFactory(recommendation=rec, action=ActionFactory(response=response, number="1"))
    Chapter.objects.create(response=response, placement="after", heading="Annex", body="Closing words.")
    page = page_of(admin_client, response)
    assert "A recommendation without a group." in page
    assert page.index("A recommendation without a group.") < page.index("Annex")


@pytest.mark.pdf
def test_the_table_layout_pdf_prints_recommendations_without_a_group(db, tmp_path):
    response = ManagementResponseFactory(layout="table")
    RecommendationFactory(response=response, theme=None, text="A recommendation without a group.", location="p. 3")
    text = pdf_text(pdf.render_pdf(response), tmp_path)
    assert contains_run(text, "A recommendation without a group.")


@pytest.mark.pdf
def test_the_board_pdf_reads_in_the_documents_order(board, tmp_path):
    text = pdf_text(pdf.render_pdf(board), tmp_path)
    order = [
        "E/ICEF/2099/1",
        "For decision",
        "I. Overview",
        "1. The evaluation was conducted in 2024.",
        "RECOMMENDATION 1.",
        "(a) Clarify the roles.",
        "(ii) for regional offices.",
        "Management response: Agree",
        "Under way",
        "Guidance note",
        "Cancelled",
        "Area 1. Programming",
        "RECOMMENDATION 3.",
        "Draft decision",
        "The Executive Board takes note",
    ]
    flat = " ".join(text.split())
    positions = [flat.index(phrase) for phrase in order]
    assert positions == sorted(positions)
    assert "1 February 2025" not in flat  # a month-only date prints as a month
    assert "February 2025" in flat


def test_an_ordered_list_keeps_its_start_and_lettered_lists_render(db):
    assert '<ol start="5">' in str(richtext.render("5. five\n6. six"))
    assert '<ol type="a">' in str(richtext.render('<ol type="a">\n<li>x</li>\n</ol>'))
    assert "start" not in str(richtext.render('<ol start="x"><li>y</li></ol>'))
    assert "type" not in str(richtext.render('<ol type="disc"><li>y</li></ol>'))


def test_a_hand_written_file_without_the_end_line_imports_with_a_note(db):
    text = BOARD.read_text(encoding="utf-8").replace("exported: true\n", "").removesuffix("...\n")
    parsed = parse(text.encode(), "hand.yaml")
    assert parsed.slug == "board-response"
    assert "eindigt niet op de regel '...'" in parsed.notes[0]


def test_an_export_without_the_end_line_is_refused(db):
    text = BOARD.read_text(encoding="utf-8").removesuffix("...\n")
    with pytest.raises(InterchangeError, match="eindigt niet op de regel"):
        parse(text.encode(), "cut.yaml")


def test_a_version_1_file_without_the_end_line_imports(db):
    text = (DATA / "leerecosystemen-v1.yaml").read_text(encoding="utf-8").rstrip().removesuffix("...")
    assert parse(text.encode(), "old.yaml").slug == "leerecosystemen"


def test_version_3_keys_are_refused_in_a_version_2_file(db):
    text = BOARD.read_text(encoding="utf-8").replace("managementresponse/3", "managementresponse/2")
    with pytest.raises(InterchangeError) as caught:
        parse(text.encode(), "v2.yaml")
    assert any("onbekend veld 'exported'" in e for e in caught.value.errors)


def test_a_link_to_an_unknown_part_is_refused_with_its_line(db):
    text = BOARD.read_text(encoding="utf-8").replace("    - (b)\n- number: '2'", "    - (z)\n- number: '2'")
    with pytest.raises(InterchangeError, match=r"board.yaml:\d+: .*geen deelaanbeveling '\(z\)'"):
        parse(text.encode(), "board.yaml")


def test_the_seed_keeps_its_layout_and_words(seed_response):
    assert seed_response.vocabulary_preset == ""
    assert not seed_response.columns
    assert not seed_response.cover
    call_command("check")


# --- editing surfaces ---------------------------------------------------------------------------


def edit_data(response, **changes):
    data = {
        "title": response.title,
        "organisation": response.organisation,
        "evaluation_title": response.evaluation_title,
        "evaluation_delivered_precision": response.evaluation_delivered_precision,
        "language": response.language,
        "layout": response.layout,
        "status": response.status,
        "published_on": "2025-02-01",
        "version": response.version,
    }
    data.update(changes)
    return data


def test_evaluation_staff_set_the_cover_words_and_columns(admin_client, db):
    response = ManagementResponseFactory(layout="matrix", language="en")
    data = edit_data(
        response,
        published_precision="month",
        cover="E/ICEF/2099/9\nDistr. | General",
        vocabulary_preset="executive_board",
        word_in_progress="Ongoing",
        columns="action | Action\nunits | Responsible section(s)\nstatus",
    )
    assert admin_client.post(f"/responses/{response.slug}/edit/", data).status_code == 302
    response.refresh_from_db()
    assert response.cover == [{"label": "", "value": "E/ICEF/2099/9"}, {"label": "Distr.", "value": "General"}]
    assert response.document_words["in_progress"] == "Ongoing"
    assert response.document_words["agree"] == "Agree"
    assert response.column_list == [("action", "Action"), ("units", "Responsible section(s)"), ("status", "")]
    assert response.published_in_month
    page = admin_client.get(f"/responses/{response.slug}/edit/").content.decode()
    assert "Distr. | General" in page  # the form shows what it saved


def test_an_unknown_column_is_refused_next_to_its_field(admin_client, db):
    response = ManagementResponseFactory(layout="matrix")
    http = admin_client.post(f"/responses/{response.slug}/edit/", edit_data(response, columns="action\nbudget"))
    assert http.status_code == 422
    assert "Onbekende kolom budget" in http.content.decode()
    response.refresh_from_db()
    assert response.columns == []


def test_evaluation_staff_add_edit_move_and_delete_chapters(admin_client, db):
    response = ManagementResponseFactory(layout="matrix", introduction="")
    url = f"/responses/{response.slug}/chapters/"
    admin_client.post(url, {"placement": "before", "heading": "I. Overview", "body": "1. One."})
    admin_client.post(url, {"placement": "after", "heading": "Draft decision", "body": "The Board."})
    first, second = Chapter.objects.filter(response=response).order_by("order")
    assert (first.heading, second.heading, second.placement) == ("I. Overview", "Draft decision", "after")
    admin_client.post(f"{url}{second.pk}/move/", {"direction": "up"})
    assert list(Chapter.objects.filter(response=response).order_by("order").values_list("pk", flat=True)) == [
        second.pk,
        first.pk,
    ]
    edit = {"placement": "before", "heading": "Overview", "body": "5. Five.", "version": first.version}
    assert admin_client.post(f"{url}{first.pk}/", edit).status_code == 302
    first.refresh_from_db()
    assert first.body == "5. Five."
    assert '<ol start="5">' in first.body_html["screen"]
    # A second save on the old version is refused, with the current text, and nothing is lost.
    stale = admin_client.post(f"{url}{first.pk}/", {**edit, "body": "6. Six."})
    assert stale.status_code == 409
    assert "6. Six." in stale.content.decode()
    first.refresh_from_db()
    assert first.body == "5. Five."
    assert admin_client.post(f"{url}{first.pk}/delete/", {"version": first.version}).status_code == 302
    assert not Chapter.objects.filter(pk=first.pk).exists()


def test_the_project_team_set_lead_unit_documents_and_an_unnumbered_action(admin_client, db):
    response = ManagementResponseFactory(layout="matrix")
    action = ActionFactory(response=response, number="4", title="Train")
    data = {
        "number": "4",
        "label": "",
        "title": "Train",
        "narrative": "",
        "time_frame": "2026",
        "responsible_units": "Division of Data, Analytics (DAPM)\nProgramme Group",
        "lead_unit": "on",
        "numbered": "on",  # the box "print without a number"
        "supporting_documents": "[Plan](https://example.org/plan)",
        "version": action.version,
    }
    http = admin_client.post(f"/actions/{action.pk}/edit/", data)
    assert http.status_code == 302, http.content.decode()[:2000]
    action.refresh_from_db()
    assert action.lead_unit
    assert not action.numbered
    assert action.unit_list == [("Division of Data, Analytics (DAPM)", True), ("Programme Group", False)]
    assert action.heading_label == ""
    assert "https://example.org/plan" in action.supporting_documents_html["print"]


# --- public management responses, written into the format by hand ------------------------------

# Each with the whole document's text (page furniture left out: running headers, page and job
# numbers); the regenerated PDF must reproduce it as shared/tools/fidelity.py measures.
PUBLIC_DOCUMENTS = ["dp-2025-6", "dp-fpa-2025-4-part-ii", "dp-2025-4", "e-icef-2025-14"]


@pytest.mark.pdf
@pytest.mark.parametrize("name", PUBLIC_DOCUMENTS)
def test_a_public_management_response_regenerates_its_own_text(db, tmp_path, name):
    response = import_file(DATA / f"{name}.yaml")
    reference = (DATA / f"{name}_reference.txt").read_text(encoding="utf-8")
    words, order = fidelity(reference, pdf_text(pdf.render_pdf(response), tmp_path))
    assert words >= 0.98
    assert order >= 0.95


def test_a_un_report_title_over_300_characters_heads_its_group_and_an_empty_theme_still_prints(db):
    response = import_file(DATA / "e-icef-2025-14.yaml")
    titles = list(response.recommendation_groups.order_by("order").values_list("title", flat=True))
    governance = next(title for title in titles if title.endswith("(JIU/REP/2023/7)"))
    assert len(governance) == 308
    assert len(titles) == 7
    page = html.unescape(re.sub(r"<[^>]+>", " ", pdf.render_html(response)))
    text = " ".join(page.split())
    assert governance in text
    assert "1. No recommendations addressed to UNICEF." in text
    assert "2. No recommendations addressed to the executive head." in text


def test_evaluation_staff_write_sub_recommendations_and_the_team_links_an_action_to_some(admin_client, db):
    response = ManagementResponseFactory(layout="matrix")
    rec = RecommendationFactory(response=response, theme=None, number="1", text="Strengthen guidance.")
    data = {
        "number": "1",
        "location": "",
        "text": "Strengthen guidance.",
        "parts_text": "(a) Clarify the roles;\n(b) Update the templates:\n  (i) for country offices;\n(c) Train.",
        "version": rec.version,
    }
    assert admin_client.post(f"/recommendations/{rec.pk}/edit/", data).status_code in (200, 302)
    labels = list(RecommendationPart.objects.filter(recommendation=rec).values_list("label", "parent__label"))
    assert sorted(labels, key=str) == sorted([("(a)", None), ("(b)", None), ("(c)", None), ("(i)", "(b)")], key=str)
    link = ActionLinkFactory(recommendation=rec, action=ActionFactory(response=response, number="7"))
    edit = {"qualifier": "", "parts": "(a), (c)", "version": link.version}
    assert admin_client.post(f"/actions/links/{link.pk}/edit/", edit).status_code in (200, 302)
    link.refresh_from_db()
    assert link.parts == ["(a)", "(c)"]
    assert link.qualifier_suffix == " (a), (c)"
    bad = admin_client.post(f"/actions/links/{link.pk}/edit/", {**edit, "parts": "(z)", "version": link.version})
    assert bad.status_code == 422
    assert "geen deelaanbeveling (z)" in bad.content.decode()


def test_an_upload_written_by_hand_without_the_end_line_previews_with_a_note(admin_client, db):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    text = BOARD.read_text(encoding="utf-8").replace("exported: true\n", "").removesuffix("...\n")
    http = admin_client.post(
        reverse("interchange:upload"),
        {"upload-file": SimpleUploadedFile("hand.yaml", text.encode(), "application/yaml")},
    )
    assert http.status_code == 200
    page = http.content.decode()
    assert "Het bestand is in orde" in page
    assert "gelezen als met de hand geschreven" in page


def test_the_follow_up_page_and_the_round_report_use_the_documents_words(admin_client, board):
    page = admin_client.get(f"/responses/{board.slug}/follow-up/").content.decode()
    assert "Under way" in page
    assert "Cancelled" in page
    from tracking.models import ReviewRound
    from tracking.services import round_report

    review_round = ReviewRound.objects.create(response=board, name="2025 H1", date=datetime.date(2025, 6, 30))
    report = round_report(review_round)
    assert {row.now_label for row in report.rows} >= {"Cancelled"}
    assert {rec.agreement_word for rec in report.recommendations} == {"Agree", "Partially agree", "Disagree"}


def test_a_comparison_names_statuses_in_the_documents_words(db):
    from publishing.comparison import compare

    old = parse(BOARD.read_bytes(), "old.yaml")
    text = BOARD.read_text(encoding="utf-8").replace("  status: in_progress\n", "  status: realised\n", 1)
    new = parse(text.encode(), "new.yaml")
    changes = [change for item in compare(old, new).items for change in item.changes if change.field == "status"]
    assert [(change.old, change.new) for change in changes] == [("Under way", "Completed")]


def test_the_matrix_prints_its_tracking_note_only_when_the_document_has_none(admin_client, db):
    """Our "* Implementation is tracked ..." explains the asterisk of the layout's own header
    "Tracking*: Comments": not printed beside a note of the document's own, nor under headers
    the response typed itself (issue 22)."""
    ours = "* Implementation is tracked in the database of UNDP."
    response = ManagementResponseFactory(layout="matrix", language="en", organisation="UNDP")
    rec = RecommendationFactory(response=response, theme=None, number="1", text="Strengthen guidance.")
    ActionLinkFactory(recommendation=rec, action=ActionFactory(response=response, number="1.1"))

    def printed():
        response.refresh_from_db()
        return page_of(admin_client, response), pdf.render_html(response)

    for text in printed():
        assert ">Tracking*: Comments</th>" in text
        assert ours in text

    note = Chapter.objects.create(
        response=response, placement="after", body="\\* Implementation status is tracked in the ERC."
    )
    for text in printed():
        assert "Implementation status is tracked in the ERC." in text
        assert ours not in text

    note.delete()
    response.columns = [{"key": "action", "header": "Key action"}, {"key": "comments", "header": "Comments"}]
    response.save()
    for text in printed():
        assert ">Comments</th>" in text
        assert ours not in text
    # A list item or italics at the start of a line is not a note.
    Chapter.objects.create(response=response, body="* a list item\n\n*Italics* in a sentence.")
    response.columns = []
    response.save()
    for text in printed():
        assert ours in text
