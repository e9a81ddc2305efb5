"""The two-column shape (reading/readers/columns.py) and the column gaps of source.py, on the real
documents of tests/data/documents/ (README.md there gives their conventions)."""

from pathlib import Path

import pytest
import yaml

from reading.read import read_document
from reading.readers import columns
from reading.source import read_source

DATA = Path(__file__).parent / "data"
DOCUMENTS = DATA / "documents"
TWO_COLUMNS = ["e-icef-2025-14", "e-icef-2025-ab-l3-add1", "dp-2025-12-add-1", "dp-fpa-2025-4-part-ii"]


@pytest.fixture(scope="module")
def read():
    """The two-column documents as read_document reads them: {slug: Found}."""
    return {slug: read_document((DOCUMENTS / f"{slug}.pdf").read_bytes(), f"{slug}.pdf") for slug in TWO_COLUMNS}


def _recommendations(data):
    yield from data["recommendations"]
    for group in data["groups"]:
        for theme in group["themes"]:
            yield from theme["recommendations"]


def test_two_columns_printed_close_together_are_two_lines_and_a_justified_line_stays_one():
    source = read_source((DOCUMENTS / "e-icef-2025-14.pdf").read_bytes(), "e-icef-2025-14.pdf")
    page = [line.text for line in source.lines if line.page == 12]
    # annex I: the recommendation (left) and the remarks (right) stand 10 points apart
    assert "The executive heads of the United Nations system" in page
    assert "The UNICEF Policy on the Regulatory Framework" in page
    assert "funds permitting." in page  # a paragraph's short last line beside the other column's text
    # a justified line whose spaces are stretched wider than a column gap stays one line
    assert "definition. UNICEF therefore considers this" in page
    assert "recommendation to be implemented." in page
    source = read_source((DOCUMENTS / "e-icef-2025-ab-l3-add1.pdf").read_bytes(), "add1.pdf")
    assert "management secretariat repositioned for reporting" in [line.text for line in source.lines]


def test_a_recommendations_and_remarks_table_gives_each_recommendation_its_decision_and_remarks(read):
    found = read["e-icef-2025-14"]
    assert found.shape == "columns"
    recommendations = list(_recommendations(found.data))
    assert len(recommendations) == 32
    first = recommendations[0]
    assert first["number"] == "4"
    assert first["text"].startswith("The legislative organs and governing bodies of the United Nations system")
    assert first["agreement"] == "agree"  # "Accepted and implemented", the decision heading
    assert first["response"].startswith("UNICEF notes that this recommendation is directed to the UNICEF")
    assert "Accepted" not in first["response"]
    assert "\n\n" in first["response"]  # its paragraphs kept
    agreements = [r["agreement"] for r in recommendations]
    assert agreements.count("agree") == 12
    assert agreements.count("disagree") == 1
    groups = found.data["groups"]
    assert groups[0]["title"] == "Flexible working arrangements in United Nations system organizations (JIU/REP/2023/6)"
    assert [(t["section"], t["heading"]) for t in groups[0]["themes"]] == [
        ("1.", "Recommendations addressed to the legislative body/Executive Board"),
        ("2.", "Recommendations addressed to the executive head"),
    ]
    assert any(t["heading"] == "No recommendations addressed to UNICEF." for g in groups for t in g["themes"])
    # annex II (a four-column status table) is not read as recommendations
    assert not any("(1)" in r["text"][:5] for r in recommendations)


def test_an_agreed_action_and_status_table_gives_each_cell_a_recommendation_an_action_and_its_progress(read):
    found = read["e-icef-2025-ab-l3-add1"]
    assert found.shape == "columns"
    data = found.data
    assert [a["number"] for a in data["actions"]] == [str(n) for n in range(1, 28)]
    first = data["actions"][0]
    assert first["title"] == "Governance structure [high priority]"
    assert first["narrative"].startswith("Management agreed to clarify and communicate the roles")
    assert first["status"] == "in_progress"
    assert first["progress"][0]["date"] == "2025-03-31"  # "Current status (as of March 2025)"
    assert first["progress"][0]["comment"].startswith("The Senior Management Risk Committee was reoriented")
    assert sum(a["progress"][0]["comment"] == "Same as above." for a in data["actions"]) == 8
    recommendations = list(_recommendations(data))
    assert [r["actions"] for r in recommendations] == [[a["number"]] for a in data["actions"]]
    assert {r["agreement"] for r in recommendations} == {"agree"}
    assert [g["title"][:3] for g in data["groups"]] == ["A. ", "B. ", "C. ", "D. ", "E. "]
    assert data["groups"][0]["themes"][0]["heading"].startswith("Published: August 2022.")


def test_recommendations_answered_in_prose_before_a_drawn_two_column_annex_are_read_too(read):
    found = read["dp-2025-12-add-1"]
    assert found.shape == "columns"
    recommendations = list(_recommendations(found.data))
    assert len(recommendations) == 33  # 18 in chapter II's paragraphs, 15 in annex II's table
    first = recommendations[0]
    assert first["number"] == "1"
    # the bold part of "6. Recommendation 1. <bold> <roman>" is the text, over a page and its footnote
    assert first["text"].startswith("The executive heads of the United Nations system organizations who have")
    assert first["text"].endswith("differentiate the arrangements from other forms of flexible work.")
    assert first["response"].startswith("UNDP is compliant with this recommendation and considers it implemented")
    assert first["agreement"] == "agree"
    second = recommendations[1]
    assert second["response"].startswith("UNDP will consider this recommendation")
    assert second["agreement"] == ""
    annex = recommendations[18]
    assert annex["number"] == "4"
    assert annex["text"].startswith("The legislative organs and governing bodies of the United Nations system")
    assert annex["response"].startswith("UNDP accountability-related reports and reporting schedule")
    assert annex["agreement"] == ""  # "does not consider the recommendation relevant"
    assert found.data["response"]["organisation"] == "United Nations Development Programme"  # "Report of UNDP ..."
    # a cell that runs on overleaf: the part under the repeated header row is read too, its right
    # column starting a few points left of where its indented lines start
    overleaf = next(r for r in recommendations[18:] if r["text"].endswith("in the present report, as appropriate."))
    assert overleaf["response"].endswith("does not consider the recommendation relevant for the Executive Board.")
    groups = found.data["groups"]
    assert groups[1]["title"].startswith("Annex II Review of relevant Joint Inspection Unit recommendations in 2024")
    assert [theme["heading"][-16:] for theme in groups[1]["themes"]][:3] == [
        "(JIU/REP/2023/6)",
        "(JIU/REP/2023/7)",
        "(JIU/REP/2023/8)",
    ]


def test_paragraphs_that_print_only_their_label_and_an_annex_that_goes_on_after_its_heading_are_read(read):
    found = read["dp-fpa-2025-4-part-ii"]
    assert found.shape == "columns"
    response = found.data["response"]
    # the title in bold under the organisation's line in a larger bold type
    assert response["title"] == "Report on the recommendations of the Joint Inspection Unit in 2024"
    assert response["organisation"] == "United Nations Population Fund"
    # no sentence names the reports answered as a title: the document's title stands in, marked
    assert response["evaluation"]["title"] == response["title"]
    assert ("response", "evaluation.title") in found.unread
    recommendations = list(_recommendations(found.data))
    assert len(recommendations) == 31  # 18 in chapter II's paragraphs, 3 in annex IV, 10 in annex IV-A
    # "11. Recommendation 1. UNFPA has updated ...": the label (in italics) is all the text printed
    first = recommendations[0]
    assert first["number"] == "1"
    assert first["text"] == "Recommendation 1"
    assert first["response"].startswith("UNFPA has updated its policies to ensure clarity")
    assert first["response"].endswith("This recommendation is fully accepted and in progress.")
    assert first["agreement"] == "agree"
    fourth = recommendations[3]
    assert fourth["text"] == "Recommendation 4, addressed to legislative bodies"
    assert fourth["response"].startswith("UNFPA commits to providing periodic updates")
    groups = found.data["groups"]
    assert [group["title"] for group in groups] == [
        "II. Synopsis and review of relevant Joint Inspection Unit reports and recommendations",
        "ANNEX IV: Review of relevant Joint Inspection Unit recommendations in 2024 for consideration by the"
        " Executive Board",
        "ANNEX IV-A",
    ]
    # section B answers nothing in chapter II; the italic "Detailed recommendations: ..." is no theme
    assert [theme["heading"][:3] for theme in groups[0]["themes"]] == ["A. ", "C. ", "D. ", "E. "]
    assert groups[1]["themes"][0]["heading"] == (
        "Flexible working arrangements in United Nations system organizations (JIU/REP/2023/6)"
    )
    # annex IV: a bold "Recommendation 4." with the text beside it in roman
    annex = recommendations[18]
    assert annex["number"] == "4"
    assert annex["text"].startswith("The legislative organs and governing bodies of the United Nations system")
    assert annex["text"].endswith("decision-making on flexible working arrangements management.")
    assert annex["response"].startswith("UNFPA supports this recommendation")
    assert annex["agreement"] == "agree"
    # annex IV-A: the same table after a larger heading, without a header row
    board = recommendations[21:]
    assert [r["number"] for r in board] == [str(n) for n in range(1, 11)]
    assert board[1]["response"].startswith("UNFPA is supportive of all efforts to enhance transparency.")
    assert {r["agreement"] for r in board} == {""}  # the comments take no position: the Board decides


@pytest.mark.parametrize(
    ("remarks", "agreement"),
    [
        ("UNFPA supports this recommendation and is in the process of finalizing policies.", "agree"),
        ("UNFPA is fully supportive and is developing a proposal for Board approval.", "agree"),
        ("UNFPA agrees with this recommendation and has integrated additional data.", "agree"),
        ("UNFPA is supportive of all efforts to enhance transparency. Should the Board wish ...", ""),
        ("UNFPA supports all efforts at enhancing engagement. UNFPA agrees, however, that changes could help.", ""),
        ("UNDP may agree with the recommendation but not with its timing. UNDP does not accept it.", "disagree"),
    ],
)
def test_the_agreement_is_read_from_the_words_that_take_a_position_on_the_recommendation(remarks, agreement):
    assert columns._in_prose(remarks) == agreement  # noqa: SLF001 -- the rule itself


@pytest.mark.parametrize("slug", TWO_COLUMNS)
def test_what_the_columns_reader_finds_imports_as_a_draft(db, read, slug):
    from interchange.importer import import_response
    from interchange.parse import parse

    found = read[slug]
    text = yaml.safe_dump(found.data, allow_unicode=True, sort_keys=False)
    response = import_response(parsed=parse(text.encode(), "read.yaml"))
    assert response.status == "draft"
    assert response.recommendations.count() == len(list(_recommendations(found.data)))


@pytest.mark.parametrize(
    "slug",
    sorted(
        path.name.removesuffix(".pdf")
        for path in DOCUMENTS.glob("*.pdf")
        if path.name.removesuffix(".pdf") not in TWO_COLUMNS
    ),
)
def test_the_columns_shape_scores_nothing_on_the_other_real_documents(slug):
    source = read_source((DOCUMENTS / f"{slug}.pdf").read_bytes(), f"{slug}.pdf")
    assert columns.score(source) == 0


@pytest.mark.pdf
@pytest.mark.django_db  # so that the test database is made when this test runs alone
@pytest.mark.parametrize("name", ["uneg-matrix.pdf", "board-response.pdf", "seed-table.pdf", "seed-matrix.pdf"])
def test_the_columns_shape_scores_nothing_on_our_own_pdfs(our_own_documents, name):
    source = read_source(our_own_documents[name], name)
    assert columns.score(source) == 0
