"""The matrix reader (issue 21): our own matrix PDFs read back to the same data, field for field, and
real UN management responses read at fieldscore 0.95 or better with no recommendation extra or missing.

Scores come from tests/fieldscore.py, a copy of the project's scoring tool (shared/tools/fieldscore.py),
run as a program: the truth of our own PDFs is ``export_response`` of the response that was printed.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.test import override_settings

from interchange.exporter import export_response
from interchange.importer import import_file
from reading.read import read_document
from reading.readers import matrix
from reading.source import read_source

DATA = Path(__file__).parent / "data"
DOCUMENTS = DATA / "documents"
SCORE = Path(__file__).parent / "fieldscore.py"


def fieldscore(tmp_path, data: dict, truth: str) -> tuple[float, str]:
    """(score, the tool's last line) of ``data`` read against the interchange text ``truth``."""
    read_path, truth_path = tmp_path / "read.yaml", tmp_path / "truth.yaml"
    read_path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    truth_path.write_text(truth, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(SCORE), str(read_path), str(truth_path), "--show", "30"],
        capture_output=True,
        text=True,
        check=False,
    )
    last = result.stdout.strip().splitlines()[-1]
    return float(re.search(r"fields (\d\.\d+)", last).group(1)), result.stdout


def complete(stdout: str) -> bool:
    """No recommendation or action read that is not in the truth, none in the truth left unread."""
    last = stdout.strip().splitlines()[-1]
    r_read, r_total, r_extra = re.search(r"recommendations (\d+)/(\d+) read, (\d+) extra", last).groups()
    a_read, a_total, a_extra = re.search(r"actions (\d+)/(\d+) read, (\d+) extra", last).groups()
    return r_read == r_total and r_extra == "0" and a_read == a_total and a_extra == "0"


def _printed(path: Path):
    from document import pdf

    response = import_file(path, replace=True)
    return pdf.render_pdf(response), export_response(response)


@pytest.fixture
def own_pdfs(db):
    """Our matrix test responses printed: {name: (pdf bytes, export)}."""
    return {name: _printed(DATA / f"{name}.yaml") for name in ("uneg-matrix", "board-response")}


@pytest.fixture
def large_pdf(db):
    """benchmarks/synthetic.py's 300 recommendations (30 themes in 3 groups, 32 actions and parts, each
    linked twice) in the matrix layout, printed once (about 100 pages). As a matrix response does, its
    recommendations carry numbers and no report location (the matrix prints none), and each action a
    short narrative with a list (every link prints it again)."""
    from actions.models import Action
    from benchmarks.synthetic import SENTENCE, synthetic_response
    from document import pdf
    from recommendations.models import Recommendation
    from responses.models import ManagementResponse

    with override_settings(PDF_RENDER_SECONDS=900):
        response = synthetic_response(actions=8, parts=3, slug="synthetisch-matrix")
        ManagementResponse.objects.filter(pk=response.pk).update(layout="matrix", language="nl")
        Action.objects.filter(response=response).update(
            narrative=SENTENCE + "\n\n- een eerste punt;\n- een tweede punt."
        )
        recommendations = Recommendation.objects.filter(theme__group__response=response).order_by(
            "theme__group__order", "theme__order", "order"
        )
        for i, rec in enumerate(recommendations):
            Recommendation.objects.filter(pk=rec.pk).update(number=str(i + 1), location="")
        response = ManagementResponse.objects.get(pk=response.pk)
        return pdf.render_pdf(response), export_response(response)


@pytest.mark.pdf
@pytest.mark.parametrize("name", ["uneg-matrix", "board-response"])
def test_our_own_matrix_pdf_reads_back_to_the_same_data(own_pdfs, tmp_path, name):
    data, truth = own_pdfs[name]
    found = read_document(data, f"{name}.pdf")
    assert found.shape == "matrix"
    score, report = fieldscore(tmp_path, found.data, truth)
    assert score == 1.0, report
    assert complete(report), report


@pytest.mark.parametrize("name", ["uneg-matrix", "board-response"])
def test_our_own_matrix_docx_reads_back_to_the_same_data(db, tmp_path, name):
    from office.word import docx_bytes

    response = import_file(DATA / f"{name}.yaml")
    found = read_document(docx_bytes(response), f"{name}.docx")
    assert found.shape == "matrix"
    truth = export_response(response)
    score, report = fieldscore(tmp_path, found.data, truth)
    assert score == 1.0, report
    assert complete(report), report


@pytest.mark.pdf
def test_the_board_pdf_keeps_the_documents_words_cover_columns_and_parts(own_pdfs):
    found = read_document(own_pdfs["board-response"][0], "board.pdf")
    response = found.data["response"]
    assert response["vocabulary"] == {"preset": "executive_board"}
    assert response["cover"][0] == {"label": "", "value": "E/ICEF/2099/1"}
    assert {"label": "Original:", "value": "English"} in response["cover"]
    assert [column["key"] for column in response["columns"]] == ["action", "units", "time_frame", "status", "documents"]
    first = found.data["recommendations"][0]
    assert [part["label"] for part in first["parts"]] == ["(a)", "(b)"]
    assert [part["label"] for part in first["parts"][1]["parts"]] == ["(i)", "(ii)"]
    assert first["actions"] == [{"action": "1", "qualifier": "", "parts": ["(a)", "(b)"]}]
    assert found.data["actions"][0]["lead_unit"] is True
    assert found.data["actions"][1]["numbered"] is False
    assert found.data["groups"][0]["title"] == "Area 1. Programming"
    assert [chapter["heading"] for chapter in response["chapters"]][:1] == ["I. Overview"]


@pytest.mark.pdf
def test_a_300_recommendation_matrix_pdf_reads_back_to_the_same_data(large_pdf, tmp_path):
    data, truth = large_pdf
    found = read_document(data, "synthetisch.pdf")
    assert found.shape == "matrix"
    assert found.data["response"]["language"] == "nl"
    assert found.data["response"]["vocabulary"] == {"preset": "flemish"}
    score, report = fieldscore(tmp_path, found.data, truth)
    assert score == 1.0, report
    assert complete(report), report


# Real documents (tests/data/documents/README.md). Those whose shape the reader does not read yet
# are marked: the mark is strict, so that one that starts to pass says so.
NOT_YET = {
    "dp-2025-4": "no recommendations, so only the title block counts: its evaluation title is the truth's own "
    "wording ('Audit report of the United Nations Board of Auditors for UNCDF (A/79/5/Add.2)'), printed nowhere (0.8333)",
}


def _documents():
    for truth in sorted(DOCUMENTS.glob("*.truth.yaml")):
        slug = truth.name.removesuffix(".truth.yaml")
        original = next((p for p in (DOCUMENTS / f"{slug}.pdf", DOCUMENTS / f"{slug}.docx") if p.exists()), None)
        if original is None:
            continue
        marks = [pytest.mark.xfail(strict=True, reason=NOT_YET[slug])] if slug in NOT_YET else []
        yield pytest.param(original, truth, id=slug, marks=marks)


@pytest.mark.parametrize(("original", "truth"), list(_documents()))
def test_a_real_document_reads_at_095_with_every_recommendation(tmp_path, original, truth):
    found = read_document(original.read_bytes(), original.name)
    score, report = fieldscore(tmp_path, found.data, truth.read_text(encoding="utf-8"))
    assert score >= 0.95, report
    last = report.strip().splitlines()[-1]
    assert re.search(r"recommendations (\d+)/\1 read, 0 extra", last), report


@pytest.mark.parametrize(
    "path", [DATA / "documents" / "dp-2025-6.pdf", DATA / "documents" / "dp-2025-3.pdf"], ids=lambda p: p.stem
)
def test_what_the_matrix_reader_finds_imports_as_a_draft(db, path):
    from interchange.importer import import_response
    from interchange.parse import parse

    found = read_document(path.read_bytes(), path.name, layout="matrix")
    text = yaml.safe_dump(found.data, allow_unicode=True, sort_keys=False)
    response = import_response(parsed=parse(text.encode(), "read.yaml"))
    assert response.status == "draft"
    assert response.layout == "matrix"
    assert response.recommendations.count() == len(list(_recommendations(found.data)))
    # The review page names the page of every item it lists, the title block's too.
    assert found.pages["response"] == 1
    assert all(found.pages.get(f"recommendations[{i}]") for i in range(response.recommendations.count()))


def test_a_un_covers_two_columns_read_apart_with_the_wrapped_name_as_one_item():
    """The cover prints the body's name wrapped over six lines on the left, "Distr.: General", the
    date and "Original: English" on the right: read as printed, not line by line across both."""
    found = read_document((DATA / "documents" / "dp-2025-6.pdf").read_bytes(), "dp-2025-6.pdf")
    truth = yaml.safe_load((DATA / "documents" / "dp-2025-6.truth.yaml").read_text())
    assert found.data["response"]["cover"] == truth["response"]["cover"]

    found = read_document((DATA / "documents" / "dp-ops-2025-2.pdf").read_bytes(), "dp-ops-2025-2.pdf")
    values = [item["value"] for item in found.data["response"]["cover"]]
    name = (
        "Executive Board of the United Nations Development Programme, the United Nations Population Fund "
        "and the United Nations Office for Project Services"
    )
    assert values[:6] == ["DP/OPS/2025/2", "United Nations", name, "General", "20 November 2024", "English"]
    assert values[6] == "First regular session 2025"


def _recommendations(data):
    yield from data["recommendations"]
    for group in data["groups"]:
        for theme in group["themes"]:
            yield from theme["recommendations"]


def test_a_response_in_prose_gives_its_agreement():
    assert matrix.agreement_in_prose("The IEO welcomes the recommendation, concurring partially with 1.1") == (
        "partially_agree"
    )
    assert matrix.agreement_in_prose("IEO partially accepts this recommendation") == "partially_agree"
    assert matrix.agreement_in_prose("The IEO rejects this recommendation, as a ten-year period") == "disagree"
    assert matrix.agreement_in_prose("The proposal to include a theory of change is welcomed.") == "agree"
    assert matrix.agreement_in_prose("Het management gaat gedeeltelijk akkoord.") == "partially_agree"
    assert matrix.agreement_in_prose("UNFPA has updated its policy.") == ""


def test_agreement_and_status_words_map_in_english_and_dutch():
    assert [
        matrix.agreement_of(w) for w in ("Accepted", "Partially agree", "Niet akkoord", "Gedeeltelijk akkoord")
    ] == [
        "agree",
        "partially_agree",
        "disagree",
        "partially_agree",
    ]
    assert [
        matrix.status_of(w) for w in ("Under way", "Not initiated", "in uitvoering", "gerealiseerd", "Ongoing")
    ] == [
        "in_progress",
        "to_start",
        "in_progress",
        "realised",
        "in_progress",
    ]


def test_units_named_together_are_split_by_their_names():
    assert matrix.split_units("Bureau for Policy and Programme Support and the IEO") == [
        "Bureau for Policy and Programme Support",
        "IEO",
    ]
    assert matrix.split_units("Office of Budget, Performance and Compliance") == [
        "Office of Budget, Performance and Compliance"
    ]
    assert matrix.split_units("Programme Management Support Unit, Inclusive Governance") == [
        "Programme Management Support Unit",
        "Inclusive Governance",
    ]
    assert matrix.split_units("Division of Data, Analytics, Planning and Monitoring (lead); Programme Group") == [
        "Division of Data, Analytics, Planning and Monitoring (lead)",
        "Programme Group",
    ]


def test_a_document_without_recommendation_bands_scores_low_for_the_matrix(tmp_path):
    import docx

    document = docx.Document()
    document.add_heading("Annual report", 1)
    document.add_paragraph("Nothing here is a recommendation.")
    path = tmp_path / "plain.docx"
    document.save(path)
    assert matrix.score(read_source(path.read_bytes(), "plain.docx")) == 0.0
