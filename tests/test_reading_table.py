"""Reading the table shape back (reading/readers/table.py): the product's own table-layout PDF and
Word documents give the same data as the response they were made from, scored field by field by
the issue's tool (tests/fieldscore.py, a copy of /work/shared/tools/fieldscore.py) against the
response's own export. The PDFs are rendered once per module (a 300-recommendation PDF takes
10-20 s)."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.db import transaction

from actions.models import Action
from benchmarks.synthetic import synthetic_response
from interchange.exporter import dump, export_response
from interchange.importer import import_file
from interchange.parse import from_data
from office.word import docx_bytes
from reading.read import read_document
from reading.readers import table
from reading.source import read_source
from recommendations.models import Recommendation
from responses.models import ManagementResponse
from tests.fixtures import SEED

FIELDSCORE = Path(__file__).parent / "fieldscore.py"


def fieldscore(read: dict, truth: str, tmp_path) -> str:
    """The tool's last line for ``read`` (interchange data) against ``truth`` (an export)."""
    read_file = tmp_path / "read.yaml"
    truth_file = tmp_path / "truth.yaml"
    read_file.write_text(dump(read), encoding="utf-8")
    truth_file.write_text(truth, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, FIELDSCORE, read_file, truth_file, "--min", "1.0"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip()


def rendered(django_db_blocker, make):
    """``make(response)`` for the seed and the synthetic response, in a transaction rolled back."""
    from document import pdf

    with django_db_blocker.unblock(), transaction.atomic():
        response = make()
        result = (export_response(response), pdf.render_pdf(response))
        transaction.set_rollback(True)
    return result


@pytest.fixture(scope="module")
def seed_pdf(django_db_setup, django_db_blocker):
    """(the seed's export, its table-layout PDF)."""
    return rendered(django_db_blocker, lambda: import_file(SEED))


@pytest.fixture(scope="module")
def synthetic_pdf(django_db_setup, django_db_blocker):
    """(the export, the PDF) of a response with 300 recommendations and 96 actions and parts (98 pages)."""
    return rendered(django_db_blocker, synthetic_response)


@pytest.mark.pdf
def test_the_seeds_own_pdf_reads_back_at_fieldscore_one(seed_pdf, tmp_path):
    truth, data = seed_pdf
    found = read_document(data, "leerecosystemen.pdf")
    assert found.shape == "table"
    assert fieldscore(found.data, truth, tmp_path) == (
        "fields 1.0000 (214/214); recommendations 19/19 read, 0 extra; actions 15/15 read, 0 extra"
    )
    assert found.unread == []


@pytest.mark.pdf
def test_the_seeds_pdf_gives_the_title_block_links_footnote_and_pages(seed_pdf):
    _truth, data = seed_pdf
    found = read_document(data, "leerecosystemen.pdf")
    response = found.data["response"]
    assert response["title"] == "Managementresponse evaluatieopdracht leerecosystemen"
    assert response["organisation"] == "Europa WSE"
    assert response["responsible_team"] == "team Ondernemen en Leren in Ecosystemen"
    assert response["evaluation"]["title"] == "Evaluatie van het pilootprogramma Leerecosystemen"
    assert str(response["evaluation"]["delivered_on"]) == "2024-09-30"
    assert "vocabulary" not in response  # the document's words are the layout's own
    actions = {a["number"]: a for a in found.data["actions"]}
    assert actions["4"]["status"] == "to_start"
    assert actions["4"]["status_note"] == "in 2025"
    assert "[^1]" in actions["4"]["narrative"]
    assert "[^1]: Uit de evaluatie blijkt het Netwerk Administratieve Organisatie" in actions["4"]["narrative"]
    assert (
        "[Governance en rollen in de vijf pilootprojecten (8 december 2023)](https://www.europawse.be/"
        in (actions["5"]["narrative"])
    )
    parts = {p["number"]: p for p in actions["3"]["parts"]}
    assert parts["3 – spoor 2"]["label"] == "Spoor 2:"
    assert parts["3 – spoor 2"]["status"] == "inherited"
    last = found.data["groups"][2]["themes"][-1]["recommendations"][-1]
    assert last["agreement"] == ""  # not decided yet, as printed
    assert last["actions"][0] == {"action": "3 – spoor 2", "qualifier": "(impact)"}
    assert found.pages["response"] == 1
    assert found.pages["actions[0]"] == 2
    assert found.pages["recommendations[18]"] == 11
    # The read data is a valid interchange file.
    parsed = from_data(found.data)
    assert len(parsed.actions) == 5


@pytest.mark.pdf
def test_a_300_recommendation_pdf_reads_back_at_fieldscore_one(synthetic_pdf, tmp_path):
    truth, data = synthetic_pdf
    found = read_document(data, "synthetisch.pdf")
    assert fieldscore(found.data, truth, tmp_path) == (
        "fields 1.0000 (2586/2586); recommendations 300/300 read, 0 extra; actions 96/96 read, 0 extra"
    )


def test_the_seeds_own_word_document_reads_back_at_fieldscore_one(seed_response, tmp_path):
    found = read_document(docx_bytes(seed_response), "leerecosystemen.docx")
    assert found.shape == "table"
    assert fieldscore(found.data, export_response(seed_response), tmp_path) == (
        "fields 1.0000 (214/214); recommendations 19/19 read, 0 extra; actions 15/15 read, 0 extra"
    )


def test_an_english_document_with_board_words_maps_them_and_keeps_them_as_its_vocabulary(seed_response, tmp_path):
    ManagementResponse.objects.filter(pk=seed_response.pk).update(language="en", vocabulary_preset="executive_board")
    # The introduction is the first chapter, its heading data in the document's language.
    seed_response.chapters.filter(heading="I. Inleiding").update(heading="I. Introduction")
    response = ManagementResponse.objects.get(pk=seed_response.pk)
    found = read_document(docx_bytes(response), "response.docx")
    data = found.data
    assert data["response"]["language"] == "en"
    vocabulary = data["response"]["vocabulary"]
    assert vocabulary["preset"] == "executive_board"  # "Agree", "Partially agree"
    # The table prints statuses in the layout's own words: kept over the preset's.
    assert vocabulary["words"] == {"realised": "realised", "in_progress": "in progress", "to_start": "to be started"}
    agreements = [
        rec["agreement"] for group in data["groups"] for theme in group["themes"] for rec in theme["recommendations"]
    ]
    assert agreements.count("agree") == 17
    assert agreements.count("partially_agree") == 1
    assert fieldscore(data, export_response(response), tmp_path).startswith("fields 1.0000")


def test_read_document_writes_a_file_that_import_response_imports(seed_response, tmp_path):
    document = tmp_path / "leerecosystemen.docx"
    document.write_bytes(docx_bytes(seed_response))
    out = tmp_path / "read.yaml"
    before = ManagementResponse.objects.count()
    call_command("read_document", document, "--layout", "table", "-o", out)
    assert ManagementResponse.objects.count() == before  # reading imports nothing
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["format"] == "managementresponse/3"
    call_command("import_response", out)
    read = ManagementResponse.objects.get(slug=data["response"]["slug"])
    assert read.pk != seed_response.pk
    assert Recommendation.objects.for_response(read).count() == 19
    assert Action.objects.filter(response=read).count() == 15
    assert Action.objects.get(response=read, number="4").status == "to_start"


def test_read_document_says_why_a_document_cannot_be_read(tmp_path):
    from django.core.management.base import CommandError

    scan = tmp_path / "scan.pdf"
    from PIL import Image

    Image.new("RGB", (200, 300), "white").save(scan, "PDF")
    with pytest.raises(CommandError, match="Er staat geen tekst in dit document"):
        call_command("read_document", scan, "-o", tmp_path / "out.yaml")
    assert not (tmp_path / "out.yaml").exists()


def test_the_table_shape_scores_its_own_documents_high_and_plain_text_low(seed_response):
    assert table.score(read_source(docx_bytes(seed_response), "seed.docx")) == 1.0
    from tests.test_reading_source import LETTER, pdf_bytes

    assert table.score(read_source(pdf_bytes(LETTER), "brief.pdf")) == 0.0


@pytest.mark.pdf
def test_both_pdf_engines_give_the_same_lines_tables_links_and_notes(seed_pdf, settings):
    _truth, data = seed_pdf
    settings.READING_PDF_ENGINE = "pdfium"
    pdfium = read_source(data, "seed.pdf")
    settings.READING_PDF_ENGINE = "pdfplumber"
    plumber = read_source(data, "seed.pdf")

    def seen(source):  # positions to the point: the libraries round differently below that
        return [
            (
                line.page,
                line.text,
                line.runs,
                line.bold,
                line.table,
                line.cell,
                line.running,
                line.footnote,
                round(line.x0),
                round(line.top),
                round(line.size, 1),
            )
            for line in source.lines
        ]

    assert seen(pdfium) == seen(plumber)
    assert [t.rows for t in pdfium.tables] == [t.rows for t in plumber.tables]
    assert [link.uri for link in pdfium.links] == [link.uri for link in plumber.links]
    assert pdfium.notes == plumber.notes
    assert len(pdfium.tables) == 4


@pytest.mark.pdf
def test_chapters_a_publication_date_and_recommendations_without_a_group_read_back(db, tmp_path):
    """The parts of the table layout the seed does not use: free chapters before and after the
    table, a publication date, a recommendation without a group (printed first in the table)."""
    import datetime

    from document import pdf
    from interchange.importer import import_response

    data = yaml.safe_load(SEED.read_text(encoding="utf-8"))
    data["response"]["published_on"] = datetime.date(2025, 3, 31)
    # The introduction stays the first chapter ("I. Inleiding": the title block ends at the first
    # numbered chapter; docs/reading.md), a free chapter after it.
    data["response"]["chapters"] = [
        *data["response"]["chapters"][:1],
        {"placement": "before", "heading": "Samenvatting", "body": "Een korte samenvatting.\n\n- een;\n- twee."},
        {"placement": "after", "heading": "Bijlage", "body": "Tekst van de bijlage."},
    ]
    data["recommendations"] = [
        {
            "number": "",
            "location": "p. 12",
            "text": "Een losse aanbeveling zonder groep.",
            "agreement": "disagree",
            "response": "",
            "justification": "Omdat het niet kan.",
            "actions": ["2.1"],
        }
    ]
    data["format"] = "managementresponse/3"
    response = import_response(parsed=from_data(data))
    found = read_document(pdf.render_pdf(response), "antwoord.pdf")
    assert fieldscore(found.data, export_response(response), tmp_path) == (
        "fields 1.0000 (221/221); recommendations 20/20 read, 0 extra; actions 15/15 read, 0 extra"
    )
    read = found.data["response"]
    assert read["chapters"] == data["response"]["chapters"]
    assert read["published_on"] == datetime.date(2025, 3, 31)
    assert found.data["recommendations"] == data["recommendations"]
