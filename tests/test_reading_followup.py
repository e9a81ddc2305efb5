"""The follow-up shape (reading/readers/followup.py): a report on a response plan whose recommendations
are lettered items that each end in a status sentence in bold (DP/OPS/2025/2, UNOPS's comprehensive
response plan; its truth typed by hand, tests/data/documents/README.md gives the conventions). It reads
through ``read_document`` at fieldscore >= 0.95 with no recommendation extra or missing; its score wins
there and is zero on every other real document and on the product's own PDFs and Word file.

Scoring runs the issue's tool, tests/fieldscore.py (a copy of /work/shared/tools/fieldscore.py)."""

import subprocess
import sys
from pathlib import Path

import pytest

from interchange.exporter import dump
from interchange.importer import import_file
from reading.read import read_document
from reading.readers import READERS, followup
from reading.source import read_source

DATA = Path(__file__).parent / "data"
DOCUMENTS = DATA / "documents"
FIELDSCORE = Path(__file__).parent / "fieldscore.py"
SLUG = "dp-ops-2025-2"
# What it reads at (docs/reading.md, "Real documents").
FIGURE = "fields 1.0000 (522/522); recommendations 43/43 read, 0 extra; actions 43/43 read, 0 extra"
OTHERS = sorted(
    path.stem
    for path in DOCUMENTS.glob("*.pdf")
    if path.stem != SLUG and (DOCUMENTS / f"{path.stem}.truth.yaml").exists()
)


@pytest.fixture(scope="module")
def found():
    return read_document((DOCUMENTS / f"{SLUG}.pdf").read_bytes(), f"{SLUG}.pdf")


def _recommendations(data):
    for group in data["groups"]:
        for theme in group["themes"]:
            for recommendation in theme["recommendations"]:
                yield theme["heading"], recommendation


def _item(data, heading_start: str, number: str) -> tuple[dict, dict]:
    """(recommendation, its action) of the lettered item ``number`` in the section whose heading starts so."""
    actions = {action["number"]: action for action in data["actions"]}
    for heading, recommendation in _recommendations(data):
        if heading.startswith(heading_start) and recommendation["number"] == number:
            return recommendation, actions[recommendation["actions"][0]]
    raise AssertionError(f"no {number} under {heading_start}")


def test_a_follow_up_report_reads_at_fieldscore_095_with_every_recommendation(found, tmp_path):
    assert found.shape == "followup"
    read_file = tmp_path / f"{SLUG}.read.yaml"
    read_file.write_text(dump(found.data), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, FIELDSCORE, read_file, DOCUMENTS / f"{SLUG}.truth.yaml", "--min", "0.95", "--show", "50"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1] == FIGURE


def test_each_lettered_item_is_a_recommendation_answered_by_its_status_sentence(found):
    data = found.data
    assert [heading for heading, _r in _recommendations(data)].count(
        "D. Ethics, compliance and organizational culture"
    ) == 15
    assert len(list(_recommendations(data))) == 43  # the summary's count: tables 1 and 2 repeat seven, not read
    recommendation, action = _item(data, "B.", "(b)")
    assert recommendation["text"].endswith("The regions should be engaged in the process from the start.")
    assert recommendation["response"] == "On track for completion by 2028 (timeline adjusted from 2027 to 2028)."
    assert recommendation["agreement"] == ""  # the document states none
    assert (action["title"], action["status"], action["time_frame"]) == (
        recommendation["response"],
        "in_progress",
        "2028",
    )
    _r, action = _item(data, "D.", "(d)")
    assert (action["status"], action["time_frame"]) == ("realised", "February 2024")
    _r, action = _item(data, "E.", "(g)")
    assert (action["title"], action["time_frame"]) == ("On track for completion by the end of 2024.", "end of 2024")
    _r, action = _item(data, "F.", "(e)")
    assert (action["title"], action["status"], action["time_frame"]) == ("Completed to planned scope.", "realised", "")
    _r, action = _item(data, "F.", "(c)")
    assert action["status"] == "not_applicable"  # "Recommendation not operationalized as UNOPS will not engage ..."
    _r, action = _item(data, "F.", "(d)")
    assert (action["status"], action["responsible_units"]) == (
        "in_progress",
        ["United Nations Office of Legal Affairs"],
    )
    recommendation, _a = _item(data, "E.", "(f)")
    assert "(IPAS) review before the project contract" in recommendation["text"]  # the footnote call "14" left out
    assert data["response"]["vocabulary"] == {
        "preset": "executive_board",
        "words": {
            "realised": "Completed to planned scope",
            "in_progress": "On track for completion",
            "not_applicable": "Recommendation not operationalized",
        },
    }


def test_the_progress_paragraphs_are_the_narrative_of_their_recommendation_only(found):
    data = found.data
    _r, action = _item(data, "D.", "(c)")
    assert action["narrative"].startswith("The review phase of the whistle-blower and speak-up process overhaul")
    assert "Board’s request to update the policy" in action["narrative"]  # the call "13" out, the space kept
    assert "(d) Interdisciplinary committee." in action["narrative"]
    assert "27." not in action["narrative"]
    _r, action = _item(data, "C.", "(a)")
    assert action["narrative"].endswith("delivery cycle of high-stakes projects.")
    _r, action = _item(data, "C.", "(d)")  # printed in a box of one cell: text, not a table
    assert action["narrative"].startswith("A project portfolio risk assessment has been completed")
    _r, action = _item(data, "E.", "(c)")
    assert "programme expenditure. Applied to UNOPS" in action["narrative"]  # a call at a line's end
    narratives = " ".join(action["narrative"] for action in data["actions"])
    assert "As reported" not in narratives  # the paragraphs that sum a section up belong to no item
    # B (b), C (a) and (d), D (c) and (k), E (c) and (g), F (d): the sub-headings "Progress on recommendation (x)"
    assert sum(1 for action in data["actions"] if action["narrative"]) == 8


def test_the_title_block_and_the_groups(found):
    data = found.data
    response = data["response"]
    assert response["title"] == (
        "Comprehensive response plan in response to the recommendations of the two independent third-party "
        "reviews of UNOPS"
    )
    assert response["organisation"] == "United Nations Office for Project Services"
    assert str(response["published_on"]) == "2024-11-20"
    assert response["evaluation"]["title"] == "Two independent third-party reviews of UNOPS"
    assert "chapters" not in response
    assert [group["title"] for group in data["groups"]] == [
        "II. Progress in implementing the comprehensive response plan"
    ]
    assert [theme["heading"] for theme in data["groups"][0]["themes"]][::5] == [
        "A. Mandate and strategy",
        "F. Sustainable investments in infrastructure and innovation",
    ]


def test_what_is_read_imports_as_a_draft(found, tmp_path, db):
    path = tmp_path / "read.yaml"
    path.write_text(dump(found.data), encoding="utf-8")
    response = import_file(path)
    assert response.status == "draft"
    assert response.recommendations.count() == 43
    assert response.actions.filter(status="not_applicable").count() == 2


def test_a_space_the_pdf_prints_stays_a_space_in_a_tight_line_in_italics():
    source = read_source((DOCUMENTS / f"{SLUG}.pdf").read_bytes(), f"{SLUG}.pdf")
    texts = [line.text for line in source.lines if line.page == 5]
    assert "On track for completion by 2028 (timeline adjusted from 2027 to 2028)." in texts


def test_the_followup_score_wins_on_its_document_and_is_zero_on_every_other_real_document():
    assert len(OTHERS) >= 9
    source = read_source((DOCUMENTS / f"{SLUG}.pdf").read_bytes(), f"{SLUG}.pdf")
    scores = {reader.SHAPE: reader.score(source) for reader in READERS}
    assert scores["followup"] == 1.0
    assert all(score < 0.5 for shape, score in scores.items() if shape != "followup"), scores
    for slug in OTHERS:
        other = read_source((DOCUMENTS / f"{slug}.pdf").read_bytes(), f"{slug}.pdf")
        assert followup.score(other) == 0.0, slug


@pytest.mark.pdf
@pytest.mark.django_db  # so that the test database is made when this test runs alone
@pytest.mark.parametrize(
    "name", ["uneg-matrix.pdf", "board-response.pdf", "seed-table.pdf", "seed-matrix.pdf", "seed-table.docx"]
)
def test_the_followup_shape_scores_nothing_on_our_own_pdfs_and_word_file(our_own_documents, name):
    data = our_own_documents[name]
    assert followup.score(read_source(data, name)) == 0.0
    assert read_document(data, name).shape != "followup"


@pytest.mark.django_db(transaction=True)  # the worker opens its own connection
def test_uploaded_it_is_read_by_the_worker_and_an_unchanged_review_creates_a_draft_that_scores_the_same(
    client, django_user_model, roles, tmp_path
):
    """The whole way a user takes: upload the PDF, the task worker reads it (the follow-up shape
    wins), the review page shows it, accepting it as it stands creates a draft; the draft's export
    scores against the hand-typed truth as the reading did: the review loses nothing."""
    import yaml
    from django.core.management import call_command
    from django.urls import reverse

    from interchange.exporter import export_response
    from reading.models import Original, Reading
    from responses.models import ManagementResponse
    from responses.roles import EVALUATION_STAFF
    from tests.fixtures import make_user
    from tests.test_reading_table import fieldscore
    from tests.test_reading_ui import accept, form_values, upload

    client.force_login(make_user(django_user_model, "erik", roles[EVALUATION_STAFF]))
    upload(client, f"{SLUG}.pdf", (DOCUMENTS / f"{SLUG}.pdf").read_bytes())
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    reading = Reading.objects.get()
    assert reading.state == "read", reading.error
    page = client.get(reverse("reading:review", kwargs={"pk": reading.pk})).content.decode()
    assert "voortgangsrapport" in page
    assert accept(client, reading, form_values(page)).status_code == 302
    response = ManagementResponse.objects.get()
    assert (response.status, Original.objects.get().response) == ("draft", response)
    read = yaml.safe_load(export_response(response))
    truth = (DOCUMENTS / f"{SLUG}.truth.yaml").read_text(encoding="utf-8")
    assert fieldscore(read, truth, tmp_path).splitlines()[-1] == FIGURE


def followup_docx(truth: dict) -> bytes:
    """A Word document laid out in the follow-up shape from a truth file: the cover lines and the
    title, then per chapter (14 pt bold) and section (12 pt bold) a numbered paragraph introducing the
    recommendations, each a lettered paragraph closed by its status sentence in bold italics, then the
    "Progress on recommendation (x)" sub-headings (bold italics) and their numbered paragraphs.
    Made here, in the test: no real Word report of this shape was found (tests/data/documents/README.md)."""
    import io

    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(10)

    def paragraph(*runs, size=10):
        p = document.add_paragraph()
        for text, bold, italic in runs:
            run = p.add_run(text)
            run.bold, run.italic = bold, italic
            run.font.size = Pt(size)

    for line in ("DP/OPS/2025/2", "Distr.: General", "20 November 2024"):
        paragraph((line, False, False))
    title = document.add_paragraph(style="Title")
    title.add_run(truth["response"]["title"]).bold = True
    actions = {action["number"]: action for action in truth["actions"]}
    number = 0
    for group in truth["groups"]:
        paragraph((group["title"], True, False), size=14)
        for theme in group["themes"]:
            paragraph((theme["heading"], True, False), size=12)
            recommendations = theme["recommendations"]
            number += 1
            about = theme["heading"].split(". ", 1)[1].lower()
            paragraph(
                (f"{number}. The review contained {len(recommendations)} recommendations on {about}:", False, False)
            )
            for recommendation in recommendations:
                text = f"{recommendation['number']} {recommendation['text']} "
                paragraph((text, False, False), (recommendation["response"], True, True))
            for recommendation in recommendations:
                narrative = actions[recommendation["actions"][0]]["narrative"]
                if not narrative:
                    continue
                paragraph((f"Progress on recommendation {recommendation['number']}", True, True))
                for text in narrative.split("\n\n"):
                    if not text.startswith("("):
                        number += 1
                        text = f"{number}. {text}"
                    paragraph((text, False, False))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_shape_in_word_reads_the_same(tmp_path):
    import yaml

    truth = yaml.safe_load((DOCUMENTS / f"{SLUG}.truth.yaml").read_text(encoding="utf-8"))
    found = read_document(followup_docx(truth), f"{SLUG}.docx")
    assert found.shape == "followup"
    read_file = tmp_path / "read.yaml"
    read_file.write_text(dump(found.data), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, FIELDSCORE, read_file, DOCUMENTS / f"{SLUG}.truth.yaml", "--show", "50"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.strip().splitlines()[-1] == FIGURE, result.stdout
