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

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


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
