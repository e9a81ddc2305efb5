"""The tracking table: one row per recommendation–action link (and one for a recommendation
without actions), of one response or of the dashboard's selection, as XLSX and CSV.

The columns are defined once, in ``COLUMNS`` (a list of ``Column``): both formats, the header
and the types come from there. To add a column (a validation state, say), append a ``Column``
whose ``value`` reads it from a ``Row``; if it needs data the queries below do not load, load it
in ``_batch_rows``.

Cost: the responses are read in batches of ``BATCH`` (50); each batch costs a fixed number of
queries whatever its size (recommendations, links with their actions, owners, latest comments),
so one response costs the same five queries with 10 rows as with 2,000.
"""

import codecs
import csv
import datetime
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import lxml.html
from django.db.models import OuterRef, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from actions.models import Action, ActionLink, ProgressUpdate
from core import rendered
from core.text import printable
from recommendations.models import Recommendation

BATCH = 50  # responses per batch of queries
# The XLSX is built in memory (its column widths need every value first): at most this many rows.
# Larger selections are refused with a message that offers the CSV, which is streamed whatever its size.
MAX_XLSX_ROWS = 20_000

TEXT, DATE, BOOL = "text", "date", "bool"


@dataclass
class Row:
    """One line of the table: a recommendation and one of its links (``link`` None without actions)."""

    response: Any
    recommendation: Any
    link: Any = None
    comment: str = ""  # the action's latest progress note
    today: datetime.date | None = None

    @property
    def action(self):
        return self.link.action if self.link else None


@dataclass(frozen=True)
class Column:
    key: str  # stable, for code and tests
    label: Any  # the header, in the interface's language
    value: Callable[[Row], Any]
    kind: str = TEXT  # TEXT, DATE or BOOL: the cell type in the XLSX
    max_width: int = 40  # characters; longer text wraps
    wrap: bool = False


def _action(attribute):
    def value(row):
        return getattr(row.action, attribute) if row.action else ""

    return value


def _overdue(row):
    return row.action.is_overdue(row.today) if row.action else None


def _text(obj, name):
    """A Markdown text as a spreadsheet shows it: plain text, lists with bullets (core.richtext's
    stored print HTML, so a footnote is in brackets at its call)."""
    return html_to_text(rendered.html_of(obj, name, variant="print")) if getattr(obj, name) else ""


def html_to_text(html) -> str:
    root = lxml.html.fragment_fromstring(str(html), create_parent="div")
    parts: list[str] = []
    _walk(root, parts)
    text = "".join(parts)
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _walk(node, parts, number=None):
    tag = node.tag if isinstance(node.tag, str) else ""
    if tag == "span" and "footnote" in (node.get("class") or "").split():
        parts.append(" (" + " ".join(node.text_content().split()) + ")")
        parts.append(_inline_text(node.tail))
        return
    if tag == "li":
        parts.append(f"{number}. " if number else "• ")
    if tag == "br":
        parts.append("\n")
    parts.append(_inline_text(node.text))
    counter = itertools.count(1)
    for child in node:
        _walk(child, parts, next(counter) if tag == "ol" else None)
    if tag == "a" and node.get("href", "").startswith(("http:", "https:")) and node.get("href") != node.text_content():
        parts.append(f" ({node.get('href')})")
    if tag in ("p", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre"):
        parts.append("\n\n")
    elif tag == "li":
        parts.append("\n")
    if node.getparent() is not None:
        parts.append(_inline_text(node.tail))


def _inline_text(text):
    """Text between tags: the HTML's line breaks are spaces, whitespace alone between blocks nothing."""
    if not text or not text.strip():
        return "" if not text or "\n" in text else text
    return re.sub(r"\s*\n\s*", " ", text)


def _owners(action):
    if action is None:
        return ""
    return ", ".join(user.get_full_name() or user.get_username() for user in action.owner_list)


def _theme(rec):
    return str(rec.theme) if rec.theme_id else ""


COLUMNS = [
    Column("response", _("Managementresponse"), lambda r: r.response.title, max_width=30, wrap=True),
    Column(
        "group",
        _("Groep"),
        lambda r: r.recommendation.theme.group.title if r.recommendation.theme_id else "",
        max_width=30,
        wrap=True,
    ),
    Column("theme", _("Thema"), lambda r: _theme(r.recommendation), max_width=30, wrap=True),
    Column("recommendation_number", _("Aanbeveling nr."), lambda r: r.recommendation.number, max_width=12),
    Column("location", _("Locatie rapport"), lambda r: r.recommendation.location, max_width=14),
    Column("text", _("Aanbeveling"), lambda r: _text(r.recommendation, "text"), max_width=60, wrap=True),
    Column("agreement", _("Mate van akkoord"), lambda r: r.recommendation.agreement_document_label, max_width=20),
    Column(
        "response_text",
        _("Managementrespons"),
        lambda r: _text(r.recommendation, "response_text"),
        max_width=50,
        wrap=True,
    ),
    Column(
        "justification", _("Motivering"), lambda r: _text(r.recommendation, "justification"), max_width=50, wrap=True
    ),
    Column(
        "action_number",
        _("Actienummer"),
        lambda r: (r.link.action.number + r.link.qualifier_suffix) if r.link else "",
        max_width=16,
    ),
    Column("action_title", _("Actie"), _action("title"), max_width=40, wrap=True),
    Column("status", _("Status"), lambda r: r.action.status_document_label if r.action else "", max_width=20),
    Column(
        "validation",
        _("Validatie"),
        lambda r: r.action.get_effective_validation_state_display() if r.action else "",
        max_width=22,
    ),
    Column("time_frame", _("Tijdspad"), _action("time_frame"), max_width=20),
    # The due date, else the end of the time frame (Action.deadline): the date "overdue" is judged by.
    Column("due_date", _("Uiterste datum"), lambda r: r.action.deadline if r.action else None, kind=DATE, max_width=12),
    Column("units", _("Verantwoordelijke diensten"), _action("responsible_units_line"), max_width=30, wrap=True),
    Column("owners", _("Eigenaars"), lambda r: _owners(r.action), max_width=25, wrap=True),
    Column("overdue", _("Achterstallig"), _overdue, kind=BOOL, max_width=14),
    Column("latest_comment", _("Laatste opmerking"), lambda r: r.comment, max_width=50, wrap=True),
]


def rows(responses: Iterable, *, today=None) -> Iterator[list]:
    """The values of every row of ``responses`` (a list or queryset, in its order), each a list in
    the order of ``COLUMNS``; a response's rows in document order."""
    today = today or timezone.localdate()
    batch = []
    for response in responses:
        batch.append(response)
        if len(batch) == BATCH:
            yield from _batch_rows(batch, today)
            batch = []
    if batch:
        yield from _batch_rows(batch, today)


def _batch_rows(responses, today):
    by_pk = {r.pk: r for r in responses}
    position = {r.pk: i for i, r in enumerate(responses)}
    # 1. The recommendations, with their themes and groups.
    recs = list(Recommendation.objects.filter(response__in=responses).select_related("theme__group"))
    recs.sort(
        key=lambda r: (
            position[r.response_id],
            r.theme_id is not None,  # those without a theme first, as the document lists them
            (r.theme.group.order, r.theme.group.pk, r.theme.order, r.theme.pk) if r.theme_id else (),
            r.order,
            r.pk,
        )
    )
    # 2. Their links, with the actions and the actions' parents (an inherited status, overdue).
    links = ActionLink.objects.filter(recommendation__response__in=responses).select_related("action__parent")
    link_lists: dict[int, list] = {}
    actions = {}
    for link in links.order_by("order", "pk"):
        link_lists.setdefault(link.recommendation_id, []).append(link)
        link.action = actions.setdefault(link.action_id, link.action)  # one object per action
    # 3. The owners of those actions.
    owners: dict[int, list] = {pk: [] for pk in actions}
    through = Action.owners.through.objects.filter(action__response__in=responses).select_related("user")
    for entry in through.order_by("user__username"):
        owners.setdefault(entry.action_id, []).append(entry.user)
    for pk, action in actions.items():
        action.owner_list = owners.get(pk, [])
        Action.response.field.set_cached_value(action, by_pk[action.response_id])
    # 4. The latest progress note of each action that has one.
    latest = ProgressUpdate.objects.filter(action=OuterRef("action_id")).exclude(note="")
    latest = latest.order_by("-date", "-created_at", "-pk").values("pk")[:1]
    comments = dict(
        ProgressUpdate.objects.filter(action__response__in=responses, pk=Subquery(latest)).values_list(
            "action_id", "note"
        )
    )
    for rec in recs:
        response = by_pk[rec.response_id]
        Recommendation.response.field.set_cached_value(rec, response)
        # The agreement and the statuses in the document's words: in the document's language.
        with translation.override(response.language):
            rec_links = link_lists.get(rec.pk) or [None]
            for link in rec_links:
                row = Row(response, rec, link, comments.get(link.action_id, "") if link else "", today)
                yield [column.value(row) for column in COLUMNS]


# --- XLSX -----------------------------------------------------------------------------------


class TooManyRows(Exception):
    def __init__(self, limit):
        super().__init__(f"more than {limit} rows")
        self.limit = limit


def _width(value, kind):
    if value is None:
        return 0
    if kind == DATE:
        return 10
    if kind == BOOL:
        return 5
    return max((len(line) for line in str(value).splitlines()), default=0)


def write_xlsx(value_rows: Iterable[list], out, *, title=None, limit=None) -> int:
    """Write the table to ``out`` (a binary file): typed cells (dates as dates, yes/no as
    booleans, text always as text, never as a formula), the header row frozen and bold, a filter
    on every column, widths that fit their contents (up to each column's ``max_width``, longer
    text wrapped). Returns the number of rows; raises ``TooManyRows`` beyond ``limit``."""
    limit = limit or MAX_XLSX_ROWS
    values = []
    for row in value_rows:
        if len(values) == limit:
            raise TooManyRows(limit)
        values.append(row)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(title or _("Opvolging"))[:31])
    widths = [len(str(column.label)) + 3 for column in COLUMNS]  # room for the filter button
    for row in values:
        for i, (column, value) in enumerate(zip(COLUMNS, row, strict=True)):
            widths[i] = max(widths[i], min(_width(value, column.kind), column.max_width))
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = min(widths[i - 1], column.max_width) + 2
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{len(values) + 1}"
    bold, top = Font(bold=True), Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(column.label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in values:
        cells = []
        for column, value in zip(COLUMNS, row, strict=True):
            cell = WriteOnlyCell(sheet, value=_cell_value(value, column.kind))
            if column.kind == TEXT:
                cell.data_type = "s"  # "=SUM(…)" typed by a user stays text, never a formula
            elif column.kind == DATE:
                cell.number_format = "yyyy-mm-dd"
            cell.alignment = wrapped if column.wrap else top
            cells.append(cell)
        sheet.append(cells)
    workbook.save(out)
    return len(values)


def _cell_value(value, kind):
    if kind == TEXT:
        # Rows stored before core.text's rule may hold control characters, which XLSX cannot.
        return "" if value is None else printable(str(value))
    return value


def xlsx_bytes(value_rows, **kwargs) -> bytes:
    out = io.BytesIO()
    write_xlsx(value_rows, out, **kwargs)
    return out.getvalue()


# --- CSV ------------------------------------------------------------------------------------

# A cell that starts with one of these is a formula to a spreadsheet that opens the CSV
# (CSV injection, OWASP): such a value gets a leading apostrophe, which Excel shows as text.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value, kind):
    if value is None:
        return ""
    if kind == DATE:
        return value.isoformat()
    if kind == BOOL:
        return str(_("ja") if value else _("nee"))
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


class _Line:
    """A file-like object that hands back what the csv writer wrote, line by line."""

    def write(self, text):
        return text


def csv_lines(value_rows: Iterable[list]) -> Iterator[bytes]:
    """The table as CSV, UTF-8 with a byte-order mark (so that Excel reads its accents), one
    encoded line at a time: a caller can stream it (``StreamingHttpResponse``) or write it."""
    writer = csv.writer(_Line())
    yield codecs.BOM_UTF8 + writer.writerow([str(column.label) for column in COLUMNS]).encode("utf-8")
    for row in value_rows:
        line = [_csv_value(value, column.kind) for column, value in zip(COLUMNS, row, strict=True)]
        yield writer.writerow(line).encode("utf-8")
