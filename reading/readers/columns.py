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
import dataclasses
import datetime
import itertools
import re

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .. import words
from ..found import Found
from ..source import Line, Run, Source, join_lines
from . import matrix

SHAPE = "columns"

LEFT_HEADER = re.compile(r"\b(?:recommendations?|agreed actions?|actions?|aanbevelingen|aanbeveling|acties?)\b", re.I)
RIGHT_HEADER = re.compile(r"\b(?:remarks?|comments?|response|status|opmerkingen|reactie|stand van zaken)\b", re.I)
STATUS_HEADER = re.compile(r"\b(?:status|stand van zaken)\b", re.I)
ITEM = re.compile(
    r"^(?:(?:Recommendation|Aanbeveling)\s+(?P<number>\d{1,3}[a-z]?)\.?|(?P<plain>\d{1,3})\.)(?:\s+|$)(?P<rest>.*)$"
)
LABEL = re.compile(r"^\s*(?:Recommendation|Aanbeveling)\s+\d")
THEME = re.compile(r"^(?P<section>\d{1,2}\.)\s+(?P<heading>.*\brecommendations?\b.*)$", re.I)
PROSE = re.compile(
    r"^(?:\d{1,3}\.\s+)?Recommendation\s+(?P<number>\d{1,3})(?P<addressee>,\s+addressed to [^.]{1,80})?\.\s+(?P<rest>.*)$"
)
HEADING_LABEL = re.compile(r"^(?:[IVX]{1,5}|[A-Z])\.(?:\s|$)")  # "II. Synopsis ...", "A. Flexible ..."
CHAPTER = re.compile(r"^[IVX]{1,5}\.(?:\s|$)")
# An organisation's name as a cover prints it above the title ("United Nations Population Fund").
ORGANISATION_NAME = re.compile(
    r"^(?:United Nations|UN)\b[\w’' -]*\b(?:Fund|Programme|Office[\w ]*|Organization|Entity[\w ]*|Volunteers)$"
)
MONTH_YEAR = re.compile(r"\b([A-Z][a-z]+)\s+(\d{4})\b")


def _lines(source: Source) -> list[Line]:
    """The matrix reader's body (running headers out, in reading order) without the footnotes and
    the rule above them; the lines of a drawn table row by row, each cell's lines together (left
    cell first), whatever their heights."""
    size = _body_size(source)
    height = source.page_height or 842.0
    lines = [
        line
        for line in matrix._body(source)  # noqa: SLF001 -- the same body as the matrix reader's
        if not line.footnote
        and not re.fullmatch(r"_{5,}", line.text.strip())
        # a page number or job number in a smaller type in a margin ("14", "25-04933")
        and not (
            re.fullmatch(r"[\d\s/().–-]+", line.text.strip())
            and line.size < size - 0.5
            and (line.top < 0.1 * height or line.top > 0.85 * height)
        )
    ]
    out: list[Line] = []
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j].table >= 0 and lines[j].table == lines[i].table:
            j += 1
        if j > i:
            out.extend(sorted(lines[i:j], key=lambda line: (line.cell or (0, 0), line.top, line.x0)))
            i = j
        else:
            out.append(lines[i])
            i += 1
    return out


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
    if len(row) != 2 or any((line.bold and line.table < 0) or line.size > size + 1.5 for line in row):
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
    # the leftmost start that three lines share: lines indented in the column (a list) start further right
    frequent = [x for x, count in starts.items() if count >= 3]
    if not frequent:
        return None
    edge = min(frequent)
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
    """An item's label at the start of the row's left column: the line in bold, or a bold
    "Recommendation N" with the recommendation's text after it in roman."""
    left = [line for line in row if line.x0 < edge - 3]
    if not left:
        return None
    first = left[0]
    if not (first.bold or (first.runs and first.runs[0].bold and LABEL.match(first.runs[0].text))):
        return None
    return ITEM.match(" ".join(line.text.strip() for line in left))


def _bold_from(lines: list[Line], start: int) -> bool:
    """Whether the text of ``lines`` (joined by spaces, as ``_label`` joins them) is bold from
    character ``start`` on (its words; spaces and stops aside)."""
    chars: list[tuple[str, bool]] = []
    for line in lines:
        runs = line.runs or (Run(line.text, line.bold),)
        styled = [(char, run.bold) for run in runs for char in run.text]
        while styled and styled[0][0].isspace():
            styled.pop(0)
        while styled and styled[-1][0].isspace():
            styled.pop()
        if chars:
            chars.append((" ", True))
        chars.extend(styled)
    return all(bold for char, bold in chars[start:] if char.isalnum())


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
        self.label = ""  # an item read from a paragraph: its label ("Recommendation 4, addressed to ...")
        self.prose_text = ""  # an item read from a paragraph (``_Reader.prose``)
        self.prose_response = ""


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
        organisation, title = self.title_under_organisation(response.get("title") or "")
        if title:
            if response["evaluation"].get("title") == response["title"]:
                response["evaluation"]["title"] = title
            response["title"], response["organisation"] = title, organisation
            response["slug"] = slugify(title)[:50].strip("-") or response["slug"]
        if not response.get("organisation"):
            response["organisation"] = self.organisation() or self.acronym_name(response.get("title") or "")
        # what the title block left unread stays marked (the evaluation's title the document's own)
        found.unread = [
            (item, name)
            for item, name in base.unread
            if item == "response" and not (name in ("title", "organisation") and response.get(name))
        ]
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

    def title_under_organisation(self, title: str) -> tuple[str, str]:
        """(organisation, title) where the title read is one line in bold that names an organisation,
        with lines in a smaller bold type right under it ("United Nations Population Fund" over
        "Report on the recommendations of ..."): the line is the organisation, the smaller lines the
        title; else ("", "")."""
        page_one = [line for line in self.lines if line.page == 1]
        at = next((i for i, line in enumerate(page_one) if line.bold and line.text.strip() == title.strip()), None)
        if at is None or not ORGANISATION_NAME.match(title.strip()):
            return "", ""
        top = page_one[at]
        under: list[Line] = []
        for line in page_one[at + 1 :]:
            last = under[-1] if under else top
            if not (
                line.bold
                and line.size < top.size - 0.5
                and (not under or abs(line.size - under[0].size) < 0.5)
                and abs(line.x0 - top.x0) < 3
                and 0 < line.top - last.top < 2.5 * line.size
            ):
                break
            under.append(line)
        if not under:
            return "", ""
        return title.strip(), " ".join(line.text.strip() for line in under)

    def organisation(self) -> str:
        """The organisation an Executive Board document's cover names on the line before "Executive
        Board" (the board's organisation, in bold)."""
        page_one = [line for line in self.lines if line.page == 1]
        for above, line in itertools.pairwise(page_one):
            if line.text.strip() == "Executive Board" and above.bold and above.x0 <= line.x0 + 1:
                return above.text.strip()
        return ""

    def acronym_name(self, title: str) -> str:
        """The name behind the first acronym of the title ("Report of UNDP on ..."), as the text
        prints it with the acronym after it ("United Nations Development Programme (UNDP)"); else
        the name of the Executive Board's organisation it stands for; else the acronym."""
        match = re.search(r"\b([A-Z]{3,8})\b", title)
        if not match:
            return ""
        acronym = match.group(1)
        text = " ".join(line.text for line in self.lines[:400])
        for candidate in re.finditer(
            r"((?:[A-Z][\w’'-]*\s+(?:(?:of|for|on|and|the)\s+)*){2,8})\(" + re.escape(acronym) + r"\)", text
        ):
            name = candidate.group(1).strip()
            initials = "".join(word[0] for word in name.split() if word[0].isupper())
            if initials == acronym:
                return name
        return matrix.ORGANISATIONS.get(acronym, acronym)  # the Executive Board's organisations

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
        # an annex's heading above the header row: the group of the reports in it ("ANNEX IV: ...")
        annex = self.annex(first)
        if annex is not None:
            begin = first
            groups.append(annex)
            group = annex
        opening = False  # the row before was an annex's heading

        def close_heading():
            nonlocal group, theme, heading, theme_lines
            if heading and annex is not None and group is annex and not theme_lines:
                # a report's heading right above its items, in an annex: a theme of the annex
                group = annex
                theme = {"section": "", "heading": " ".join(heading).strip(), "recommendations": []}
                annex["themes"].append(theme)
                heading = []
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
                text = " ".join(_text(line) for line in row)
                if opening and annex is not None:
                    annex["title"] = f"{annex['title']} {text}"  # the heading's second line
                    continue
                if not self.continued(index, table.edge):
                    break  # a heading printed larger: the table has ended
                # an annex that goes on with the same table, without a header row ("ANNEX IV-A")
                close_heading()
                annex = {"title": text, "themes": []}
                groups.append(annex)
                group, theme, item, opening = annex, None, None, True
                continue
            opening = False
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
                left = [line for line in row if line.x0 < edge - 3]
                if item.heading and not _bold_from(left, match.start("rest")):
                    # "Recommendation 4. The legislative organs ...": the text starts beside the label
                    item.heading = []
                    item.in_text = True
                    item.left.append(dataclasses.replace(left[-1], text=match.group("rest").strip(), runs=()))
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
            # bold: its words are ("*(JIU/REP/2023/7*)": a heading's last line, its bracket in roman)
            bold = bool(left) and (left[0].bold or _bold_from(left[:1], 0))
            if left and bold and not heading_phase:
                if theme_lines:
                    close_heading()
                heading.append(text)
                item = None
                continue
            if left and not bold and (heading or theme_lines or (THEME.match(text) and not right)):
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
        prose = self.prose(self.rows[begin][0])
        before = [prose[0][1]["_group"]] if prose else []
        return self.build(prose + items, before + groups, found)

    def annex(self, first: int) -> dict | None:
        """The group of an annex whose heading (bold, larger than the body) stands above the table's
        first header row: right above it, or above an introduction and a caption in bold
        ("ANNEX IV" ... "Review of relevant ... recommendations in 2024 ..."): "ANNEX IV: <caption>"."""
        page = self.rows[first][0].page
        k = first - 1
        caption: list[str] = []
        while k >= 0 and len(caption) < 3 and self.rows[k][0].page == page:
            row = self.rows[k]
            if not (all(line.bold for line in row) and row[0].size <= self.size + 1.5):
                break
            caption.insert(0, " ".join(_text(line) for line in row))
            k -= 1
        if caption:  # the introduction between the heading and the caption
            while k >= 0 and first - k < 20 and self.rows[k][0].page == page and not self.rows[k][0].bold:
                k -= 1
        heading: list[str] = []
        while k >= 0 and self.rows[k][0].page == page:
            row = self.rows[k]
            if not (all(line.bold for line in row) and row[0].size > self.size + 1.5):
                break
            heading.insert(0, " ".join(_text(line) for line in row))
            k -= 1
        if not heading:
            return None
        title = " ".join(heading)
        return {"title": f"{title}: {' '.join(caption)}" if caption else title, "themes": []}

    def continued(self, index: int, edge: float) -> bool:
        """Whether the part after the larger heading at ``index`` (up to the next one) goes on with
        the table: an item's label in the left column and lines that start at the right column's
        edge."""
        labels = column = 0
        for row in self.rows[index + 1 :]:
            if row[0].size > self.size + 3 and row[0].bold:
                if labels or column:
                    break
                continue
            labels += _label(row, edge) is not None
            column += any(abs(line.x0 - edge) <= 3 for line in row)
        return labels >= 1 and column >= 3

    def prose(self, stop: Line) -> list:  # noqa: C901 -- paragraphs, headings and notes in print order
        """Before the table: paragraphs "N. Recommendation M. <the recommendation in bold> <the
        response>" (a document that answers some recommendations in prose and the others in the
        table), each an item whose response is the rest of its paragraph; where nothing after the
        label is bold ("Recommendation 4, addressed to legislative bodies. UNFPA commits ..."), the
        label is the text. The chapter heading ("II. ...") before them is their group, a bold
        heading between them ("A. Flexible working arrangements ...") their theme; a heading in
        bold italics is a sub-heading, not a theme."""
        before = _merge_labels(
            [
                line
                for line in self.lines
                if (line.page, line.top) < (stop.page, stop.top)
                and line.table < 0
                and line.size >= self.size - 1
                and not re.fullmatch(r"[\d\s/().–-]+", line.text.strip())
            ]
        )  # without notes in a smaller type, page numbers and job numbers
        gaps = [b.top - a.top for a, b in itertools.pairwise(before) if a.page == b.page and b.top > a.top]
        spacing = sorted(gaps)[len(gaps) // 2] if gaps else 12.0
        group: dict = {"title": "", "themes": []}
        out: list = []
        theme: dict | None = None
        heading: list[str] = []
        fresh = False  # a heading read since the last theme was opened
        chapter = False  # the heading being read is a chapter's
        last_heading: Line | None = None  # the line before, when it was a heading's
        item: _Item | None = None
        notes_on = 0  # the page whose footnotes are being passed
        for previous, line in zip([None, *before], before, strict=False):
            text = _text(line)
            new_paragraph = (
                previous is None
                or (previous.page == line.page and line.top - previous.top > 1.35 * spacing)
                or (previous.page != line.page and re.match(r"^\d{1,3}\.\s+\S", text) is not None)
            )
            if line.page == notes_on:
                continue
            if new_paragraph and re.match(r"^\d{1,2}\s+[A-Z]", line.text.strip()) and item is not None:
                notes_on = line.page  # a footnote under the paragraph: the paragraph goes on overleaf
                continue
            match = PROSE.match(text)
            if (
                new_paragraph
                and match
                and any((run.bold or run.italic) and "Recommendation" in run.text for run in line.runs)
            ):
                if theme is None or fresh:
                    theme = {"section": "", "heading": " ".join(heading), "recommendations": []}
                    group["themes"].append(theme)
                    fresh = False
                item = _Item(match, line.page)
                item.heading = []
                item.label = f"Recommendation {match.group('number')}{match.group('addressee') or ''}"
                out.append((item, theme, None))
                runs = list(line.runs)
                label = re.match(r"^\s*(?:\d{1,3}\.\s+)?", "".join(run.text for run in runs)).end()
                self.prose_runs(item, runs, label, True)
                last_heading = None
                continue
            if line.bold and not line.italic and (new_paragraph or last_heading is not None):
                starts = (
                    last_heading is None
                    or last_heading.page != line.page
                    or abs(last_heading.size - line.size) > 0.5
                    or HEADING_LABEL.match(text) is not None
                )
                if starts:
                    item = None
                    chapter = CHAPTER.match(text) is not None
                    if chapter and not out:
                        group["title"] = text  # the chapter the paragraphs stand in
                    elif not chapter:
                        heading, fresh = [text], True
                elif chapter:
                    if not out:
                        group["title"] = join_lines(group["title"], text)
                else:
                    heading.append(text)
                last_heading = line
                continue
            last_heading = None
            if new_paragraph:
                item = None
                continue
            if item is not None:
                self.prose_runs(item, list(line.runs), 0, not item.in_text)
        for entry in out:
            entry[1]["_group"] = group
        return out

    @staticmethod
    def prose_runs(item: "_Item", runs, skip: int, bold_part: bool) -> None:
        """The bold words go to the item's text until the first roman ones; the rest to its response."""
        seen = 0
        for run in runs:
            text = run.text
            if seen + len(text) <= skip:
                seen += len(text)
                continue
            if seen < skip:
                text = text[skip - seen :]
            seen += len(run.text)
            if run.superscript:
                continue
            if (not item.in_text and run.bold) or (not text.strip() and not item.in_text):
                item.prose_text = join_lines(item.prose_text, text.strip()) if text.strip() else item.prose_text
            else:
                item.in_text = True
                item.prose_response = (
                    join_lines(item.prose_response, text.strip()) if text.strip() else item.prose_response
                )

    def build(self, items, groups, found: Found) -> tuple[list[dict], list[dict]]:
        actions: list[dict] = []
        for count, (item, theme, table) in enumerate(items):
            text = _paragraphs(item.left) or item.prose_text.removeprefix("Recommendation").strip()
            text = re.sub(r"^\d{1,3}\.\s+", "", text) if item.prose_text else text
            heading = " ".join(item.heading)
            response = _paragraphs(item.right) or item.prose_response
            if item.label and re.fullmatch(r"(?:\d{1,3}[.,]?)?", text):
                # nothing bold after the label: the label is the text, the rest of the paragraph the response
                text = item.label
                response = re.sub(
                    r"^Recommendation\s+\d{1,3}\s*(?:,[^.]*)?\.\s*", "", join_lines(item.prose_text, response)
                )
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
            if table is not None and table.status:
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
                key = matrix.agreement_of(decision) or _agreement(decision) if decision else _in_prose(response)
                word = _word_in_prose(response)[1] if not decision else ""
                if key and word:
                    self.used.setdefault(key, word)  # "This recommendation is fully accepted": Accepted
                if key and decision:
                    self.used.setdefault(key, decision.split(" and ")[0] if key == "agree" else decision)
                rec["agreement"] = key
                rec["response"] = response
            theme["recommendations"].append(rec)
        for theme in [t for _item, t, _table in items]:
            theme.pop("_group", None)
        for group in groups:
            group["themes"] = [theme for theme in group["themes"] if theme["heading"] or theme["recommendations"]]
        groups[:] = [group for group in groups if group["themes"]]
        for group in groups:  # the interchange format names every group and theme
            group["title"] = _fit(group["title"] or group["themes"][0]["heading"] or _("Aanbevelingen"))
            for theme in group["themes"]:
                theme["heading"] = _fit(theme["heading"] or group["title"])
        return groups, actions


def _merge_labels(lines: list[Line]) -> list[Line]:
    """A heading's label printed apart ("II." beside "Synopsis and review ...") joined to the line
    beside it."""
    out: list[Line] = []
    skip = False
    for line, after in itertools.zip_longest(lines, lines[1:]):
        if skip:
            skip = False
            continue
        if (
            after is not None
            and line.bold
            and re.fullmatch(r"(?:[IVX]{1,5}|[A-Z])\.", line.text.strip())
            and after.page == line.page
            and abs(after.top - line.top) < 3
            and after.x0 > line.x1
        ):
            label = line.text.strip()
            out.append(
                dataclasses.replace(
                    after, text=f"{label} {after.text}", x0=line.x0, runs=(Run(f"{label} ", bold=True), *after.runs)
                )
            )
            skip = True
        else:
            out.append(line)
    return out


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


def _fit(text: str, limit: int = 300) -> str:
    """A heading within the ``limit`` a heading holds: cut at a word, with an ellipsis."""
    text = str(text).strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"


def _in_prose(text: str) -> str:
    """The agreement remarks state in words, from the first sentence that states one: "does not
    accept" disagrees; "will consider", "under consideration", "does not consider the
    recommendation relevant" leave it open; "accepts", "is compliant with", "considers it (to be)
    implemented", "supports (agrees with) this recommendation", "is (fully) supportive" agree, but
    not "is supportive of all efforts ..." (a position on efforts, not on the recommendation)."""
    return _word_in_prose(text)[0]


def _word_in_prose(text: str) -> tuple[str, str]:
    """(agreement, the document's word for it): ``_in_prose``'s agreement, with "Accepted" or "Not
    accepted" where the sentence says (not) accepted, else no word."""
    for sentence in re.split(r"(?<=[.;])\s+", " ".join(text.split())):
        if re.search(r"\b(?:does not accept|not accepted)\b", sentence):
            return "disagree", "Not accepted"
        if re.search(r"\brejects\b", sentence):
            return "disagree", ""
        if re.search(
            r"\b(?:will consider|under consideration|careful consideration"
            r"|does not consider (?:the|this) recommendation relevant)",
            sentence,
        ):
            return "", ""
        if re.search(r"\b(?:accepts?|accepted)\b", sentence):
            return "agree", "Accepted"
        if re.search(
            r"\b(?:is compliant with"
            r"|considers? (?:it|the recommendation|this recommendation)(?: to be)? implemented"
            r"|(?:supports|agrees with) (?:the|this) recommendation|is (?:fully )?supportive(?! of))\b",
            sentence,
        ):
            return "agree", ""
    return "", ""


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
