"""Reading the Board of Auditors shape (reading/readers/auditors.py): the three real status reports
of tests/data/documents/ (UNDP, UNOPS, UNFPA; their truth files typed by hand) read through
``read_document`` at fieldscore >= 0.95 with no extra and no missing recommendation; the shape's
score wins on them and is zero on every other document there and on the product's own PDFs.

Scoring runs the issue's tool: tests/fieldscore.py, a copy of /work/shared/tools/fieldscore.py
(its exit status says: fields >= --min, no extra recommendation or action, none missing)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from interchange.exporter import dump
from interchange.importer import import_file
from interchange.parse import from_data
from reading.read import read_document
from reading.readers import READERS, auditors
from reading.source import read_source

DOCUMENTS = Path(__file__).parent / "data" / "documents"
FIELDSCORE = Path(__file__).parent / "fieldscore.py"
AUDITORS = ["dp-2025-3", "dp-ops-2025-1", "dp-fpa-2025-2"]
OTHERS = sorted(
    path.stem
    for path in DOCUMENTS.glob("*.pdf")
    if path.stem not in AUDITORS and (DOCUMENTS / f"{path.stem}.truth.yaml").exists()
)
# What each document reads at (the figures of docs/reading.md, "Real documents").
FIGURES = {
    "dp-2025-3": "fields 1.0000 (486/486); recommendations 40/40 read, 0 extra; actions 40/40 read, 0 extra",
    "dp-ops-2025-1": "fields 0.9974 (377/378); recommendations 31/31 read, 0 extra; actions 31/31 read, 0 extra",
    "dp-fpa-2025-2": "fields 0.9966 (592/594); recommendations 49/49 read, 0 extra; actions 49/49 read, 0 extra",
}


def fieldscore(found_data: dict, slug: str, tmp_path) -> tuple[int, str]:
    """(the tool's exit status at --min 0.95, its last line) for what was read against the truth."""
    read_file = tmp_path / f"{slug}.read.yaml"
    read_file.write_text(dump(found_data), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, FIELDSCORE, read_file, DOCUMENTS / f"{slug}.truth.yaml", "--min", "0.95", "--show", "50"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout.strip()


@pytest.fixture(scope="module")
def read_documents():
    """{slug: what read_document found} for the three Board of Auditors reports (read once)."""
    return {slug: read_document((DOCUMENTS / f"{slug}.pdf").read_bytes(), f"{slug}.pdf") for slug in AUDITORS}


@pytest.mark.parametrize("slug", AUDITORS)
def test_a_board_of_auditors_report_reads_at_fieldscore_095_with_every_recommendation(slug, read_documents, tmp_path):
    found = read_documents[slug]
    assert found.shape == "auditors"
    status, summary = fieldscore(found.data, slug, tmp_path)
    last = summary.splitlines()[-1]
    score = float(re.search(r"fields (\d\.\d+)", last).group(1))
    assert score >= 0.95, summary
    read, total, extra = map(int, re.search(r"recommendations (\d+)/(\d+) read, (\d+) extra", last).groups())
    assert (read, extra) == (total, 0), summary
    assert re.search(r"actions (\d+)/\1 read, 0 extra", last), summary
    assert status == 0, summary
    assert last == FIGURES[slug]


def test_what_is_read_is_an_interchange_file_that_imports(read_documents, tmp_path, db):
    found = read_documents["dp-fpa-2025-2"]
    parsed = from_data(found.data)
    assert len(parsed.actions) == 49
    path = tmp_path / "dp-fpa-2025-2.yaml"
    path.write_text(dump(found.data), encoding="utf-8")
    response = import_file(path)
    assert response.slug == "dp-fpa-2025-2"
    assert response.recommendations.count() == 49


def test_the_fields_block_gives_units_status_and_the_revised_target_date(read_documents):
    data = read_documents["dp-2025-3"].data
    actions = {action["number"]: action for action in data["actions"]}
    # Paragraph 52 of 2023: three units named in one field, "Closure requested".
    assert actions["3"]["responsible_units"] == [
        "Office of Financial Management",
        "Global Shared Service Centre",
        "Office of Information and Technology Management",
    ]
    assert actions["3"]["status"] == "realised"
    prior = data["groups"][1]
    assert prior["title"] == "IV. Status of recommendations from prior financial periods"
    first_of_2022 = prior["themes"][1]["recommendations"][0]
    assert first_of_2022["location"] == "paragraph 37"
    assert first_of_2022["number"] == ""
    assert first_of_2022["text"].startswith("In paragraph 37, the Board recommended that UNDP (a) carry out")
    assert first_of_2022["agreement"] == ""  # the overview's "agreed with all" is about 2023's
    action = actions[first_of_2022["actions"][0]]
    assert action["time_frame"] == "First quarter of 2025"  # revised; the original was 2024's first quarter
    assert data["groups"][0]["themes"][0]["recommendations"][0]["agreement"] == "agree"
    assert data["response"]["vocabulary"]["words"]["realised"] == "Closure requested"


def test_the_title_block_names_the_organisation_the_board_report_and_its_month(read_documents):
    response = read_documents["dp-ops-2025-1"].data["response"]
    assert response["slug"] == "dp-ops-2025-1"
    assert response["organisation"] == "United Nations Office for Project Services"  # behind "UNOPS:"
    assert str(response["published_on"]) == "2024-11-20"
    assert response["evaluation"]["delivered_on"] == "2024-07"
    assert response["evaluation"]["title"].endswith("(A/79/5/Add.11)")
    fpa = read_documents["dp-fpa-2025-2"].data["response"]
    assert fpa["organisation"] == "United Nations Population Fund"  # its own line above the title
    assert (
        fpa["title"]
        == "Report on the recommendations of the United Nations Board of Auditors for 2023 Status of implementation"
    )


@pytest.fixture(scope="module")
def other_sources():
    return {slug: read_source((DOCUMENTS / f"{slug}.pdf").read_bytes(), f"{slug}.pdf") for slug in OTHERS}


def test_the_auditors_score_wins_on_its_documents_and_is_zero_on_every_other_real_document(other_sources):
    assert len(OTHERS) >= 6
    for slug in AUDITORS:
        source = read_source((DOCUMENTS / f"{slug}.pdf").read_bytes(), f"{slug}.pdf")
        scores = {reader.SHAPE: reader.score(source) for reader in READERS}
        assert scores["auditors"] == 1.0, (slug, scores)
        assert all(score < 1.0 for shape, score in scores.items() if shape != "auditors"), (slug, scores)
    for slug, source in other_sources.items():
        assert auditors.score(source) == 0.0, slug


@pytest.mark.pdf
@pytest.mark.django_db  # so that the test database is made when this test runs alone
def test_the_products_own_pdfs_and_word_file_do_not_look_like_a_board_of_auditors_report(our_own_documents):
    for name in ("seed-table.pdf", "seed-matrix.pdf", "seed-matrix.docx"):
        data = our_own_documents[name]
        source = read_source(data, name)
        assert auditors.score(source) == 0.0, name
        assert read_document(data, name).shape != "auditors", name


@pytest.mark.parametrize(
    ("printed", "units"),
    [
        (
            "Office of Financial Management, Global Shared Service Centre and Office of Information and "
            "Technology Management",
            [
                "Office of Financial Management",
                "Global Shared Service Centre",
                "Office of Information and Technology Management",
            ],
        ),
        (
            "Office of Budget, Performance and Compliance and Office of Financial Management",
            ["Office of Budget, Performance and Compliance", "Office of Financial Management"],
        ),
        (
            "Global Shared Service Centre and Information and Technology Management Office",
            ["Global Shared Service Centre", "Information and Technology Management Office"],
        ),
        (
            "Bureau for Policy and Programme Support and all regional bureaux",
            ["Bureau for Policy and Programme Support", "all regional bureaux"],
        ),
        ("Peace and Security Cluster", ["Peace and Security Cluster"]),
        ("Process innovation and digitalization programme", ["Process innovation and digitalization programme"]),
        ("Office of Audit and Investigation Services", ["Office of Audit and Investigation Services"]),
        ("", []),
    ],
)
def test_a_field_of_units_is_one_entry_per_unit_named(printed, units):
    assert auditors.units(printed) == units


def test_an_actions_title_is_the_first_sentence_cut_at_a_comma_past_300_characters():
    assert auditors.first_sentence("UNDP is drafting a policy, e.g. a new one. It will be issued.") == (
        "UNDP is drafting a policy, e.g. a new one.",
        "It will be issued.",
    )
    long = "UNDP will " + "review the rules, " * 25 + "and report. Then more."
    title, rest = auditors.first_sentence(long)
    assert len(title) <= 300
    assert title.endswith("review the rules")
    assert rest.endswith("and report. Then more.")


STATUS_PRINTED = {"in_progress": "Under implementation", "realised": "Closure requested", "to_start": "Not implemented"}


def auditors_docx(truth: dict) -> bytes:
    """A Word document laid out in the Board of Auditors shape from a truth file: the title, then per
    chapter (14 pt bold) and section (12 pt bold) each recommendation as a numbered paragraph in bold,
    its fields as a two-column table (label | value) and the "Management response:" paragraphs.
    Made here, in the test: no real Word report of this shape was found (tests/data/documents/README.md)."""
    import io

    import docx
    from docx.shared import Pt

    document = docx.Document()
    document.styles["Normal"].font.size = Pt(10)

    def paragraph(text, size=10, bold=False, number=""):
        p = document.add_paragraph()
        if number:
            p.add_run(f"{number}. ").font.size = Pt(size)
        run = p.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)

    response = truth["response"]
    paragraph("DP/2025/3")
    paragraph("Distr.: General")
    paragraph("2 December 2024")
    title = document.add_paragraph(style="Title")
    title.add_run(response["title"]).bold = True
    paragraph(  # DP/2025/3's summary and overview, as printed
        "In July 2024, the United Nations Board of Auditors formally issued its audit report for UNDP "
        "(A/79/5/Add.1) and awarded UNDP an unqualified (clean) audit opinion for the year ended 31 December 2023."
    )
    paragraph("I. Overview", size=14, bold=True)
    paragraph(
        "The Board of Auditors issued 30 audit recommendations for the period under review. Management "
        "agreed with all recommendations and has started to implement them.",
        number="1",
    )
    actions = {action["number"]: action for action in truth["actions"]}
    number = 1
    for group in truth["groups"]:
        paragraph(group["title"], size=14, bold=True)
        for theme in group["themes"]:
            paragraph(theme["heading"], size=12, bold=True)
            for recommendation in theme["recommendations"]:
                number += 1
                paragraph(recommendation["text"], bold=True, number=str(number))
                action = actions[recommendation["actions"][0]]
                units = action["responsible_units"]
                printed_units = ", ".join(units[:-1]) + " and " + units[-1] if len(units) > 1 else units[0]
                table = document.add_table(rows=0, cols=2)
                for label, value in (
                    ("Department(s) responsible:", printed_units),
                    ("Status:", STATUS_PRINTED[action["status"]]),
                    ("Priority:", "Medium"),
                    ("Target date:", action["time_frame"]),
                ):
                    cells = table.add_row().cells
                    cells[0].text, cells[1].text = label, value
                number += 1
                for n, text in enumerate(recommendation["response"].split("\n\n")):
                    paragraph(("Management response: " if n == 0 else "") + text, number=str(number + n))
                number += recommendation["response"].count("\n\n")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_shape_in_word_reads_the_same(tmp_path):
    truth = yaml.safe_load((DOCUMENTS / "dp-2025-3.truth.yaml").read_text(encoding="utf-8"))
    found = read_document(auditors_docx(truth), "dp-2025-3.docx")
    assert found.shape == "auditors"
    status, summary = fieldscore(found.data, "dp-2025-3", tmp_path)
    assert status == 0, summary
    assert summary.splitlines()[-1] == FIGURES["dp-2025-3"]
    assert found.data["response"]["title"] == truth["response"]["title"]
    assert found.data["groups"][1]["themes"][0]["heading"].startswith("Report of the Board of Auditors")
