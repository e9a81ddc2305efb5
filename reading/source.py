"""A document's text as the readers see it: lines with their page, position and font, and tables.

``read_source(data, filename)`` opens a PDF (pdfplumber, with pypdfium2 for the first checks) or a
DOCX (python-docx) within limits and returns a ``Source``; a document it cannot read raises
``Unreadable`` with a message for the user. Nothing here touches the database.

The limits (settings, see config/settings.py):

* ``READING_MAX_BYTES``: the upload's size;
* ``READING_MAX_PAGES``: pages of a PDF (counted before any text is read), or of a DOCX (its page
  breaks);
* a DOCX is a ZIP: its members' sizes are checked from the ZIP's directory before anything is
  unpacked (``READING_MAX_UNPACKED_BYTES`` in all, a ratio of ``core.zipcopy.MAX_RATIO`` per member), then every
  member is unpacked with a hard cap, so a directory that lies is caught too (as office/sheet.py
  does for XLSX); python-docx's XML parser resolves no entities;
* the work itself runs in a child process (core/bounded.py) within ``READING_SECONDS`` and
  ``READING_MEMORY_MIB``: a PDF whose streams unpack to gigabytes (a decompression bomb), or whose
  pages take minutes to parse, ends the child, not the worker, and is refused.

The child knows no Django (no settings, no translations): it gets the limits as arguments and
returns a ``Source`` or a refusal code; the caller turns a code into a message.

Lines come in reading order: page by page, top to bottom, left to right. A PDF line is split where
a gap wider than about a word's space separates its words (the columns of a table become lines of
their own). Every line knows the table it sits in (``table``, an index into ``Source.tables``) and
its cell (``cell``: row, column), so a reader may use the lines with their fonts or the table's
cells. Running headers, footers and page numbers are marked (``running``), not removed.

In a DOCX, ``page`` counts the document's page breaks (Word's own where it saved them, else the
hard breaks), ``top`` is the paragraph's index in the document, ``x0`` its indent in points, and a
list item's text starts with its number or bullet as Word prints it ("1.", "a)", "•").
"""

import dataclasses
import functools
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import zipcopy

MAX_MEMBERS = 2_000


class Unreadable(Exception):
    """A document that cannot be read; ``message`` says why, for the user (a translatable text)."""

    def __init__(self, message, code: str = ""):
        self.message = message
        self.code = code  # "encrypted", "no_text", "pages", "size", "damaged", "bomb", "complex", "kind"
        super().__init__(str(message))


@dataclass(frozen=True)
class Run:
    """A stretch of a line in one style: ``superscript`` for a footnote call (smaller and raised)."""

    text: str
    bold: bool = False
    italic: bool = False
    superscript: bool = False
    uri: str = ""  # the target of the hyperlink the text is in


@dataclass(frozen=True)
class Line:
    """One line of text as printed: its page (1-based), its box in points and its font."""

    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool = False
    italic: bool = False
    runs: tuple[Run, ...] = ()  # the line's text in style runs (joined, they give ``text``)
    table: int = -1  # index of the table it sits in (Source.tables), -1 outside tables
    cell: tuple[int, int] | None = None  # (row, column) in that table
    running: bool = False  # a running header or footer, or a page number
    footnote: bool = False  # in the footnote area at the foot of a page (its text is in Source.notes)
    style: str = ""  # DOCX: the paragraph's style name ("Heading 2", "List Bullet")


@dataclass
class Table:
    """A table as printed: its page (where it starts) and its rows of cell texts (lines joined by newlines).

    A cell merged into its neighbour reads "". PDF tables are per page (a table that runs over three
    pages is three tables, each with its header row as printed); the box is in points (PDF) or in
    paragraph indexes (DOCX: ``top`` and ``bottom`` are the first and last paragraph's)."""

    page: int
    rows: list[list[str]]
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0


@dataclass(frozen=True)
class Link:
    """A hyperlink's target and the box of its text (PDF: the link annotation's)."""

    uri: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    text: str = ""  # DOCX: the link's text


@dataclass
class Source:
    kind: str  # "pdf" or "docx"
    pages: int
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    page_height: float = 0.0  # PDF: of the first page, in points
    notes: dict[str, str] = field(default_factory=dict)  # footnotes: number as printed -> text

    def body(self) -> list[Line]:
        """The lines without running headers, footers, page numbers and footnotes."""
        return [line for line in self.lines if not line.running and not line.footnote]

    def table_lines(self, index: int) -> list[Line]:
        return [line for line in self.lines if line.table == index]


# --- the entry point (the caller's process) ---------------------------------------------------


def _limit(name, default):
    return getattr(settings, name, default)


def read_source(data: bytes, filename: str) -> Source:
    """The document in ``data`` (its kind from its first bytes, else from ``filename``), read
    within the limits of the settings; ``Unreadable`` with a message when it cannot be."""
    from core import bounded

    max_bytes = _limit("READING_MAX_BYTES", 20 * 1024 * 1024)
    if not data:
        raise Unreadable(_("Het bestand is leeg."), "empty")
    if len(data) > max_bytes:
        raise Unreadable(
            _("Het bestand is te groot om in te lezen (ten hoogste %(mb)s MB).") % {"mb": max_bytes // (1024 * 1024)},
            "size",
        )
    kind = sniff(data, filename)
    if kind is None:
        raise Unreadable(_("Dit is geen PDF- of Word-document (.pdf, .docx)."), "kind")
    limits = {
        "pages": _limit("READING_MAX_PAGES", 300),
        "unpacked": _limit("READING_MAX_UNPACKED_BYTES", 100 * 1024 * 1024),
        "engine": _limit("READING_PDF_ENGINE", "pdfium"),
    }
    seconds = _limit("READING_SECONDS", 120.0)
    memory = _limit("READING_MEMORY_MIB", 1024)
    try:
        # The fork server is shared with the PDF renderer: whichever starts it names what it
        # preloads, so the renderer's is named here too (reading.child is in bounded.PRELOAD).
        result = bounded.run(
            "reading.child:parse",
            kind,
            data,
            limits,
            seconds=seconds,
            memory_mib=memory,
            preload=["document.render_process", "reading.child"],
        )
    except bounded.TimeLimit:
        raise Unreadable(
            _(
                "Het document is te zwaar om in te lezen: het lezen duurde langer dan %(seconds)s seconden. "
                "Is het een gewone PDF of Word-document? Laad anders het uitwisselingsbestand op."
            )
            % {"seconds": f"{seconds:g}"},
            "complex",
        ) from None
    except bounded.MemoryLimit:
        raise Unreadable(
            _(
                "Het document is te zwaar om in te lezen: het vroeg meer dan %(mib)s MiB geheugen "
                "(een bestand dat zich uitpakt tot een enorme omvang?)."
            )
            % {"mib": memory},
            "bomb",
        ) from None
    except bounded.ChildFailed:
        raise Unreadable(_damaged(kind), "damaged") from None
    if isinstance(result, Source):
        return result
    code, params = result
    raise Unreadable(_message(code, kind, params), code)


def sniff(data: bytes, filename: str) -> str | None:
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    name = filename.lower()
    if name.endswith(".pdf"):
        return "pdf"
    if name.endswith(".docx"):
        return "docx"
    return None


def _damaged(kind):
    if kind == "pdf":
        return _("De PDF is beschadigd of onvolledig: hij kan niet gelezen worden. Sla hem opnieuw op als PDF.")
    return _("Het Word-document is beschadigd of geen .docx (een ouder .doc?): sla het in Word opnieuw op als .docx.")


def _message(code, kind, params):
    if code == "encrypted":
        return _(
            "De PDF is beveiligd met een wachtwoord: hij kan niet gelezen worden. "
            "Sla hem op zonder beveiliging en laad hem opnieuw op."
        )
    if code == "no_text":
        return _(
            "Er staat geen tekst in dit document: het is een afbeelding (een scan?). "
            "Typ het in of laad het uitwisselingsbestand op."
        )
    if code == "pages":
        return (
            _(
                "Het document heeft %(pages)s pagina's; ten hoogste %(max)s worden ingelezen. "
                "Laad alleen het deel met de managementresponse op."
            )
            % params
        )
    if code == "bomb":
        return _("Het Word-document is uitgepakt te groot (ten hoogste %(mb)s MB): het lijkt een zip-bom.") % params
    return _damaged(kind)


# --- the child process: no Django here ---------------------------------------------------------


class _Refused(Exception):
    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def parse(kind: str, data: bytes, limits: dict):
    """In the child: a ``Source``, or ``(code, params)`` for a document refused."""
    try:
        return _pdf(data, limits) if kind == "pdf" else _docx(data, limits)
    except _Refused as refused:
        return refused.code, refused.params


# PDF ---------------------------------------------------------------------------------------------

_BOLD = re.compile(r"bold|black|heavy|semibold|demi", re.IGNORECASE)
_ITALIC = re.compile(r"italic|oblique", re.IGNORECASE)


@functools.cache
def _font_style(fontname: str) -> tuple[bool, bool]:
    """(bold, italic) from a font's name ("ABCDEF+Carlito-BoldItalic")."""
    return bool(_BOLD.search(fontname)), bool(_ITALIC.search(fontname))


def _pdf(data: bytes, limits: dict) -> Source:
    import pdfplumber
    import pypdfium2 as pdfium
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise _Refused("encrypted") from None
        raise _Refused("damaged") from None
    try:
        pages = len(document)
    finally:
        document.close()
    if pages == 0:
        raise _Refused("damaged")
    if pages > limits["pages"]:
        raise _Refused("pages", pages=pages, max=limits["pages"])
    if limits.get("engine", "pdfium") == "pdfium":
        return _pdfium_source(data, pages)
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return _pdf_source(pdf, pages)
    except (PdfminerException, MalformedPDFException) as error:
        # pdfplumber wraps what pdfminer raised, a MemoryError (a stream that unpacks to
        # gigabytes) included: that one must reach core.bounded as what it is.
        cause = error.args[0] if error.args else None
        if isinstance(cause, MemoryError):
            raise MemoryError from None
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise _Refused("encrypted") from None
        raise _Refused("damaged") from None
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise _Refused("encrypted") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AssertionError):
        raise _Refused("damaged") from None


def _pdf_source(pdf, pages: int) -> Source:
    source = Source(kind="pdf", pages=pages)
    chars = 0
    images = 0
    heights = []
    for number, page in enumerate(pdf.pages, start=1):
        heights.append(float(page.height))
        chars += len(page.chars)
        images += len(page.images)
        tables = [t for t in page.find_tables() if len(t.rows) >= 1]
        first = len(source.tables)
        cell_boxes = []
        for index, table in enumerate(tables):
            rows = [[cell or "" for cell in row] for row in table.extract()]
            x0, top, x1, bottom = table.bbox
            source.tables.append(Table(number, rows, float(x0), float(top), float(x1), float(bottom)))
            for r, row in enumerate(table.rows):
                for c, box in enumerate(row.cells):
                    if box is not None:
                        cell_boxes.append((first + index, r, c, box))
        links = []
        for link in page.hyperlinks:
            uri = link.get("uri")
            if uri:
                box = (float(link["x0"]), float(link["top"]), float(link["x1"]), float(link["bottom"]))
                links.append(Link(str(uri), number, *box))
        source.links.extend(links)
        for line in _page_lines(page, number, links, cell_boxes):
            where = _cell_of(line, cell_boxes)
            if where is not None:
                line = _replace(line, table=where[0], cell=(where[1], where[2]))
            source.lines.append(line)
        page.flush_cache()  # pdfplumber keeps every page's objects otherwise
    if not any(line.text.strip() for line in source.lines):
        raise _Refused("no_text")
    source.page_height = heights[0] if heights else 0.0
    _mark_running(source, heights)
    _mark_footnotes(source)
    return source


_NOTE_START = re.compile(r"(\d{1,3})\s+(\S.*)")


def _mark_footnotes(source: Source) -> None:
    """Mark the footnote area of each page: the small lines (at most 85% of the body's size) after
    the last line of normal size, outside tables, the first starting with the note's number. Their
    text goes to ``Source.notes`` by number; the calls are the superscript runs of the body."""
    body_size = _body_size(source.lines)
    if not body_size:
        return
    calls = {run.text.strip() for line in source.lines for run in line.runs if run.superscript}
    by_page: dict[int, list[int]] = {}
    for index, line in enumerate(source.lines):
        if not line.running:
            by_page.setdefault(line.page, []).append(index)
    for indexes in by_page.values():
        tail = []
        for index in reversed(indexes):
            line = source.lines[index]
            if line.table >= 0 or line.size > 0.85 * body_size:
                break
            tail.append(index)
        tail.reverse()
        while tail and not _starts_note(source.lines[tail[0]], calls):
            tail.pop(0)
        current = None
        for index in tail:
            line = source.lines[index]
            match = _NOTE_START.fullmatch(line.text.strip())
            if match and match.group(1) in calls and match.group(1) not in source.notes:
                current = match.group(1)
                source.notes[current] = match.group(2)
            elif current is not None:
                source.notes[current] = join_lines(source.notes[current], line.text.strip())
            source.lines[index] = _replace(line, footnote=True)


def _body_size(lines: list[Line]) -> float:
    """The size most of the text outside tables is printed in."""
    sizes: Counter = Counter()
    for line in lines:
        if not line.running and line.table < 0:
            sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _starts_note(line: Line, calls) -> bool:
    match = _NOTE_START.fullmatch(line.text.strip())
    return bool(match) and match.group(1) in calls


def cut(line: Line, count: int) -> Line:
    """The line without its first ``count`` characters (after its leading spaces), runs included:
    what follows a label or a number the reader has taken ("Recommendation 3." / "(a)")."""
    count += len(line.text) - len(line.text.lstrip())
    runs = []
    skipped = 0
    for run in line.runs:
        if skipped >= count:
            runs.append(run)
        elif skipped + len(run.text) > count:
            runs.append(dataclasses.replace(run, text=run.text[count - skipped :]))
        skipped += len(run.text)
    return dataclasses.replace(line, text=line.text[count:], runs=tuple(runs))


def join_lines(text: str, more: str) -> str:
    """Two printed lines as one text: with a space, or without after a word broken at its hyphen."""
    if text.endswith("-") and len(text) > 1 and text[-2].isalpha() and more[:1].isalpha():
        return text + more
    return f"{text} {more}" if text else more


def _pdfium_source(data: bytes, pages: int) -> Source:
    """The PDF through pdfium (C, about ten times pdfminer's speed): characters with their boxes,
    fonts and sizes, link annotations, and the page's paths, whose edges pdfplumber's table finder
    (``TableFinder``, its "lines" strategy) turns into table cells."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    source = Source(kind="pdf", pages=pages)
    heights = []
    try:
        for number in range(1, pages + 1):
            page = document[number - 1]
            try:
                height = float(page.get_height())
                heights.append(height)
                words = _pdfium_words(page, height)
                links = _pdfium_links(document, page, number, height)
                source.links.extend(links)
                tables = _pdfium_tables(page, height)
                first = len(source.tables)
                cell_boxes = []
                for index, table in enumerate(tables):
                    x0, top, x1, bottom = table.bbox
                    source.tables.append(Table(number, [], float(x0), float(top), float(x1), float(bottom)))
                    for r, row in enumerate(table.rows):
                        source.tables[-1].rows.append([""] * len(row.cells))
                        for c, box in enumerate(row.cells):
                            if box is not None:
                                cell_boxes.append((first + index, r, c, box))
                for line in _lines_of_words(words, number, links, cell_boxes):
                    where = _cell_of(line, cell_boxes)
                    if where is not None:
                        line = _replace(line, table=where[0], cell=(where[1], where[2]))
                        row = source.tables[where[0]].rows[where[1]]
                        row[where[2]] = f"{row[where[2]]}\n{line.text}" if row[where[2]] else line.text
                    source.lines.append(line)
            finally:
                page.close()
    finally:
        document.close()
    if not any(line.text.strip() for line in source.lines):
        raise _Refused("no_text")
    source.page_height = heights[0] if heights else 0.0
    _mark_running(source, heights)
    _mark_footnotes(source)
    return source


def _pdfium_words(page, height: float) -> list[dict]:
    """The page's words as pdfplumber's ``extract_words`` gives them (x_tolerance 1.5, split where
    the font or size changes), each with its characters."""
    import ctypes

    import pypdfium2.raw as raw

    text = page.get_textpage()
    words: list[dict] = []
    try:
        count = text.count_chars()
        name = ctypes.create_string_buffer(256)
        flags = ctypes.c_int()
        matrix = raw.FS_MATRIX()
        fonts: dict[bytes, str] = {}
        styles: dict[int, tuple[str, float]] = {}
        box = raw.FS_RECTF()
        current: dict | None = None
        spaced = False  # the PDF printed a space before the next character
        for index in range(count):
            code = raw.FPDFText_GetUnicode(text.raw, index)
            if code in (0x20, 0x0A, 0x0D, 0xA0, 0x09) or raw.FPDFText_IsGenerated(text.raw, index) == 1:
                current = None
                spaced = spaced or (code in (0x20, 0xA0) and raw.FPDFText_IsGenerated(text.raw, index) != 1)
                continue
            if code in (0x200B, 0xAD, 0xFFFE):  # zero-width break opportunities, soft hyphens
                continue
            if code == 0x02:  # pdfium's mark for a hyphen that ends a line: the hyphen as printed
                code = 0x2D
            handle = raw.FPDFText_GetTextObject(text.raw, index)
            key = ctypes.cast(handle, ctypes.c_void_p).value if handle else None
            style = styles.get(key) if key is not None else None
            if style is None:  # the first character of a text object: its font and size
                raw.FPDFText_GetFontInfo(text.raw, index, name, 256, ctypes.byref(flags))
                size = raw.FPDFText_GetFontSize(text.raw, index)
                if raw.FPDFText_GetMatrix(text.raw, index, ctypes.byref(matrix)):
                    size *= abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5 or 1.0
                style = (fonts.setdefault(name.value, name.value.decode("latin-1")), round(size, 2))
                if key is not None:
                    styles[key] = style
            fontname, size = style
            raw.FPDFText_GetLooseCharBox(text.raw, index, ctypes.byref(box))
            left, right, top, bottom = box.left, box.right, box.top, box.bottom
            char = {"text": chr(code), "x0": left, "x1": right, "top": height - top, "bottom": height - bottom}
            if (
                current is not None
                and current["fontname"] == fontname
                and current["size"] == size
                and 0 <= left - current["x1"] <= 1.5
                and abs(char["top"] - current["top"]) < 1
            ):
                current["text"] += char["text"]
                current["x1"] = max(current["x1"], right)
                current["bottom"] = max(current["bottom"], char["bottom"])
                current["chars"].append(char)
            else:
                current = {
                    "text": char["text"],
                    "x0": left,
                    "x1": right,
                    "top": char["top"],
                    "bottom": char["bottom"],
                    "size": size,
                    "fontname": fontname,
                    "chars": [char],
                    "spaced": spaced,
                }
                words.append(current)
            spaced = False
    finally:
        text.close()
    return words


def _pdfium_links(document, page, number: int, height: float) -> list[Link]:
    import ctypes

    import pypdfium2.raw as raw

    links = []
    position = ctypes.c_int(0)
    link = raw.FPDF_LINK()
    while raw.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        action = raw.FPDFLink_GetAction(link)
        if not action or raw.FPDFAction_GetType(action) != raw.PDFACTION_URI:
            continue
        size = raw.FPDFAction_GetURIPath(document.raw, action, None, 0)
        if size <= 1 or size > 10_000:
            continue
        buffer = ctypes.create_string_buffer(size)
        raw.FPDFAction_GetURIPath(document.raw, action, buffer, size)
        rect = raw.FS_RECTF()
        if not raw.FPDFLink_GetAnnotRect(link, ctypes.byref(rect)):
            continue
        uri = buffer.value.decode("utf-8", "replace")
        top, bottom = height - max(rect.top, rect.bottom), height - min(rect.top, rect.bottom)
        links.append(
            Link(uri, number, float(min(rect.left, rect.right)), top, float(max(rect.left, rect.right)), bottom)
        )
    return links


class _Edges:
    """What pdfplumber's ``TableFinder`` reads of a page: its edges and its box."""

    def __init__(self, edges, bbox):
        self.edges = edges
        self.bbox = bbox


def _pdfium_tables(page, height: float):
    import pypdfium2.raw as raw
    from pdfplumber.table import TableFinder
    from pdfplumber.utils import obj_to_edges

    edges = []
    for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_PATH,)):
        left, bottom, right, top = obj.get_bounds()
        box = {
            "x0": left,
            "x1": right,
            "top": height - top,
            "bottom": height - bottom,
            "doctop": height - top,
            "y0": bottom,
            "y1": top,
            "width": right - left,
            "height": top - bottom,
        }
        if box["width"] < 1.5 or box["height"] < 1.5:  # a rule: one edge
            if box["width"] >= box["height"]:
                middle = (box["top"] + box["bottom"]) / 2
                box.update(top=middle, bottom=middle, height=0, orientation="h", object_type="line")
            else:
                middle = (left + right) / 2
                box.update(x0=middle, x1=middle, width=0, orientation="v", object_type="line")
            edges.append(box)
        else:
            edges.extend(obj_to_edges({**box, "object_type": "rect"}))
        if len(edges) > 20_000:  # a page of drawings, not of tables
            return []
    if not edges:
        return []
    return TableFinder(_Edges(edges, (0, 0, float(page.get_width()), height))).tables


def _replace(line: Line, **changes) -> Line:
    values = {name: getattr(line, name) for name in Line.__dataclass_fields__}
    values.update(changes)
    return Line(**values)


def _cell_at(x: float, y: float, cell_boxes):
    for table, r, c, (x0, top, x1, bottom) in cell_boxes:
        if x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1:
            return table, r, c
    return None


def _cell_of(line: Line, cell_boxes):
    x = (line.x0 + min(line.x1, line.x0 + 20)) / 2
    y = (line.top + line.bottom) / 2
    for table, r, c, (x0, top, x1, bottom) in cell_boxes:
        if x0 - 1 <= x <= x1 + 1 and top - 1 <= y <= bottom + 1:
            return table, r, c
    return None


def _page_lines(page, number: int, links: list[Link], cell_boxes=()) -> list[Line]:
    words = page.extract_words(
        keep_blank_chars=False,
        use_text_flow=False,
        extra_attrs=["fontname", "size"],
        x_tolerance=1.5,
        return_chars=bool(links),
    )
    if links:  # a link may cover part of a word ("link;"): split such words at the link's edge
        words = [piece for word in words for piece in _split_at_links(word, links)]
    return _lines_of_words(words, number, links, cell_boxes)


def _lines_of_words(words: list[dict], number: int, links: list[Link], cell_boxes=()) -> list[Line]:
    """Printed lines from words (dicts with text, x0, x1, top, bottom, size, fontname); a line is
    also split where its words pass from one table cell into the next (``cell_boxes``)."""
    if cell_boxes:
        for word in words:
            word["cell"] = _cell_at((word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2, cell_boxes)
    # Rows of words: a word joins the row whose main words its middle lies within (a raised
    # footnote call joins its line; a line of the next column at the same height too, split below).
    rows: list[dict] = []
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        middle = (word["top"] + word["bottom"]) / 2
        for row in reversed(rows[-8:]):
            if row["top"] - 0.5 <= middle <= row["bottom"] + 0.5:
                row["words"].append(word)
                break
        else:
            rows.append({"top": word["top"], "bottom": word["bottom"], "words": [word]})
    rows.sort(key=lambda row: row["top"])
    for row in rows:
        row["words"].sort(key=lambda w: w["x0"])
    edges = _column_edges(rows)
    lines = []
    for index, row in enumerate(rows):
        segment: list[dict] = []
        for word in row["words"]:
            if segment and (
                word.get("cell") != segment[-1].get("cell") or _column_gap(rows, index, segment[-1], word, edges)
            ):
                lines.append(_line(segment, number, links))
                segment = []
            segment.append(word)
        if segment:
            lines.append(_line(segment, number, links))
    lines.sort(key=lambda line: (round(line.top), line.x0))
    return lines


def _column_edges(rows: list[dict]) -> Counter:
    """The left edges of a page's words that follow a clear space (over 0.6 times the size), by
    rounded x: how many rows have a word starting there."""
    edges: Counter = Counter()
    for row in rows:
        words = row["words"]
        for i, word in enumerate(words):
            if i == 0 or word["x0"] - words[i - 1]["x1"] > 0.6 * float(word["size"]):
                edges[round(word["x0"])] += 1
    return edges


def _column_gap(rows: list[dict], index: int, before: dict, word: dict, edges: Counter) -> bool:
    """Whether the gap between two words of a row parts two columns, judged by the rows printed
    just above and below it (at most one and a half times the size away) and by the page's column edges
    (``_column_edges``). A neighbour row "runs through" the gap when one of its words overlaps the
    gap's middle half (a column's ragged edge stays out); it "shares the edge" when one of its
    words starts where the second word starts (within 1.5 points) after a clear space.

    * a gap no wider than 0.6 times the size is a word space;
    * a narrower gap (up to 1.2 times the size) parts two columns printed close together when
      there are neighbours, none runs through it, and at least four rows of the page start a word
      there: a column's left edge;
    * a wider gap parts them where the type changes size across it, else unless a neighbour runs through it (the stretched space of a justified
      line) and fewer than two share the edge (two do where a short last line of the left column
      stands beside the right column's text; past three times the size, one that does and a
      column's edge on the page are enough).
    """
    size = max(float(word["size"]), float(before["size"]))
    gap = word["x0"] - before["x1"]
    if gap <= 0.6 * size:
        return False
    if gap > 1.2 * size and abs(float(word["size"]) - float(before["size"])) > 0.15 * size:
        return True  # a wide gap between two sizes of type: two blocks side by side
    top = rows[index]["top"]
    near = [
        rows[j]
        for j in range(max(0, index - 3), min(len(rows), index + 4))
        if j != index and 0.5 < abs(rows[j]["top"] - top) <= 1.5 * size
    ]
    start, end = before["x1"] + max(1.0, 0.25 * gap), word["x0"] - max(1.0, 0.25 * gap)  # its middle
    through = any(any(w["x0"] < end and w["x1"] > start for w in row["words"]) for row in near)
    edge = word["x0"]
    sharing = sum(
        1
        for row in near
        if any(abs(w["x0"] - edge) <= 1.5 for w in row["words"])
        and not any(w["x0"] < edge - 1 and w["x1"] > edge - 0.6 * size for w in row["words"])
    )
    support = sum(edges[x] for x in (round(edge) - 1, round(edge), round(edge) + 1))
    if gap <= 1.2 * size:
        return bool(near) and not through and support >= 4
    return not through or sharing >= 2 or (gap > 3 * size and sharing >= 1 and support >= 4)


def _split_at_links(word: dict, links: list[Link]) -> list[dict]:
    chars = word.get("chars") or []
    targets = [_uri_at(char, links) for char in chars]
    if len(set(targets)) <= 1:
        return [word]
    pieces = []
    start = 0
    for index in range(1, len(chars) + 1):
        if index == len(chars) or targets[index] != targets[start]:
            part = chars[start:index]
            piece = dict(word)
            piece.update(
                text="".join(char["text"] for char in part),
                x0=min(char["x0"] for char in part),
                x1=max(char["x1"] for char in part),
            )
            pieces.append(piece)
            start = index
    return pieces


def _uri_at(word, links: list[Link]) -> str:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    for link in links:
        if link.x0 - 0.5 <= x <= link.x1 + 0.5 and link.top - 0.5 <= y <= link.bottom + 0.5:
            return link.uri
    return ""


def _line(words: list[dict], page: int, links: list[Link]) -> Line:
    sizes = Counter()
    for word in words:
        sizes[round(float(word["size"]), 1)] += len(word["text"])
    size = sizes.most_common(1)[0][0]
    main = [w for w in words if round(float(w["size"]), 1) >= size * 0.85] or words
    baseline = max(w["bottom"] for w in main)
    runs: list[Run] = []
    text = ""
    previous = None
    for word in words:
        superscript = float(word["size"]) < size * 0.85 and word["bottom"] < baseline - 0.15 * size
        bold, italic = _font_style(word["fontname"])
        uri = _uri_at(word, links) if links else ""
        # A space: where the PDF printed one (a tight justified line in italics may leave less than
        # the gap below between two words), or where the words stand apart.
        gap = "" if previous is None or (word["x0"] - previous["x1"] < 0.12 * size and not word.get("spaced")) else " "
        text += gap + word["text"]
        style = (bold, italic, superscript, uri)
        if runs and (runs[-1].bold, runs[-1].italic, runs[-1].superscript, runs[-1].uri) == style:
            runs[-1] = Run(runs[-1].text + gap + word["text"], *style)
        elif gap and runs:  # the space stays with the run before: a link's text starts at its first word
            last = runs[-1]
            runs[-1] = Run(last.text + gap, last.bold, last.italic, last.superscript, last.uri)
            runs.append(Run(word["text"], *style))
        else:
            runs.append(Run(word["text"], *style))
        previous = word
    plain = [run for run in runs if not run.superscript and run.text.strip()]
    return Line(
        text=text,
        page=page,
        x0=float(min(w["x0"] for w in words)),
        top=float(min(w["top"] for w in main)),
        x1=float(max(w["x1"] for w in words)),
        bottom=float(baseline),
        size=float(size),
        bold=bool(plain) and all(run.bold for run in plain),
        italic=bool(plain) and all(run.italic for run in plain),
        runs=tuple(runs),
    )


def _mark_running(source: Source, heights: list[float]) -> None:
    """Mark running headers and footers: a line in the top or bottom margin of its page whose text
    (digits aside) comes back at the same height on other pages, or a page number alone there."""
    in_margin = []
    for index, line in enumerate(source.lines):
        height = heights[line.page - 1] if line.page - 1 < len(heights) else 842.0
        if line.table < 0 and (line.top < 0.075 * height or line.top > 0.93 * height):
            in_margin.append(index)
    key = {i: (re.sub(r"\d+", "#", source.lines[i].text.strip()), round(source.lines[i].top / 4)) for i in in_margin}
    pages_of = Counter()
    for i in in_margin:
        pages_of[key[i]] += 1
    for i in in_margin:
        line = source.lines[i]
        text = line.text.strip()
        page_number = bool(re.fullmatch(r"(?:[-–]\s*)?\d{1,4}(?:\s*[-–])?|\d{1,4}\s*(?:/|of|van)\s*\d{1,4}", text))
        if page_number or (source.pages > 1 and pages_of[key[i]] >= 2):
            source.lines[i] = _replace(line, running=True)


# DOCX --------------------------------------------------------------------------------------------


def _docx(data: bytes, limits: dict) -> Source:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    copy = _unpacked_docx(data, limits["unpacked"])
    try:
        document = docx.Document(copy)
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile):
        raise _Refused("damaged") from None
    except Exception as error:  # lxml's XMLSyntaxError and the like: a damaged part
        if type(error).__module__.startswith(("lxml", "docx")):
            raise _Refused("damaged") from None
        raise
    source = _DocxReader(document).read()
    if source.pages > limits["pages"]:
        raise _Refused("pages", pages=source.pages, max=limits["pages"])
    if not any(line.text.strip() for line in source.lines):
        raise _Refused("no_text")
    return source


def _unpacked_docx(data: bytes, unpacked: int) -> io.BytesIO:
    """The DOCX's members, checked and copied (stored, uncompressed) into a new ZIP for python-docx."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _Refused("damaged") from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names or len(members) > MAX_MEMBERS:
        raise _Refused("damaged")
    try:
        return zipcopy.copy_within(archive, members, unpacked)
    except zipcopy.TooLarge:
        raise _Refused("bomb", mb=unpacked // (1024 * 1024)) from None
    except zipcopy.Damaged:
        raise _Refused("damaged") from None


_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl")]
_ROMAN += [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "none":
        return ""
    return str(n)


class _DocxReader:
    """Walks the body of a python-docx ``Document`` in order: paragraphs, tables (cell by cell)."""

    def __init__(self, document):
        from docx.oxml.ns import qn

        self.qn = qn
        self.document = document
        self.source = Source(kind="docx", pages=1)
        self.page = 1
        self.index = 0
        self.counters: dict[str, dict[int, int]] = {}
        self.levels = self._numbering()
        body = document.element.body
        self.rendered_breaks = bool(body.xpath(".//w:lastRenderedPageBreak"))
        self.footnotes = self._footnotes()
        from docx.enum.style import WD_STYLE_TYPE

        self.styles = {style.style_id: style for style in document.styles}
        self.default_style = document.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self.style_fonts: dict = {}

    def _footnotes(self) -> dict[str, str]:
        """The footnotes part's notes: {w:id: text} (python-docx has no footnote API)."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml import parse_xml

        qn = self.qn
        for rel in self.document.part.rels.values():
            if rel.reltype == RT.FOOTNOTES and not rel.is_external:
                root = parse_xml(rel.target_part.blob)
                notes = {}
                for note in root.findall(qn("w:footnote")):
                    if note.get(qn("w:type")) in ("separator", "continuationSeparator", "continuationNotice"):
                        continue
                    paragraphs = ["".join(t.text or "" for t in p.iter(qn("w:t"))) for p in note.iter(qn("w:p"))]
                    notes[note.get(qn("w:id"))] = "\n\n".join(p.strip() for p in paragraphs if p.strip())
                return notes
        return {}

    def _note(self, note_id) -> str:
        """The number Word prints for a footnote reference (notes are numbered in order of their call)."""
        number = str(len(self.source.notes) + 1)
        self.source.notes[number] = self.footnotes.get(note_id, "")
        return number

    def read(self) -> Source:
        self._block(self.document.element.body, table=-1, cell=None)
        self.source.pages = self.page
        return self.source

    # numbering: {numId: {ilvl: (start, numFmt, lvlText)}}
    def _numbering(self):
        qn = self.qn
        try:
            numbering = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return {}
        abstract = {}
        for node in numbering.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in node.findall(qn("w:lvl")):
                ilvl = int(lvl.get(qn("w:ilvl"), "0"))
                start = lvl.find(qn("w:start"))
                fmt = lvl.find(qn("w:numFmt"))
                text = lvl.find(qn("w:lvlText"))
                bold = lvl.find(f"{qn('w:rPr')}/{qn('w:b')}")
                levels[ilvl] = (
                    int(start.get(qn("w:val"), "1")) if start is not None else 1,
                    fmt.get(qn("w:val"), "decimal") if fmt is not None else "decimal",
                    text.get(qn("w:val"), "") if text is not None else "",
                    # Word prints the label in bold ("Recommendation %1." in bold before plain text).
                    bold is not None and bold.get(qn("w:val"), "true") not in ("0", "false"),
                )
            abstract[node.get(qn("w:abstractNumId"))] = levels
        nums = {}
        for node in numbering.findall(qn("w:num")):
            ref = node.find(qn("w:abstractNumId"))
            levels = dict(abstract.get(ref.get(qn("w:val")) if ref is not None else None, {}))
            for override in node.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                start = override.find(qn("w:startOverride"))
                if start is not None and ilvl in levels:
                    _s, fmt, text, bold = levels[ilvl]
                    levels[ilvl] = (int(start.get(qn("w:val"), "1")), fmt, text, bold)
            nums[node.get(qn("w:numId"))] = levels
        return nums

    def _num_pr(self, paragraph):
        """(numId, ilvl) of a paragraph: its own numPr, else its style's (through the base styles)."""
        qn = self.qn
        ppr = paragraph.paragraph_format.element.pPr
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        ilvl = None
        if num_pr is not None:
            level = num_pr.find(qn("w:ilvl"))
            ilvl = int(level.get(qn("w:val"))) if level is not None else None
            num = num_pr.find(qn("w:numId"))
            if num is not None:
                return num.get(qn("w:val")), ilvl or 0
        style = self._style_of(paragraph)
        depth = 0
        while style is not None and depth < 10:
            sppr = style.element.pPr
            node = sppr.find(qn("w:numPr")) if sppr is not None else None
            if node is not None:
                num = node.find(qn("w:numId"))
                level = node.find(qn("w:ilvl"))
                if num is not None:
                    return num.get(qn("w:val")), ilvl if ilvl is not None else (
                        int(level.get(qn("w:val"))) if level is not None else 0
                    )
            style = style.base_style
            depth += 1
        return None

    def _label(self, paragraph) -> tuple[str, int, bool]:
        """The number or bullet Word prints before the paragraph, its level (-1: none), and whether
        it prints it in bold."""
        found = self._num_pr(paragraph)
        if found is None:
            return "", -1, False
        num_id, ilvl = found
        levels = self.levels.get(num_id)
        if not levels or num_id == "0" or ilvl not in levels:
            return "", -1, False
        start, fmt, text, bold = levels[ilvl]
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "•", ilvl, False

        def level_number(match):
            k = int(match.group(1)) - 1
            level_start, level_fmt, _text, _bold = levels.get(k, (1, "decimal", "", False))
            return _format_number(counters.get(k, level_start), level_fmt)

        return re.sub(r"%(\d)", level_number, text), ilvl, bold

    def _block(self, element, table: int, cell):
        qn = self.qn
        for child in element.iterchildren():
            if child.tag == qn("w:p"):
                self._paragraph(child, table, cell)
            elif child.tag == qn("w:tbl"):
                if table >= 0:  # a table in a cell: its text belongs to the cell
                    for tc in child.iter(qn("w:tc")):
                        self._block(tc, table, cell)
                else:
                    self._table(child)
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    self._block(content, table, cell)

    def _paragraph(self, p, table: int, cell) -> Line | None:
        from docx.text.paragraph import Paragraph

        qn = self.qn
        paragraph = Paragraph(p, self.document)
        ppr = p.pPr
        if ppr is not None and ppr.find(qn("w:pageBreakBefore")) is not None and not self.rendered_breaks:
            self.page += 1
        rendered = "./w:r/w:lastRenderedPageBreak|./w:hyperlink/w:r/w:lastRenderedPageBreak"
        if self.rendered_breaks and self.index > 0 and p.xpath(rendered):
            self.page += 1
        label, level, label_bold = self._label(paragraph)
        runs: list[Run] = []
        page = self.page
        for item in paragraph.iter_inner_content():
            item_runs = item.runs if hasattr(item, "runs") else [item]
            uri = (getattr(item, "url", "") or "") if hasattr(item, "runs") else ""
            for run in item_runs:
                text = run.text.replace("\t", " ")
                superscript = bool(run.font.superscript)
                reference = run.element.find(qn("w:footnoteReference"))
                if reference is not None:
                    text = self._note(reference.get(qn("w:id")))
                    superscript = True
                if text:
                    bold = self._bold(run, paragraph)
                    italic = bool(
                        run.italic if run.italic is not None else self._style_font(self._style_of(paragraph), "italic")
                    )
                    style = (bold, italic, superscript, uri)
                    if runs and (runs[-1].bold, runs[-1].italic, runs[-1].superscript, runs[-1].uri) == style:
                        runs[-1] = Run(runs[-1].text + text, *style)
                    else:
                        runs.append(Run(text, *style))
                if not self.rendered_breaks and run.element.xpath("./w:br[@w:type='page']"):
                    self.page += 1
            if hasattr(item, "url") and item.url:
                self.source.links.append(
                    Link(item.url, page, 0.0, float(self.index), 0.0, float(self.index + 1), item.text)
                )
        if label:
            runs.insert(0, Run(label + " ", bold=label_bold))
        text = "".join(run.text for run in runs)
        paragraph_style = self._style_of(paragraph)
        style = paragraph_style.name if paragraph_style is not None else ""
        indent = paragraph.paragraph_format.left_indent
        x0 = float(indent.pt) if indent is not None else (18.0 * (level + 1) if level >= 0 else 0.0)
        size = self._size(paragraph, runs)
        plain = [run for run in runs if run.text.strip() and not run.superscript]
        line = Line(
            text=text,
            page=page,
            x0=x0,
            top=float(self.index),
            x1=0.0,
            bottom=float(self.index + 1),
            size=size,
            bold=bool(plain) and all(run.bold for run in plain[1 if label else 0 :] or plain),
            italic=bool(plain) and all(run.italic for run in plain),
            runs=tuple(runs),
            table=table,
            cell=cell,
            style=style or "",
        )
        self.index += 1
        if text.strip():
            self.source.lines.append(line)
        return line

    def _style_of(self, paragraph):
        """The paragraph's style, from a table of the document's styles made once (python-docx
        looks a style up by walking all of them, for every paragraph)."""
        style_id = paragraph.paragraph_format.element.style  # the w:p element: its pStyle
        return self.styles.get(style_id) if style_id else self.default_style

    def _style_font(self, style, name):
        if style is None:
            return None
        key = (style.style_id, name)
        if key not in self.style_fonts:
            self.style_fonts[key] = self._walk_font(style, name)
        return self.style_fonts[key]

    def _walk_font(self, style, name):
        depth = 0
        while style is not None and depth < 10:
            value = getattr(style.font, name)
            if value is not None:
                return value
            style = style.base_style
            depth += 1
        return None

    def _bold(self, run, paragraph) -> bool:
        if run.bold is not None:
            return bool(run.bold)
        run_style = self.styles.get(run.element.style) if run.element.style else None
        if run_style is not None and run_style.font.bold is not None:
            return bool(run_style.font.bold)
        return bool(self._style_font(self._style_of(paragraph), "bold"))

    def _size(self, paragraph, runs) -> float:
        for run in paragraph.runs:
            if run.text.strip() and run.font.size is not None:
                return float(run.font.size.pt)
        size = self._style_font(self._style_of(paragraph), "size")
        return float(size.pt) if size is not None else 11.0

    def _table(self, tbl):
        qn = self.qn
        index = len(self.source.tables)
        table = Table(page=self.page, rows=[], top=float(self.index))
        self.source.tables.append(table)
        for r, tr in enumerate(tbl.findall(qn("w:tr"))):
            row: list[str] = []
            for tc in tr.findall(qn("w:tc")):
                tcpr = tc.find(qn("w:tcPr"))
                span = 1
                continued = False
                if tcpr is not None:
                    grid = tcpr.find(qn("w:gridSpan"))
                    span = int(grid.get(qn("w:val"), "1")) if grid is not None else 1
                    merge = tcpr.find(qn("w:vMerge"))
                    continued = merge is not None and merge.get(qn("w:val"), "continue") == "continue"
                first = len(self.source.lines)
                self._block(tc, index, (r, len(row)))
                texts = [line.text for line in self.source.lines[first:]]
                row.append("" if continued else "\n".join(texts))
                row.extend([""] * (span - 1))
            table.rows.append(row)
        table.bottom = float(max(self.index - 1, 0))
