"""Recommendations from Excel: the template, reading a filled one safely, and what it will create.

The template (``template_bytes``) has a sheet *Aanbevelingen* with one column per field of
``FIELDS`` and a sheet *Uitleg* that explains each column and lists the allowed agreement words.
Filled with a response's recommendations (``template_bytes(response)``), it is also their
export: imported again (into an empty response) it gives the same recommendations.

Reading (``read``) refuses, each with a message that names the problem (and its row and column),
before anything is written:
  * an empty file, one over ``MAX_BYTES``, one that is not an XLSX (a ZIP with a workbook);
  * a ZIP bomb: the members' sizes are checked from the ZIP's directory before anything is
    unpacked (``MAX_UNPACKED_BYTES`` in all, a ratio of ``core.zipcopy.MAX_RATIO`` per member), and every
    member is then unpacked with a hard cap, so a directory that lies is caught too; only
    what passed is handed to openpyxl;
  * more than ``MAX_ROWS`` rows or ``MAX_COLUMNS`` columns: the sheet's dimension is checked
    first (openpyxl's read-only mode reads it without loading the rows), and rows are counted
    as they are read, so a file whose dimension lies stops there too;
  * wrong or missing columns, a formula in any cell, a wrong type in a cell (a date where text
    belongs), an unknown agreement word, texts too long, a theme without a group.
"""

import datetime
import io
import zipfile
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core import zipcopy
from core.richtext import MAX_FOOTNOTES, footnote_count
from recommendations.models import Recommendation

MAX_BYTES = 2 * 1024 * 1024  # the upload
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all members of the ZIP together, unpacked
MAX_MEMBERS = 500
MAX_ROWS = 1_000  # recommendations per file
MAX_COLUMNS = 50


@dataclass(frozen=True)
class Field:
    key: str
    label: object  # lazy, in the interface's language; the header of the column
    help: object
    max_length: int = 0
    kind: str = "text"  # "text", "code" (text, or a whole number: "3"), "agreement", "bool"
    required: bool = False
    markdown: bool = False  # a Markdown field: at most MAX_FOOTNOTES distinct footnotes (core.richtext)


FIELDS = [
    Field("group", gettext_lazy("Groep"), gettext_lazy("De band van de tabel; leeg zonder groepen."), 300),
    Field(
        "section",
        gettext_lazy("Sectie"),
        gettext_lazy("Het sectienummer van het thema in het rapport, bv. 8.2.1."),
        20,
        kind="code",
    ),
    Field("theme", gettext_lazy("Thema"), gettext_lazy("De titel van het thema; verplicht bij een groep."), 300),
    Field("number", gettext_lazy("Nummer"), gettext_lazy("Het nummer van de aanbeveling, bv. 3 of R3."), 20, "code"),
    Field("location", gettext_lazy("Locatie rapport"), gettext_lazy("Bv. p. 191-192."), 100),
    Field(
        "text",
        gettext_lazy("Aanbeveling"),
        gettext_lazy("De tekst van de aanbeveling (verplicht); Markdown: alinea's en lijsten."),
        20_000,
        required=True,
        markdown=True,
    ),
    Field(
        "agreement",
        gettext_lazy("Mate van akkoord"),
        gettext_lazy("Een van de woorden hieronder; leeg: nog niet bepaald."),
        kind="agreement",
    ),
    Field(
        "response_text",
        gettext_lazy("Managementrespons"),
        gettext_lazy("Wat het management doet en waarom."),
        20_000,
        markdown=True,
    ),
    Field(
        "justification",
        gettext_lazy("Motivering"),
        gettext_lazy("Waarom (gedeeltelijk) niet akkoord: verplicht bij die niveaus."),
        10_000,
        markdown=True,
    ),
    Field(
        "justification_not_in_source",
        gettext_lazy("Geen motivering in de bron"),
        gettext_lazy("WAAR/ja wanneer het document dit niveau zonder motivering geeft."),
        kind="bool",
    ),
]
SHEET = gettext_lazy("Aanbevelingen")
HELP_SHEET = gettext_lazy("Uitleg")
NEEDS_JUSTIFICATION = {Recommendation.Agreement.PARTIALLY_AGREE, Recommendation.Agreement.DISAGREE}
YES = {"ja", "yes", "waar", "true", "x", "1"}
NO = {"nee", "no", "onwaar", "false", "0", ""}


class SheetError(Exception):
    """The file cannot be imported; ``problems`` says why, each in the interface's language."""

    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


# --- agreement words ------------------------------------------------------------------------


def document_label(code, response=None) -> str:
    """The agreement level ``code`` as a document prints it (``Recommendation.agreement_document_label``,
    which may follow the response's own vocabulary), in the active language; without a response,
    or if the label cannot be had without one, the interface's label with a capital."""
    if response is None:  # the layouts' own document words (the vocabulary is the response's)
        label = str(Recommendation.DOCUMENT_AGREEMENT.get(code, ""))
    else:
        probe = Recommendation(agreement=code, response=response)
        try:
            label = probe.agreement_document_label
        except (ObjectDoesNotExist, AttributeError):
            label = ""
    return label or capfirst(str(Recommendation.Agreement(code).label))


def document_words(response=None):
    """[(code, word)]: each agreement level in the response's document words, else the interface's."""
    language = response.language if response is not None else translation.get_language()
    with translation.override(language):
        return [(code, document_label(code, response)) for code in Recommendation.Agreement.values if code]


def agreement_words(response=None) -> dict[str, str]:
    """{word (case-folded): code}: the document's words, the interface's labels in every
    language, and the codes themselves."""
    words = {}
    for code, word in document_words(response):
        words[word.casefold()] = code
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in Recommendation.Agreement.choices:
                if code:
                    words.setdefault(str(label).casefold(), code)
                    words.setdefault(document_label(code).casefold(), code)
    for code in Recommendation.Agreement.values:
        if code:
            words.setdefault(code, code)
    return words


# --- the template ---------------------------------------------------------------------------


def template_rows(response):
    """The response's recommendations as the template's rows, in document order."""
    recs = list(Recommendation.objects.filter(response=response).select_related("theme__group"))
    recs.sort(
        key=lambda r: (
            r.theme_id is not None,
            (r.theme.group.order, r.theme.group.pk, r.theme.order, r.theme.pk) if r.theme_id else (),
            r.order,
            r.pk,
        )
    )
    words = dict(document_words(response))
    for rec in recs:
        theme = rec.theme
        yield {
            "group": theme.group.title if theme else "",
            "section": theme.section if theme else "",
            "theme": theme.heading if theme else "",
            "number": rec.number,
            "location": rec.location,
            "text": rec.text,
            "agreement": words.get(rec.agreement, ""),
            "response_text": rec.response_text,
            "justification": rec.justification,
            "justification_not_in_source": rec.justification_not_in_source,
        }


def template_bytes(response=None) -> bytes:
    """The template as XLSX; with ``response``, filled with its recommendations."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(SHEET)
    bold = Font(bold=True)
    sheet.append([str(f.label) for f in FIELDS])
    for cell in sheet[1]:
        cell.font = bold
    widths = {"text": 60, "response_text": 50, "justification": 40, "group": 30, "theme": 30}
    for i, f in enumerate(FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(f.key, max(14, len(str(f.label)) + 2))
    rows = list(template_rows(response)) if response is not None else []
    for number, row in enumerate(rows, start=2):
        for i, f in enumerate(FIELDS, start=1):
            value = row[f.key]
            cell = sheet.cell(number, i)
            if f.kind == "bool":
                cell.value = bool(value)
            else:
                cell.value = value
                cell.data_type = "s"  # text stays text ("=…" too), never a formula
            cell.alignment = Alignment(vertical="top", wrap_text=f.key in widths)
    sheet.freeze_panes = "A2"
    words = [word for _code, word in document_words(response)]
    # Drop-down lists for the agreement and the yes/no column (typing something else is still
    # possible in some spreadsheets: the import checks every cell anyway).
    last = max(len(rows) + 1, MAX_ROWS + 1)
    agreement = FIELDS.index(next(f for f in FIELDS if f.kind == "agreement")) + 1
    listed = DataValidation(type="list", formula1='"' + ",".join(words) + '"', allow_blank=True)
    listed.add(f"{get_column_letter(agreement)}2:{get_column_letter(agreement)}{last}")
    sheet.add_data_validation(listed)
    help_sheet = workbook.create_sheet(str(HELP_SHEET))
    help_sheet.append([_("Kolom"), _("Betekenis")])
    for cell in help_sheet[1]:
        cell.font = bold
    for f in FIELDS:
        help_sheet.append([str(f.label), str(f.help)])
    help_sheet.append([])
    help_sheet.append([_("Toegestane woorden voor “%(column)s”") % {"column": FIELDS[agreement - 1].label}])
    help_sheet.cell(help_sheet.max_row, 1).font = bold
    for word in words:
        help_sheet.append([word])
    help_sheet.append([_("(leeg)"), _("nog niet bepaald")])
    help_sheet.append([])
    help_sheet.append(
        [
            _(
                "Eén aanbeveling per rij; geen formules; ten hoogste %(rows)s rijen. Groepen en thema's "
                "die de managementresponse al heeft, worden hergebruikt (zelfde titel, zelfde sectie en "
                "titel); de andere worden aangemaakt."
            )
            % {"rows": MAX_ROWS}
        ]
    )
    help_sheet.column_dimensions["A"].width = 34
    help_sheet.column_dimensions["B"].width = 80
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading a filled template --------------------------------------------------------------


def _unpacked(data: bytes) -> io.BytesIO:
    """The XLSX's members, checked and copied (stored, uncompressed) into a new ZIP for openpyxl."""
    if not data:
        raise SheetError([_("Het bestand is leeg.")])
    if len(data) > MAX_BYTES:
        raise SheetError([_("Het bestand is te groot (ten hoogste %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)}])
    not_xlsx = SheetError([_("Dit is geen Excel-werkmap (.xlsx). Sla het bestand op als Excel-werkmap.")])
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_xlsx from None
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise not_xlsx
    too_big = SheetError(
        [
            _("Het bestand is uitgepakt te groot (ten hoogste %(mb)s MB): het lijkt een zip-bom.")
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
        ]
    )
    if len(members) > MAX_MEMBERS:
        raise not_xlsx
    try:
        return zipcopy.copy_within(archive, members, MAX_UNPACKED_BYTES)
    except zipcopy.TooLarge:
        raise too_big from None
    except zipcopy.Damaged:
        raise not_xlsx from None


def _header_map():
    """{header (case-folded): field key}, in every language of the interface."""
    names = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for f in FIELDS:
                names.setdefault(str(f.label).strip().casefold(), f.key)
    for f in FIELDS:
        names.setdefault(f.key, f.key)
    return names


def _sheet_of(workbook):
    wanted = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            wanted.add(str(SHEET).casefold())
    for sheet in workbook.worksheets:
        if sheet.title.casefold() in wanted:
            return sheet
    return workbook.worksheets[0]


@dataclass
class ParsedRow:
    row: int  # the spreadsheet's row number
    values: dict = field(default_factory=dict)


def where(row, column, label):
    return _("rij %(row)s, kolom %(column)s (%(label)s)") % {"row": row, "column": column, "label": label}


def read(data: bytes, *, response=None) -> list[dict]:
    """The recommendations of a filled template, each a dict of ``FIELDS`` keys (plus ``row``);
    raises ``SheetError`` with every problem found, nothing else."""
    stream = _unpacked(data)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise SheetError([_("Het bestand kon niet als Excel-werkmap gelezen worden.")]) from None
    try:
        if not workbook.worksheets:
            raise SheetError([_("Het bestand kon niet als Excel-werkmap gelezen worden.")])
        return _read_sheet(_sheet_of(workbook), response)
    except SheetError:
        raise
    except Exception:  # a damaged sheet, found as its rows are read
        raise SheetError([_("Het bestand kon niet als Excel-werkmap gelezen worden.")]) from None
    finally:
        workbook.close()


def _read_sheet(sheet, response):
    _check_dimension(sheet)
    # Then the rows are read whatever the dimension says (a dimension that says less would drop
    # rows silently), counted as they come, and cut at MAX_COLUMNS columns.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(max_col=MAX_COLUMNS)
    header = next(rows, None)
    if header is None:
        raise SheetError([_("Het blad is leeg: de kopregel met de kolomnamen ontbreekt.")])
    columns = _columns(header)
    reader = _RowReader(columns, response)
    problems, result = [], []
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            # The dimension said less (or nothing): rows are counted as they come.
            raise SheetError([_("Het blad heeft meer dan %(max)s rijen met aanbevelingen.") % {"max": MAX_ROWS}])
        values, row_problems = reader.read(number, cells)
        if values is None:
            continue  # an empty row
        problems += row_problems
        result.append(values)
    if problems:
        raise SheetError(problems)
    if not result:
        raise SheetError([_("Het blad bevat geen aanbevelingen: alleen de kopregel.")])
    return result


def _check_dimension(sheet):
    """Read-only mode takes the dimension from the sheet's header, without reading the rows."""
    max_row, max_column = sheet.max_row, sheet.max_column
    if max_row is not None and max_row > MAX_ROWS + 1:
        raise SheetError(
            [_("Het blad heeft %(rows)s rijen; ten hoogste %(max)s aanbevelingen per bestand.") % _rows(max_row - 1)]
        )
    if max_column is not None and max_column > MAX_COLUMNS:
        raise SheetError(
            [
                _("Het blad heeft %(columns)s kolommen; het sjabloon heeft er %(fields)s.")
                % {"columns": max_column, "fields": len(FIELDS)}
            ]
        )


def _columns(header):
    """{position: Field} from the header row; every column of the template must be there, once."""
    problems = []
    names = _header_map()
    columns = {}
    by_key = {f.key: f for f in FIELDS}
    for position, cell in enumerate(header):
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        letter = get_column_letter(position + 1)
        key = names.get(str(value).strip().casefold())
        if key is None:
            problems.append(
                _("Kolom %(column)s: onbekende kolom “%(name)s”.") % {"column": letter, "name": str(value)[:80]}
            )
        elif key in {f.key for f in columns.values()}:
            problems.append(
                _("Kolom %(column)s: kolom “%(name)s” staat er twee keer.") % {"column": letter, "name": value}
            )
        else:
            columns[position] = by_key[key]
    present = {f.key for f in columns.values()}
    for f in FIELDS:
        if f.key not in present:
            problems.append(_("De kolom “%(name)s” ontbreekt.") % {"name": f.label})
    if problems:
        raise SheetError(problems)
    return columns


class _RowReader:
    def __init__(self, columns, response):
        self.columns = columns
        self.words = agreement_words(response)
        self.allowed = ", ".join(f"“{word}”" for _code, word in document_words(response))

    def read(self, number, cells):
        """(values, problems) of one row; (None, []) for an empty row."""
        values, problems = {}, []
        for position, cell in enumerate(cells):
            if cell.value is None:
                continue
            problem = self.cell(number, position, cell, values)
            if problem:
                problems.append(problem)
        if not problems and not any(values.get(f.key) for f in FIELDS):
            return None, []
        problems += _check_row(number, values, self.columns)
        values["row"] = number
        return values, problems

    def cell(self, number, position, cell, values):
        """Put the cell's value in ``values``, or return its problem."""
        f = self.columns.get(position)
        value = cell.value
        letter = get_column_letter(position + 1)
        # A formula cell (its text "=…" typed as text is a value, and stays one).
        if getattr(cell, "data_type", None) == "f":
            return _("%(where)s: een formule; het sjabloon aanvaardt alleen waarden.") % {
                "where": where(number, letter, f.label if f else "—")
            }
        if f is None:
            if isinstance(value, str) and not value.strip():
                return None
            return _("Rij %(row)s, kolom %(column)s: een waarde in een kolom zonder naam.") % {
                "row": number,
                "column": letter,
            }
        converted, problem = _convert(f, value, self.words)
        if problem:
            if f.kind == "agreement":
                problem += " " + _("Toegestaan: %(words)s of leeg.") % {"words": self.allowed}
            return f"{where(number, letter, f.label)}: {problem}"
        values[f.key] = converted
        return None


def _rows(count):
    return {"rows": count, "max": MAX_ROWS}


def _convert(f, value, words):
    """(value, None) or (None, problem) for one cell of field ``f``."""
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time, datetime.timedelta)):
        return None, _("een datum, waar %(expected)s verwacht wordt.") % {"expected": _expected(f)}
    if f.kind == "bool":
        return _boolean(value)
    if isinstance(value, bool):
        return None, _("een waarheidswaarde, waar %(expected)s verwacht wordt.") % {"expected": _expected(f)}
    if isinstance(value, (int, float)):
        if f.kind != "code" or not float(value).is_integer():
            return None, _("een getal, waar %(expected)s verwacht wordt.") % {"expected": _expected(f)}
        value = str(int(value))
    if not isinstance(value, str):
        return None, _("een onverwacht soort waarde.")
    text = value.replace("\r\n", "\n").strip()
    if f.max_length and len(text) > f.max_length:
        return None, _("te lang (%(length)s tekens; ten hoogste %(max)s).") % {"length": len(text), "max": f.max_length}
    if f.markdown and text.count("[^") > MAX_FOOTNOTES and (count := footnote_count(text)) > MAX_FOOTNOTES:
        return None, _("te veel voetnoten (%(count)s verschillende; ten hoogste %(max)s per tekst).") % {
            "count": count,
            "max": MAX_FOOTNOTES,
        }
    if f.kind == "agreement" and text:
        code = words.get(text.casefold())
        if code is None:
            return None, _("onbekende mate van akkoord “%(value)s”.") % {"value": text[:60]}
        return code, None
    return text, None


def _boolean(value):
    if isinstance(value, bool):
        return value, None
    if isinstance(value, str) and value.strip().casefold() in YES | NO:
        return value.strip().casefold() in YES, None
    return None, _("“%(value)s” is geen ja of nee.") % {"value": str(value)[:40]}


def _expected(f):
    if f.kind == "code":
        return _("tekst of een geheel getal")
    if f.kind == "bool":
        return _("ja of nee")
    return _("tekst")


def _check_row(number, values, columns):
    letters = {f.key: get_column_letter(position + 1) for position, f in columns.items()}
    labels = {f.key: f.label for f in FIELDS}
    problems = []

    def problem(key, message):
        problems.append(f"{where(number, letters[key], labels[key])}: {message}")

    if not values.get("text"):
        problem("text", _("de tekst van de aanbeveling ontbreekt."))
    if values.get("group") and not values.get("theme"):
        problem("theme", _("een aanbeveling in een groep hoort bij een thema: vul het thema in."))
    if (values.get("theme") or values.get("section")) and not values.get("group"):
        problem("group", _("een thema hoort bij een groep: vul de groep in."))
    if (
        values.get("agreement") in NEEDS_JUSTIFICATION
        and not values.get("justification")
        and not values.get("justification_not_in_source")
    ):
        level = Recommendation.Agreement(values["agreement"]).label
        problem("justification", _("geef een motivering: bij “%(level)s” legt u uit waarom.") % {"level": level})
    return problems
