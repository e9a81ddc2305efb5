"""The two-column shape: a table of two columns, the recommendation (or agreed action) on the left and
the organisation's remarks (or the action's current status) on the right, printed without cell
rules, often over many pages and grouped by report.

How it reads (docs/reading.md, "Two columns"):

* the table's header row is two short labels side by side, the left one naming recommendations or
  agreed actions, the right one remarks, comments, a response or a status; it is repeated on the
  pages the table runs over. The right column's left edge is where most lines after the header
  start between the two labels;
* an item starts with a bold label in the left column: "Recommendation N" or a number "N." (with
  the item's heading after it, in bold). In a table of remarks, a bold first line in the right
  column beside the label is the decision ("Accepted and implemented"): the agreement; the rest of
  the right column is the response. In a table of statuses the left cell is an agreed action (a
  recommendation that is its own action: title the bold heading, narrative the rest) and the right
  cell is its one progress entry, dated the last day of the month the header names ("(as of
  March 2025)");
* outside the items: a bold line that is not an item's label starts a group (the report the items
  answer); a line "N. ... recommendations ..." (an addressee) or the lines after a group's title
  until the next item are a theme. A heading printed larger than the body ends the table.

The title block and the chapters are the matrix reader's (matrix.py: the same Executive Board
documents); the score says how many items the two-column tables hold.
"""

import calendar
import datetime
import itertools
import re

from django.utils.translation import gettext_lazy as _

from .. import words
from ..found import Found
from ..source import Line, Source, join_lines
from . import matrix

SHAPE = "columns"

LEFT_HEADER = re.compile(r"\b(?:recommendations?|agreed actions?|actions?|aanbevelingen|aanbeveling|acties?)\b", re.I)
RIGHT_HEADER = re.compile(r"\b(?:remarks?|comments?|response|status|opmerkingen|reactie|stand van zaken)\b", re.I)
STATUS_HEADER = re.compile(r"\b(?:status|stand van zaken)\b", re.I)
ITEM = re.compile(
    r"^(?:(?:Recommendation|Aanbeveling)\s+(?P<number>\d{1,3}[a-z]?)|(?P<plain>\d{1,3})\.)(?:\s+|$)(?P<rest>.*)$"
)
THEME = re.compile(r"^(?P<section>\d{1,2}\.)\s+(?P<heading>.*\brecommendations?\b.*)$", re.I)
MONTH_YEAR = re.compile(r"\b([A-Z][a-z]+)\s+(\d{4})\b")


def _lines(source: Source) -> list[Line]:
    """The matrix reader's body (running headers out, in reading order) without the footnotes and
    the rule above them."""
    return [
        line
        for line in matrix._body(source)  # noqa: SLF001 -- the same body as the matrix reader's
        if not line.footnote and not re.fullmatch(r"_{5,}", line.text.strip())
    ]


def _rows(lines: list[Line]) -> list[list[Line]]:
    rows: list[list[Line]] = []
    for line in lines:
        if rows and rows[-1][0].page == line.page and abs(rows[-1][0].top - line.top) <= 2.5:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda line: line.x0) for row in rows]


class _Table:
    """A header row found: its labels and the right column's left edge."""

    def __init__(self, row: list[Line], edge: float, status: bool):
        self.left, self.right = row[0], row[-1]
        self.edge = edge
        self.status = status


def _header(rows: list[list[Line]], index: int, size: float) -> _Table | None:
    row = rows[index]
    if len(row) != 2 or any(line.bold or line.table >= 0 or line.size > size + 0.5 for line in row):
        return None
    left, right = row
    if len(left.text.split()) > 8 or len(right.text.split()) > 8:
        return None
    if not (LEFT_HEADER.search(left.text) and RIGHT_HEADER.search(right.text)) or right.x0 - left.x1 < 20:
        return None
    starts: dict[int, int] = {}
    for later in rows[index + 1 : index + 40]:
        for line in later:
            if line.page == left.page and left.x1 < line.x0 <= right.x0 + 1:
                starts[round(line.x0)] = starts.get(round(line.x0), 0) + 1
    if not starts:
        return None
    edge = max(starts, key=lambda x: starts[x])
    if starts[edge] < 3:
        return None
    return _Table(row, float(edge), bool(STATUS_HEADER.search(right.text)))


def _tables(source: Source, rows: list[list[Line]]) -> list[tuple[int, _Table]]:
    size = _body_size(source)
    return [(i, table) for i in range(len(rows)) if (table := _header(rows, i, size)) is not None]


def _body_size(source: Source) -> float:
    sizes: dict[float, int] = {}
    for line in source.body():
        sizes[round(line.size)] = sizes.get(round(line.size), 0) + len(line.text)
    return float(max(sizes, key=lambda size: sizes[size])) if sizes else 10.0


def _text(line: Line) -> str:
    """A line's text without its footnote calls."""
    if not line.runs:
        return line.text.strip()
    return "".join(run.text for run in line.runs if not run.superscript).strip()


def _label(row: list[Line], edge: float) -> re.Match | None:
    left = [line for line in row if line.x0 < edge - 3]
    if not left or not left[0].bold:
        return None
    return ITEM.match(" ".join(line.text.strip() for line in left))


def score(source: Source) -> float:
    lines = _lines(source)
    rows = _rows(lines)
    tables = _tables(source, rows)
    if not tables:
        return 0.0
    items = 0
    for start, table in tables:
        for row in rows[start + 1 : start + 60]:
            if row[0].page != table.left.page:
                break
            if _label(row, table.edge):
                items += 1
    if items < 2:
        return 0.0
    return min(1.0, 0.9 + 0.01 * items)


def read(source: Source) -> Found:
    return _Reader(source).read()


class _Item:
    def __init__(self, match: re.Match, page: int):
        self.number = match.group("number") or match.group("plain")
        self.page = page
        self.heading: list[str] = [match.group("rest").strip()] if match.group("rest").strip() else []
        self.left: list[Line] = []
        self.decision: list[str] = []
        self.right: list[Line] = []
        self.in_text = False


class _Reader:
    def __init__(self, source: Source):
        self.source = source
        self.lines = _lines(source)
        self.rows = _rows(self.lines)
        self.size = _body_size(source)
        self.used: dict[str, str] = {}

    def read(self) -> Found:
        base = matrix.read(self.source)
        found = Found(data={}, shape=SHAPE, pages=dict(base.pages), notes=[])
        response = base.data["response"]
        if not response.get("organisation"):
            response["organisation"] = self.organisation()
        for key in [k for k in found.pages if not k.startswith("response")]:
            del found.pages[key]
        groups, actions = self.items(found)
        vocabulary = words.vocabulary_of(self.used, "en")
        response["vocabulary"] = vocabulary
        found.data = {
            "format": "managementresponse/3",
            "response": response,
            "actions": actions,
            "recommendations": [],
            "groups": groups,
        }
        if not any(theme["recommendations"] for group in groups for theme in group["themes"]):
            found.notes.append(_("Er zijn geen aanbevelingen gevonden."))
        return found

    def organisation(self) -> str:
        """The organisation an Executive Board document's cover names on the line before "Executive
        Board" (the board's organisation, in bold)."""
        page_one = [line for line in self.lines if line.page == 1]
        for above, line in itertools.pairwise(page_one):
            if line.text.strip() == "Executive Board" and above.bold and above.x0 <= line.x0 + 1:
                return above.text.strip()
        return ""

    def items(self, found: Found) -> tuple[list[dict], list[dict]]:  # noqa: C901 -- the table read in print order
        tables = _tables(self.source, self.rows)
        if not tables:
            return [], []
        starts = dict(tables)
        first, table = tables[0]
        groups: list[dict] = []
        group: dict | None = None
        theme: dict | None = None
        item: _Item | None = None
        items: list[tuple[_Item, dict, _Table]] = []
        heading: list[str] = []  # a group's title being read
        theme_lines: list[str] = []
        # a group's title and theme may stand just before the first header row (a table per report)
        begin = first
        while begin > 0 and first - begin < 4 and self.rows[begin - 1][0].page == self.rows[first][0].page:
            row = self.rows[begin - 1]
            if row[0].size > self.size + 3:
                break
            begin -= 1

        def close_heading():
            nonlocal group, theme, heading, theme_lines
            if heading:
                group = {"title": " ".join(heading).strip(), "themes": []}
                groups.append(group)
                theme = None
                heading = []
            if theme_lines:
                match = THEME.match(" ".join(theme_lines))
                section, text = (
                    (match.group("section"), match.group("heading")) if match else ("", " ".join(theme_lines))
                )
                if group is None:
                    group = {"title": "", "themes": []}
                    groups.append(group)
                theme = {"section": section, "heading": text, "recommendations": []}
                group["themes"].append(theme)
                theme_lines = []

        for index in range(begin, len(self.rows)):
            row = self.rows[index]
            if index in starts:
                table = starts[index]
                continue
            if index > first and row[0].size > self.size + 3 and row[0].bold:
                break  # a heading printed larger: the table has ended
            edge = table.edge
            match = _label(row, edge)
            if match:
                close_heading()
                if theme is None:
                    if group is None:
                        group = {"title": "", "themes": []}
                        groups.append(group)
                    theme = {"section": "", "heading": "", "recommendations": []}
                    group["themes"].append(theme)
                item = _Item(match, row[0].page)
                for line in row:
                    if line.x0 >= edge - 3:
                        (item.decision if line.bold and not table.status else item.right).append(
                            line.text.strip() if line.bold and not table.status else line
                        )
                items.append((item, theme, table))
                continue
            left = [line for line in row if line.x0 < edge - 3]
            right = [line for line in row if line.x0 >= edge - 3]
            wide = any(line.x1 > edge + 3 for line in left)
            text = " ".join(_text(line) for line in left)
            heading_phase = item is not None and not item.in_text and not wide
            if left and left[0].bold and not heading_phase:
                if theme_lines:
                    close_heading()
                heading.append(text)
                item = None
                continue
            if left and not left[0].bold and (heading or theme_lines or (THEME.match(text) and not right)):
                theme_lines.append(text)
                item = None
                continue
            if item is None:
                continue
            for line in left:
                if line.bold and not item.in_text:
                    item.heading.append(line.text.strip())
                else:
                    item.in_text = True
                    item.left.append(line)
            for line in right:
                if line.bold and not table.status and not item.right:
                    item.decision.append(line.text.strip())
                else:
                    item.right.append(line)
        close_heading()
        return self.build(items, groups, found)

    def build(self, items, groups, found: Found) -> tuple[list[dict], list[dict]]:
        actions: list[dict] = []
        for count, (item, theme, table) in enumerate(items):
            text = _paragraphs(item.left)
            heading = " ".join(item.heading)
            response = _paragraphs(item.right)
            rec = {
                "number": item.number,
                "location": "",
                "text": f"{heading}\n\n{text}".strip() if heading else text,
                "agreement": "",
                "response": "",
                "justification": "",
                "actions": [],
            }
            found.pages[f"recommendations[{count}]"] = item.page
            if table.status:
                agreed = re.search(r"\bagreed\b", f"{table.left.text} {text}", re.I)  # "Agreed action ..."
                rec["agreement"] = "agree" if agreed else ""
                if rec["agreement"]:
                    self.used.setdefault("agree", "Agreed")
                found.pages[f"actions[{len(actions)}]"] = item.page
                actions.append(
                    {
                        "number": item.number,
                        "label": "",
                        "title": heading.rstrip(":").strip(),
                        "status": "in_progress",
                        "status_note": "",
                        "time_frame": "",
                        "responsible_units": [],
                        "starts_on": None,
                        "due_date": None,
                        "narrative": text,
                        "progress": [
                            {"date": _as_of(table.right.text), "status": "in_progress", "comment": response, "by": ""}
                        ]
                        if response
                        else [],
                        "numbered": True,
                        "parts": [],
                    }
                )
                rec["actions"] = [item.number]
            else:
                decision = " ".join(item.decision)
                key = matrix.agreement_of(decision) or _agreement(decision)
                if key and decision:
                    self.used.setdefault(key, decision.split(" and ")[0] if key == "agree" else decision)
                rec["agreement"] = key
                rec["response"] = response
            theme["recommendations"].append(rec)
        for group in groups:
            group["themes"] = [theme for theme in group["themes"] if theme["heading"] or theme["recommendations"]]
        groups[:] = [group for group in groups if group["themes"]]
        return groups, actions


def _agreement(decision: str) -> str:
    """A decision heading's agreement: "Accepted and in progress" is agreed; "Not accepted" is not;
    "Under consideration", "Not relevant" and the like leave it open."""
    text = decision.strip().lower()
    if re.match(r"^(?:not|non)[\s-]+accepted\b|^rejected\b", text):
        return "disagree"
    if re.match(r"^partially accepted\b", text):
        return "partially_agree"
    if re.match(r"^(?:accepted|agreed)\b", text):
        return "agree"
    return ""


def _paragraphs(lines: list[Line]) -> str:
    """The column's lines as paragraphs: a paragraph ends where the space to the next line is
    clearly more than the line spacing, or on another page after a short line."""
    if not lines:
        return ""
    gaps = [b.top - a.top for a, b in itertools.pairwise(lines) if a.page == b.page and b.top > a.top]
    spacing = sorted(gaps)[len(gaps) // 2] if gaps else lines[0].size * 1.2
    paragraphs: list[str] = []
    current = ""
    for previous, line in zip([None, *lines], lines, strict=False):
        if previous is not None and previous.page == line.page and line.top - previous.top > 1.35 * spacing:
            paragraphs.append(current)
            current = ""
        current = join_lines(current, line.text.strip())
    paragraphs.append(current)
    return "\n\n".join(p for p in paragraphs if p)


def _as_of(header: str) -> str | None:
    """The last day of the month a status column's header names ("(as of March 2025)")."""
    match = MONTH_YEAR.search(header.replace("of", "of "))
    if not match or match.group(1).lower() not in matrix.MONTHS:
        return None
    year, month = int(match.group(2)), matrix.MONTHS[match.group(1).lower()]
    return datetime.date(year, month, calendar.monthrange(year, month)[1]).isoformat()
