"""The response as a Word document: real headings, lists, hyperlinks, footnotes, tables with a
repeating header row, and the same text as the PDF (converted with LibreOffice, read back with
pdftotext, measured against the real document with the figures of shared/tools/fidelity.py)."""

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx.oxml.ns import qn

from office.word import docx_bytes
from tests.fixtures import SEED_TEXT
from tests.test_responses_pdf import fidelity


def paragraphs(data):
    return docx.Document(io.BytesIO(data)).paragraphs


def styles_used(data):
    return {p.style.name for p in paragraphs(data)}


def to_pdf(data: bytes, tmp_path: Path) -> Path:
    """The Word document converted by LibreOffice (headless), as a user's Word would print it."""
    source = tmp_path / "response.docx"
    source.write_bytes(data)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            "libreoffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return tmp_path / "response.pdf"


@pytest.mark.pdf
@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="libreoffice-writer-nogui (scripts/test installs it)")
def test_seed_in_word_converted_by_libreoffice_reproduces_the_real_documents_text_in_order(seed_response, tmp_path):
    pdf = to_pdf(docx_bytes(seed_response), tmp_path)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True).stdout
    bag, order = fidelity(SEED_TEXT.read_text(encoding="utf-8"), text.decode("utf-8"))
    print(f"words {bag:.4f} order {order:.4f}")
    assert bag >= 0.99
    assert order >= 0.95


W_NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}


def by_style(data, name):
    return [p.text for p in paragraphs(data) if p.style.name == name]


def test_the_seed_in_word_has_real_headings_lists_hyperlinks_a_footnote_and_a_repeating_header(client, seed_response):
    http = client.get(reverse("office:docx", args=[seed_response.slug]))  # published: anyone
    assert http.status_code == 200
    assert http["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert http["Content-Disposition"].endswith('.docx"')
    data = http.content
    document = docx.Document(io.BytesIO(data))
    assert by_style(data, "Title") == ["Managementresponse evaluatieopdracht leerecosystemen"]
    assert by_style(data, "Heading 1") == [
        "I. Inleiding",
        "II. Acties als antwoord op de aanbevelingen",
        "III. Aanbevelingen en (re)acties Europa WSE",
    ]
    assert "1. Aanpassingen aan het oproepkader" in by_style(data, "Heading 2")
    assert "1.1. Een vervolg voor het pilootprogramma via twee oproepen" in by_style(data, "Heading 3")
    assert any(text.startswith("Spoor 1:") for text in by_style(data, "Heading 3"))
    bullets = by_style(data, "List Bullet")
    assert "Aanbevelingen en de mate van akkoord vanuit Europa WSE;" in bullets
    # The running header: the title on every page.
    assert document.sections[0].header.paragraphs[0].text == seed_response.title
    # Hyperlinks: the four knowledge-sharing sessions, to their pages.
    links = [rel.target_ref for rel in document.part.rels.values() if rel.is_external]
    assert len([url for url in links if url.startswith("https://www.europawse.be/nieuws-en-publicaties/")]) == 4
    body = document.element.body
    external = body.xpath(".//w:hyperlink[@r:id]")
    assert "Netwerkstructuur en coalitievorming" in "".join(external[0].itertext())
    # The table's action numbers link to the bookmarks on the actions' headings.
    anchors = {h.get(qn("w:anchor")) for h in body.xpath(".//w:hyperlink[@w:anchor]")}
    bookmarks = {b.get(qn("w:name")) for b in body.findall(".//w:bookmarkStart", W_NS)}
    assert anchors
    assert anchors <= bookmarks
    # The footnote: a real Word footnote, called in action 4's text.
    package = zipfile.ZipFile(io.BytesIO(data))
    assert "word/footnotes.xml" in package.namelist()
    assert "footnotes+xml" in package.read("[Content_Types].xml").decode()
    notes = docx.oxml.parse_xml(package.read("word/footnotes.xml"))
    ours = [n for n in notes.findall("w:footnote", W_NS) if n.get(qn("w:type")) is None]
    assert len(ours) == 1
    assert "Netwerk Administratieve Organisatie (NAO)" in "".join(ours[0].itertext())
    assert len(body.findall(".//w:footnoteReference", W_NS)) == 1
    # The recommendations table: its header row repeats on every page.
    table = document.tables[0]
    first_row = table.rows[0]
    assert [c.text for c in first_row.cells] == [
        "Locatie rapport",
        "Aanbeveling",
        "Mate van akkoord vanuit Europa WSE",
        "Actienummer(s)",
    ]
    header_rows = body.xpath(".//w:tbl/w:tr[w:trPr/w:tblHeader]")
    assert len(header_rows) == 1
    text = "\n".join(c.text for row in table.rows for c in row.cells)
    assert "Gedeeltelijk akkoord" in text
    assert "Actie 3 – spoor 1 (systematisch leren)" in text


def test_the_matrix_layout_in_word_has_a_key_action_table_per_recommendation(db):
    from interchange.importer import import_file

    response = import_file(Path(__file__).parent / "data" / "uneg-matrix.yaml")
    data = docx_bytes(response)
    document = docx.Document(io.BytesIO(data))
    bands = by_style(data, "Heading 1")
    assert bands[:2] == ["RECOMMENDATION 1.", "RECOMMENDATION 2."]
    texts = [p.text for p in document.paragraphs]
    assert "Management response: Accepted" in texts
    assert "Management response: Partially accepted" in texts
    assert document.tables
    for table in document.tables:
        assert [c.text for c in table.rows[0].cells] == [
            "Key action(s)",
            "Time frame",
            "Responsible unit(s)",
            "Tracking*: Comments",
            "Status",
        ]
    first = document.tables[0].rows[1].cells
    assert first[0].text.startswith("1.1 Revise the results framework")
    assert first[1].text == "January–April 2025"
    assert first[2].text == "Programme Management Support Unit, Inclusive Governance"
    assert "* Implementation is tracked in the database of Country Office." in texts
    # The title block labels its dates: a month as a month, the draft's date as the day it was printed.
    assert "In response to: Independent Country Programme Evaluation, delivered in February 2025" in texts
    assert any(t.startswith("Draft · printed on ") for t in texts)


def test_a_dated_draft_in_word_shows_its_date_after_its_status(db):
    import datetime

    from tests.factories import ManagementResponseFactory

    draft = ManagementResponseFactory(status="draft", published_on=datetime.date(2024, 11, 20))
    texts = [p.text for p in docx.Document(io.BytesIO(docx_bytes(draft))).paragraphs]
    assert "Ontwerp · 20 november 2024" in texts[:6]
    assert not any("afgedrukt" in t for t in texts)


def test_the_word_document_prints_the_chapters_and_the_seeds_labelled_date(seed_response):
    from responses.models import Chapter

    Chapter.objects.create(response=seed_response, placement="after", heading="Bijlage", body="Slotwoord.")
    texts = [p.text for p in docx.Document(io.BytesIO(docx_bytes(seed_response))).paragraphs]
    assert texts.index("I. Inleiding") < texts.index("II. Acties als antwoord op de aanbevelingen")
    assert texts[-2:] == ["Bijlage", "Slotwoord."]
    assert any(t.startswith("Afgedrukt op ") for t in texts[:6])  # published without a date: labelled


def test_numbered_lists_restart_and_nested_lists_go_a_level_down(db):
    from tests.factories import ActionFactory, ManagementResponseFactory

    response = ManagementResponseFactory(introduction="1. een\n2. twee\n\nTussen.\n\n1. drie\n   - dieper\n")
    ActionFactory(
        response=response,
        narrative="Zie [de site](https://example.org/x) en **vet**.\n\n### Tussentitel\n\n1. x\n   1. y\n",
    )
    data = docx_bytes(response)
    document = docx.Document(io.BytesIO(data))
    numbered = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in numbered] == ["een", "twee", "drie", "x"]
    style = ".//w:pPr/w:pStyle[@w:val='ListNumber']/../w:numPr/w:numId"
    num_ids = [n.get(qn("w:val")) for n in document.element.body.xpath(style)]
    assert len(num_ids) == 4  # each item names its numbering instance
    assert num_ids[0] == num_ids[1] != num_ids[2] != num_ids[3]
    assert [p.text for p in document.paragraphs if p.style.name == "List Bullet 2"] == ["dieper"]
    assert [p.text for p in document.paragraphs if p.style.name == "List Number 2"] == ["y"]
    # The narrative's own sub-heading: one level below its action's heading (Heading 2).
    assert "Tussentitel" in [p.text for p in document.paragraphs if p.style.name == "Heading 3"]
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "vet" in bold


def test_export_docx_writes_the_word_document(seed_response, tmp_path):
    call_command("export_docx", seed_response.slug, "-o", str(tmp_path))
    (written,) = tmp_path.glob("*.docx")
    assert written.name.startswith("managementresponse-evaluatieopdracht-leerecosystemen-")
    assert by_style(written.read_bytes(), "Heading 1")[0] == "I. Inleiding"
