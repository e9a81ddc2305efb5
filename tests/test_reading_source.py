"""Opening a document for the readers (reading/source.py): its lines and tables, and the documents it
refuses, each with a message for the user and within bounded time and memory.

The files are made here: small PDFs written by hand (text in Helvetica), Word documents by
python-docx, an encrypted PDF by pypdf, a scan-like PDF (an image only) by Pillow."""

import io
import zipfile
import zlib

import docx
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from reading.source import Unreadable, read_source


def pdf_bytes(pages, *, streams=None):
    """A PDF with one page per item of ``pages`` (a list of (x, y, size, text) per page, Helvetica and
    Helvetica-Bold when the text starts with "**"); ``streams`` replaces the pages' content streams
    (bytes, written as they are, with their own /Filter)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        None,  # the page tree, below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
    ]
    kids = []
    for index, texts in enumerate(pages):
        if streams is not None:
            content, extra = streams[index]
        else:
            ops = []
            for x, y, size, text in texts:
                font = "/F2" if text.startswith("**") else "/F1"
                text = text.removeprefix("**").replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                ops.append(f"BT {font} {size} Tf {x} {y} Td ({text}) Tj ET")
            content, extra = "\n".join(ops).encode("latin-1"), b""
        objects.append(b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream")
        content_number = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % content_number
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


LETTER = [
    [
        (72, 800, 8, "Managementresponse evaluatie"),
        (72, 700, 16, "**I. Inleiding"),
        (72, 670, 11, "De evaluatie beveelt aan om te blijven inzetten."),
        (72, 40, 8, "1"),
    ],
    [
        (72, 800, 8, "Managementresponse evaluatie"),
        (72, 700, 11, "Tweede pagina, tweede alinea."),
        (72, 40, 8, "2"),
    ],
]


def docx_bytes(build):
    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def refusal(data, filename):
    with pytest.raises(Unreadable) as refused:
        read_source(data, filename)
    return refused.value


# --- what is read ------------------------------------------------------------------------------


def test_a_pdf_gives_its_lines_in_order_with_page_font_and_running_headers():
    source = read_source(pdf_bytes(LETTER), "brief.pdf")
    assert source.kind == "pdf"
    assert source.pages == 2
    body = [(line.page, line.text) for line in source.body()]
    assert body == [
        (1, "I. Inleiding"),
        (1, "De evaluatie beveelt aan om te blijven inzetten."),
        (2, "Tweede pagina, tweede alinea."),
    ]
    heading = source.body()[0]
    assert heading.bold
    assert heading.size == 16
    assert not source.body()[1].bold
    running = [line.text for line in source.lines if line.running]
    assert running == ["Managementresponse evaluatie", "1", "Managementresponse evaluatie", "2"]


def test_a_pdf_line_is_split_where_the_columns_of_a_table_are():
    source = read_source(
        pdf_bytes([[(72, 700, 10, "p. 190"), (150, 700, 10, "Zorg voor een visie"), (400, 700, 10, "Akkoord")]]),
        "t.pdf",
    )
    assert [line.text for line in source.lines] == ["p. 190", "Zorg voor een visie", "Akkoord"]


def test_a_docx_gives_paragraphs_with_styles_list_numbers_and_table_cells():
    def build(document):
        document.add_heading("Aanbevelingen", level=1)
        document.add_paragraph("Eerste punt", style="List Number")
        document.add_paragraph("Tweede punt", style="List Number")
        document.add_paragraph("Een punt", style="List Bullet")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "Locatie rapport"
        table.cell(0, 1).text = "Aanbeveling"
        table.cell(1, 0).text = "p. 190"
        table.cell(1, 1).text = "Zorg voor een visie"
        document.add_page_break()
        paragraph = document.add_paragraph()
        paragraph.add_run("Vet").bold = True
        paragraph.add_run(" en gewoon")

    source = read_source(docx_bytes(build), "antwoord.docx")
    assert source.kind == "docx"
    texts = [(line.page, line.style, line.text) for line in source.lines if line.table < 0]
    assert texts == [
        (1, "Heading 1", "Aanbevelingen"),
        (1, "List Number", "1. Eerste punt"),
        (1, "List Number", "2. Tweede punt"),
        (1, "List Bullet", "• Een punt"),
        (2, "Normal", "Vet en gewoon"),
    ]
    assert source.pages == 2
    assert source.lines[0].bold
    assert source.tables[0].rows == [["Locatie rapport", "Aanbeveling"], ["p. 190", "Zorg voor een visie"]]
    in_table = [(line.cell, line.text) for line in source.lines if line.table == 0]
    assert in_table[-1] == ((1, 1), "Zorg voor een visie")
    last = source.lines[-1]
    assert [(run.text, run.bold) for run in last.runs] == [("Vet", True), (" en gewoon", False)]


# --- what is refused ---------------------------------------------------------------------------


def test_an_encrypted_pdf_is_refused_with_a_message():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(LETTER))))
    writer.encrypt(user_password="geheim", owner_password="geheim", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    error = refusal(out.getvalue(), "beveiligd.pdf")
    assert error.code == "encrypted"
    assert "wachtwoord" in str(error.message)


def test_a_scanned_pdf_without_text_is_refused_with_a_message():
    image = Image.new("RGB", (600, 800), "white")
    out = io.BytesIO()
    image.save(out, "PDF")
    error = refusal(out.getvalue(), "scan.pdf")
    assert error.code == "no_text"
    assert "Er staat geen tekst in dit document" in str(error.message)
    assert "uitwisselingsbestand" in str(error.message)


def test_a_pdf_over_the_page_limit_is_refused_before_it_is_read(settings):
    settings.READING_MAX_PAGES = 20
    error = refusal(pdf_bytes([LETTER[1]] * 21), "lang.pdf")
    assert error.code == "pages"
    assert "21 pagina's" in str(error.message)
    assert "20" in str(error.message)


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.READING_MAX_BYTES = 1000
    error = refusal(pdf_bytes(LETTER * 5), "groot.pdf")
    assert error.code == "size"


def test_a_damaged_pdf_is_refused():
    error = refusal(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R\n garbage \x00\x01", "kapot.pdf")
    assert error.code == "damaged"
    assert "beschadigd" in str(error.message)


def test_a_file_that_is_neither_pdf_nor_docx_is_refused():
    error = refusal(b"Gewoon wat tekst.", "notities.txt")
    assert error.code == "kind"


def test_a_docx_that_is_no_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("iets.txt", "geen Word")
    error = refusal(out.getvalue(), "vals.docx")
    assert error.code == "damaged"


def test_a_docx_zip_bomb_is_refused_before_it_is_unpacked():
    data = docx_bytes(lambda document: document.add_paragraph("Kort."))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in original.infolist():
            bomb.writestr(member, original.read(member))
        bomb.writestr("word/media/nullen.bin", b"\0" * (50 * 1024 * 1024))  # 50 MB in about 50 kB
    assert len(out.getvalue()) < 200_000
    error = refusal(out.getvalue(), "bom.docx")
    assert error.code == "bomb"
    assert "zip-bom" in str(error.message)


def test_a_docx_whose_zip_directory_lies_about_sizes_is_still_bounded(settings):
    settings.READING_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    data = docx_bytes(lambda document: document.add_paragraph("Kort. " * 10))
    out = io.BytesIO()
    big = b"<w:document/>" + b" " * (3 * 1024 * 1024)
    with zipfile.ZipFile(io.BytesIO(data)) as original, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in original.infolist():
            archive.writestr(member, original.read(member))
        archive.writestr("word/media/groot.xml", big)
    # The directory says the member is small; its compressed data unpacks to 3 MB.
    patched = bytearray(out.getvalue())
    name = b"word/media/groot.xml"
    central = patched.rfind(b"PK\x01\x02", 0, patched.rfind(name))
    patched[central + 24 : central + 28] = (1000).to_bytes(4, "little")  # uncompressed size
    error = refusal(bytes(patched), "liegt.docx")
    assert error.code in ("bomb", "damaged")


def test_a_pdf_decompression_bomb_ends_in_its_bounds(settings):
    """A page whose content stream unpacks to 400 MB (from about 400 kB): the child that reads it
    meets its memory bound, and the caller gets a message, its own memory untouched."""
    settings.READING_MEMORY_MIB = 300
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(b" " * (1024 * 1024)) for _ in range(400)]
    stream = b"".join(chunks) + compressor.flush()
    data = pdf_bytes([[]], streams=[(stream, b"/Filter /FlateDecode ")])
    assert len(data) < 1024 * 1024
    error = refusal(data, "bom.pdf")
    assert error.code in ("bomb", "complex")
    assert "te zwaar" in str(error.message)
