"""The matrix shape: a block per recommendation (UNEG, UN Executive Board management responses).

What it reads, in document order (docs/reading.md says more):

* a band per recommendation: a line that starts with "Recommendation N." / "RECOMMENDATION N." /
  "AANBEVELING N." (the number followed by a full stop or a colon, or alone), its text possibly on
  the same line; a band counts only when its block holds a response ("Management response: ...",
  "IEO response: ...") or a key-action table, so the report's own list of recommendations in a long
  evaluation report is passed over and the annex with the response is found;
* the recommendation's text and its sub-recommendations ("(a)", "(i)" indented under it, or
  "N.1." numbered under recommendation N);
* the response: "Management response: <agreement word>" followed by paragraphs, or a response
  written as prose ("IEO response: The IEO partially accepts ..."), whose agreement is found in
  its words (partially ... accept/agree/concur; reject/disagree; agree/accept/welcome);
* the key-action table: its header row gives the columns (by their words: action, time frame or
  completion date, responsible unit or section, status or stage, comments, documents; a
  "Tracking" header over two sub-headers is split); each row an action: number (when printed),
  bold title and narrative, time frame, units (one per line, a line that continues a name joins
  it), status, comment;
* group and theme headings between the blocks ("Area 1. ...") and the cover and title block on
  page 1; the chapters before the first band and after the last table.

Agreement and status words are mapped through the vocabulary presets (responses/vocabulary.py)
and a few more words in English and Dutch; the document's own words are kept as the response's
vocabulary. Everything is a rule of the shape: nothing depends on a document's title or symbol.
"""

import dataclasses
import datetime
import re
from collections import Counter

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from responses import vocabulary

from ..found import Found
from ..source import Line, Source

SHAPE = "matrix"

# "Recommendation 1.", "RECOMMENDATION 1:", "AANBEVELING 1", "Recommendation 1.2" (the second of area
# 1), "Recommendation #1" (UN-Women's GATE), "Recommendation No. 1"; "Evaluation recommendation 1." (UNDP's
# annexes); "Recommendation 1 (priority: high)" (UNFPA, UNICEF): a note in brackets after the number.
BAND = re.compile(
    r"^(?:(?:Evaluation|EVALUATION)\s+)?(?P<word>RECOMMENDATION|Recommendation|(?<=Evaluation )recommendation|AANBEVELING|Aanbeveling)"
    r"\s+(?:#\s?|No\.\s?)?(?P<number>\d{1,3}(?:\.\d{1,2})?[a-z]?|[IVX]{1,5})(?:\s*\((?P<note>[^()]{1,40})\))?"
    r"(?:\s*[.:]\s*|(?<=\d\.\d)\s+|(?<=\d\.\d\d)\s+|\s*$)(?P<rest>.*)$"
)
EVALUATION_FIELD = re.compile(r"^(?:Evaluation|Review|Document)\s+title\s*:\s*(\S.*)$", re.I)
TEXT_LABEL = re.compile(r"^(?:Recommendation|Aanbeveling)\s*:\s*", re.I)
# The product's own title block ("In response to: <evaluation>, delivered in ..."): a document that
# prints it is our own print, whose justification follows the response as its last paragraph.
OWN_TITLE_BLOCK = re.compile(r"^(?:In response to|Antwoord op):\s*")
# "Management response: ...", "IEO response: ...", "Management Response (Agree, Partially Agree, Disagree):
# AGREE" (UNICEF's template: the choices in brackets), or the label alone without its colon (a cell of its
# own beside the response: "Management response | UNICEF agrees ...").
RESPONSE = re.compile(
    r"^(?:(?P<who>Management\s+response|Managementrespons|Management\s+Response|Reactie\s+van\s+het\s+management"
    r"|(?:[A-Z][\w-]*\s+){1,3}response)(?:\s*\([^()]{1,60}\))?\s*:\s*(?P<rest>.*)"
    r"|(?P<alone>Management\s+[Rr]esponse|MANAGEMENT\s+RESPONSE|Managementrespons))$"
)
# "In July 2024, the United Nations Board of Auditors formally issued its audit report ...": the
# month the report answered was delivered.
ISSUED = re.compile(r"\bIn ([A-Z][a-z]+) (\d{4}), the [^.]{0,120}?\b(?:issued|published|delivered|submitted) its\b")
# A document symbol, with a digit ("N/A" is none) and the part it names: "DP/FPA/2025/2",
# "DP/2025/12/Add.1", "WFP/EB.A/2025/7-C/Add.1", "DP/FPA/2025/4 (Part II)".
SYMBOL = re.compile(r"(?=\S*\d)[A-Z]{1,5}(?:/[A-Za-z0-9.()-]+){1,5}(?: \((?:Part|Add\.|Rev\.) ?[IVX\d]{1,4}\))?")
LANGUAGE_OF_BAND = {"recommendation": "en", "aanbeveling": "nl"}

# Words beyond the presets' (lower case): agreement and status as documents word them.
MORE_AGREEMENT = {
    "agree": "agree",
    "agreed": "agree",
    "fully agree": "agree",
    "accept": "agree",
    "fully accepted": "agree",
    "aanvaard": "agree",
    "partially agree": "partially_agree",
    "partly agree": "partially_agree",
    "partially agreed": "partially_agree",
    "partly agreed": "partially_agree",
    "partly accepted": "partially_agree",
    "partially accept": "partially_agree",
    "gedeeltelijk aanvaard": "partially_agree",
    "disagree": "disagree",
    "not accepted": "disagree",
    "not agreed": "disagree",
    "disagreed": "disagree",
    "reject": "disagree",
    "verworpen": "disagree",
    "niet aanvaard": "disagree",
}
MORE_STATUS = {
    "not started": "to_start",
    "not implemented": "to_start",
    "under implementation": "in_progress",
    "closure requested": "realised",
    "not yet started": "to_start",
    "niet gestart": "to_start",
    "ongoing": "in_progress",
    "in progress": "in_progress",
    "under way": "in_progress",
    "underway": "in_progress",
    "lopend": "in_progress",
    "complete": "realised",
    "completed": "realised",
    "implemented": "realised",
    "done": "realised",
    "afgerond": "realised",
    "not applicable": "not_applicable",
    "canceled": "cancelled",
}
COLUMN_WORDS = [
    ("comments", re.compile(r"comment|opmerking|remark|\bactions?\s+taken\b", re.I)),  # not "actions to be taken"
    ("status", re.compile(r"status|stage|stand van zaken", re.I)),
    ("documents", re.compile(r"document", re.I)),
    ("units", re.compile(r"responsib|unit|section|division|lead|verantwoordelijk|dienst", re.I)),
    ("time_frame", re.compile(r"time|date|deadline|frame|termijn|tijdspad|timeline|completion|period|planning", re.I)),
    ("action", re.compile(r"action|actie", re.I)),
]
# A line that ends like this does not end a unit's name; a name ending like this is complete.
CONTINUES = re.compile(r"(?:,|&|-|–|\b(?:and|of|for|the|on|in|to|en|van|voor|de|het))$", re.I)
UNIT_END = re.compile(
    r"(?:\)|\b(?:unit|office|section|division|team|group|bureau|department|directorate|centre|center|branch"
    r"|services?|secretariat|ministry|IEO|cluster|dienst|afdeling|units|offices|teams|bureaux|country offices"
    # posts: "Resident Representative", "Country Director", "Programme Officer", "Head of Programme"
    r"|representative|director|officer|manager|specialist|adviser|advisor|coordinator|chief|head of \w+"
    r"|focal point))$",
    re.I,
)
PART = re.compile(r"^(?P<label>\((?:[a-z]{1,2}|[ivx]{1,5})\)|(?P<dotted>\d{1,3})\.\d{1,2}\.?)\s+(?P<text>.*)$")
ACTION_NUMBER = re.compile(
    r"^(?P<number>\d{1,3}(?:\.\d{1,3})*[a-z]?)\.?(?:\s+(?P<parts>\((?:[a-z]{1,2}|[ivx]{1,5})\)"
    r"(?:\s*,\s*\((?:[a-z]{1,2}|[ivx]{1,5})\))*))?\s+(?P<title>\S.*)$"
)
BULLET = re.compile(r"^[•▪◦●‣∙·\-–]\s+")
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "januari"),
            ("february", "februari"),
            ("march", "maart"),
            ("april",),
            ("may", "mei"),
            ("june", "juni"),
            ("july", "juli"),
            ("august", "augustus"),
            ("september",),
            ("october", "oktober"),
            ("november",),
            ("december",),
        ],
        start=1,
    )
    for name in names
}
DAY_DATE = re.compile(r"\b(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})\b")
MONTH_DATE = re.compile(r"\b([A-Za-z]+)\s+(\d{4})\b")


# --- words -------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().strip("*:.").strip()).lower()


def agreement_of(word: str) -> str:
    """The agreement key of a document's word ("Partially accepted" -> partially_agree), or ""."""
    key = _norm(word)
    for preset in vocabulary.PRESETS.values():
        for value, printed in preset.items():
            if value in vocabulary.AGREEMENT_KEYS and printed.lower() == key:
                return value
    return MORE_AGREEMENT.get(key, "")


def status_of(word: str) -> str:
    key = _norm(word)
    if not key:
        return ""
    for preset in vocabulary.PRESETS.values():
        for value, printed in preset.items():
            if value in vocabulary.STATUS_KEYS and printed.lower() == key:
                return value
    return MORE_STATUS.get(key, "")


def agreement_in_prose(text: str) -> str:
    """The agreement a response states in words ("The IEO partially accepts ..."), or ""."""
    t = " ".join(text.lower().split())[:600]
    agree = r"(?:agree|accept|concur|support|endorse|akkoord|aanvaard)"
    if re.search(
        rf"\b(?:partially|partly|in part)\b.{{0,40}}\b{agree}|\b{agree}\w*\b.{{0,40}}\b(?:partially|partly|in part)\b",
        t,
    ):
        return "partially_agree"
    if re.search(r"gedeeltelijk (?:akkoord|aanvaard)", t):
        return "partially_agree"
    if re.search(
        r"\b(?:disagrees?|rejects?|rejected|does not (?:agree|accept|support)|not accept\w*|niet akkoord|verwerpt)\b", t
    ):
        return "disagree"
    if re.search(rf"\b{agree}\w*|\bwelcome[sd]?\b", t):
        return "agree"
    return ""


def parse_date(text: str):
    """A date printed in words: "2 December 2024" -> date; "February 2025" -> "2025-02"; else None."""
    match = DAY_DATE.search(text)
    if match and match.group(2).lower() in MONTHS:
        try:
            return datetime.date(int(match.group(3)), MONTHS[match.group(2).lower()], int(match.group(1)))
        except ValueError:
            return None
    match = MONTH_DATE.search(text)
    if match and match.group(1).lower() in MONTHS:
        return f"{match.group(2)}-{MONTHS[match.group(1).lower()]:02d}"
    return None


# --- lines -------------------------------------------------------------------------------------


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Lines side by side (same page, same height) as visual rows, in reading order."""
    rows: list[list[Line]] = []
    for line in lines:
        if rows and rows[-1][0].page == line.page and abs(rows[-1][0].top - line.top) < 0.4 * line.size:
            rows[-1].append(line)
        else:
            rows.append([line])
    for row in rows:
        row.sort(key=lambda line: line.x0)
    return rows


def _body(source: Source) -> list[Line]:
    """The lines to read: running headers and footers out (also a running title that repeats the
    first page's title on later pages), in reading order."""
    # A line marked running whose text occurs more often in the body is body text (a list item
    # that many recommendations share, at the top of a page).
    running = Counter(line.text for line in source.lines if line.running)
    body = Counter(line.text for line in source.lines if not line.running)
    height = source.page_height or 842.0

    def is_running(line: Line) -> bool:
        if line.running:
            return len(line.text) < 12 or body[line.text] <= running[line.text]
        # The same text marked running on two pages or more is running in the margins elsewhere too.
        margin = line.top < 0.15 * height or line.top > 0.85 * height
        return line.page > 1 and running[line.text] >= 2 and margin

    lines = [line for line in source.lines if line.text.strip() and not is_running(line)]
    if source.kind == "docx":
        return _docx_geometry(lines)
    # A document symbol ("DP/FPA/2025/2") alone at the top of a later page is its running header.
    first_of_page: dict[int, Line] = {}
    for line in lines:
        if line.page not in first_of_page or line.top < first_of_page[line.page].top:
            first_of_page[line.page] = line
    lines = [
        line
        for line in lines
        if not (line.page > 1 and first_of_page[line.page] is line and SYMBOL.fullmatch(line.text.strip()))
    ]
    # Reading order: lines side by side (tops within a fraction of the type size) left to right.
    lines.sort(key=lambda line: (line.page, line.top))
    lines = [line for row in _rows(lines) for line in row]
    if source.kind == "pdf" and source.pages > 1 and source.page_height:
        firsts = [line for line in lines if line.page == 1]
        title = " ".join(line.text for line in _title_lines(firsts)).lower()
        margin = 0.1 * source.page_height
        lines = [
            line
            for line in lines
            if not (
                line.page > 1
                and line.top < margin
                and len(line.text) > 12
                and title.startswith(line.text.rstrip(".… ").lower())
            )
        ]
    return lines


def _docx_geometry(lines: list[Line]) -> list[Line]:
    """A DOCX's paragraphs laid out as a page would print them, so that one reading serves both:
    each paragraph a line of its own, apart from the next; a table's cells side by side, a row's
    paragraphs under each other in their cell, rows apart."""
    out: list[Line] = []
    y = 0.0
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.table < 0 or line.cell is None:
            out.append(dataclasses.replace(line, page=line.page, top=y, bottom=y + line.size, x1=line.x0 + 400))
            y += 2.5 * line.size
            i += 1
            continue
        row_key = (line.table, line.cell[0])
        row = []
        while i < len(lines) and (lines[i].table, lines[i].cell[0] if lines[i].cell else None) == row_key:
            row.append(lines[i])
            i += 1
        depth: Counter = Counter()
        tallest = 0.0
        for cell_line in row:
            column = cell_line.cell[1]
            top = y + depth[column] * 1.2 * cell_line.size
            depth[column] += 1
            x0 = 50.0 + column * 120.0
            out.append(dataclasses.replace(cell_line, top=top, bottom=top + cell_line.size, x0=x0, x1=x0 + 100.0))
            tallest = max(tallest, top + cell_line.size)
        y = tallest + 1.5 * line.size
    return out


def _title_lines(lines: list[Line]) -> list[Line]:
    """The title on the first page: the lines in its largest bold type (the cover's symbol aside)."""
    bold = [line for line in lines if line.bold and len(line.text) > 3 and not BAND.match(line.text)]
    if not bold:
        return []
    size = max(line.size for line in bold)
    first = next(i for i, line in enumerate(lines) if line in bold and line.size == size)
    out = []
    for line in lines[first:]:
        if line.bold and abs(line.size - size) < 0.5:
            out.append(line)
        elif out:
            break
    return out


def _bold_runs(lines: list[Line]) -> list[list[Line]]:
    """Consecutive bold lines of one size, one under the other."""
    runs: list[list[Line]] = []
    for line in lines:
        if not line.bold or len(line.text.strip()) < 3:
            continue
        last = runs[-1][-1] if runs else None
        if (
            last
            and abs(last.size - line.size) < 0.5
            and abs(last.x0 - line.x0) < 3
            and 0 < line.top - last.top < 2 * line.size
        ):
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _paragraphs(lines: list[Line]) -> list[list[Line]]:
    """Lines grouped in paragraphs: a gap larger than the usual line spacing, or a list item, starts one."""
    out: list[list[Line]] = []
    previous = None
    for line in lines:
        gap = line.top - previous.bottom if previous is not None and previous.page == line.page else None
        starts = (
            previous is None
            or gap is None
            or gap > 0.45 * line.size
            or BULLET.match(line.text)
            or re.match(r"^\d{1,3}\.\s", line.text)
        )
        if starts:
            out.append([line])
        else:
            out[-1].append(line)
        previous = line
    return out


def _cover_in_reading_order(cover: list[Line]) -> list[list[Line]]:
    """The cover's items in the order a reader takes them, each as its lines.

    A UN cover prints two columns side by side under its first row (the symbol beside "United
    Nations"): on the left the body's name, in large type wrapped over several lines ("Executive
    Board of the / United Nations Development / Programme, ..."), on the right "Distr.: General",
    the date and "Original: English". Taken line by line from the top they interleave; read as
    printed, the first row comes first, then the left column's wrapped name as one item, then the
    right column's items, then what stands below both. A cover of one column (our own print, a
    Word file) keeps its order, an item a line."""
    items = [[line] for line in cover]
    if len({line.page for line in cover}) != 1:
        return items
    middle = (min(line.x0 for line in cover) + max(line.x1 for line in cover)) / 2
    first = cover[0]
    # The first row, top first (the symbol sits a little higher than "United Nations" beside it).
    row = sorted(
        (line for line in cover if line.top < first.bottom and line.bottom > first.top), key=lambda line: line.top
    )
    rest = [line for line in cover if line not in row]
    right = [line for line in rest if line.x0 >= middle]
    if not right:
        return items
    left = [line for line in rest if line not in right]
    top, bottom = min(line.top for line in right), max(line.bottom for line in right)
    beside = [line for line in left if line.bottom > top and line.top < bottom]
    if not beside:
        return items
    at = left.index(beside[-1])
    while at + 1 < len(left) and _wraps_on(left[at], left[at + 1]):  # the name wraps on below the right column
        at += 1
        beside.append(left[at])
    above = [line for line in left if line not in beside and line.bottom <= top]
    below = [line for line in left if line not in beside and line not in above]
    paragraphs: list[list[Line]] = []
    for line in beside:
        if paragraphs and _wraps_on(paragraphs[-1][-1], line):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    return [[line] for line in row + above] + paragraphs + [[line] for line in right + below]


def _wraps_on(line: Line, after: Line) -> bool:
    """``after`` goes on ``line``'s text: the same type, the same left edge, the next line down."""
    return (
        abs(line.size - after.size) < 0.5
        and line.bold == after.bold
        and abs(line.x0 - after.x0) < 2
        and 0 <= after.top - line.bottom < 0.6 * line.size
    )


def _join(lines: list[Line]) -> str:
    text = ""
    for line in lines:
        piece = line.text.strip()
        if not text:
            text = piece
        elif text.endswith("-") and len(text) > 1 and text[-2].isalpha() and piece[:1].isalpha():
            text += piece  # a compound broken at its hyphen ("results-" "based"): nothing hyphenates by itself
        elif text.endswith("–") and len(text) > 1 and text[-2].isalnum():
            text += piece  # a range broken at its dash: "January–" "June 2026"
        else:
            text += " " + piece
    return text


def _markdown(lines: list[Line]) -> str:
    """Lines as Markdown paragraphs; bullets become "- " items."""
    out = []
    for paragraph in _paragraphs(lines):
        text = _join(paragraph)
        if BULLET.match(text):
            text = BULLET.sub("- ", text)
            if out and out[-1].startswith("- "):
                out[-1] += "\n" + text
                continue
        out.append(text)
    return "\n\n".join(out)


# --- score -------------------------------------------------------------------------------------


def score(source: Source) -> float:
    """How much the document looks like the matrix: bands that have a response or key actions."""
    lines = _body(source)
    blocks = _blocks(lines)
    if not blocks:
        return 0.0
    return min(1.0, 0.5 + 0.1 * len(blocks))


def _blocks(lines: list[Line]) -> list[tuple[int, int]]:
    """(start, end) of each recommendation's block: a band to the next, when it holds a response or
    key actions; the last run of such blocks (an evaluation report lists its recommendations first,
    its annex answers them)."""
    starts = []
    rows = _rows(lines)
    index = {id(line): i for i, line in enumerate(lines)}
    for row in rows:
        first = row[0]
        if BAND.match(first.text.strip()) and (first.bold or (first.runs and first.runs[0].bold)):
            starts.append(index[id(first)])
    blocks = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        inside = lines[start:end]
        if any(RESPONSE.match(line.text.strip()) for line in inside) or _header_row(_rows(inside)) is not None:
            blocks.append((start, end))
    # The last run of consecutive answered blocks.
    runs: list[list[tuple[int, int]]] = []
    for block in blocks:
        if runs and runs[-1][-1][1] == block[0]:
            runs[-1].append(block)
        else:
            runs.append([block])
    return runs[-1] if runs else []


def _header_row(rows: list[list[Line]]):
    """The index of the first row that is a key-action table's header, or None."""
    for i, row in enumerate(rows):
        if len(row) < 2:
            continue
        keys = [_column_key(line.text) for line in row]
        if "action" in keys and len({k for k in keys if k}) >= 2 and all(len(line.text) < 60 for line in row):
            return i
    return None


def _column_key(text: str) -> str:
    for key, words in COLUMN_WORDS:
        if words.search(text):
            return key
    return ""


# --- read --------------------------------------------------------------------------------------


class _Reader:
    def __init__(self, source: Source):
        self.source = source
        self.lines = _body(source)
        self.found = Found(data={}, shape=SHAPE)
        self.agreement_words: dict[str, str] = {}
        self.status_words: dict[str, str] = {}
        self.actions: list[dict] = []
        self.action_pages: list[int] = []
        self.by_number: dict[str, dict] = {}
        self.by_content: dict[tuple, dict] = {}
        self.columns_seen: list[tuple[str, str]] = []
        self.edges: dict[str, set] = {}
        self.document_date: datetime.date | None = None
        self.blocks_read = 0
        # Our own print (its title block on the first page) puts a justification after the response.
        self.own_print = any(line.page == 1 and OWN_TITLE_BLOCK.match(line.text.strip()) for line in self.lines[:60])

    def read(self) -> Found:  # noqa: C901 -- the document's parts in document order read best as one pass
        blocks = _blocks(self.lines)
        first = blocks[0][0] if blocks else len(self.lines)
        # Headings right before the first band (no text between) open its group and theme, when
        # the document has group headings between its blocks too.
        lead = first
        while (
            blocks
            and lead > 0
            and self.lines[lead - 1].bold
            and self.lines[lead - 1].size >= 0.9 * self.lines[first].size
            and first - lead < 3
        ):
            lead -= 1
        self.band_size = self.lines[first].size if blocks else 0.0
        tails = []
        for start, end in blocks:
            tails.append(self.block(self.lines[start:end]))
        has_groups = any(self._group_heading(line) for _rec, tail in tails[:-1] for line in tail)
        if not has_groups:
            lead = first
        response, chapters_before = self.front(self.lines[:lead])
        loose: list[dict] = []
        groups: list[dict] = []
        recs_in_order = []
        tail: list[Line] = []
        if lead < first:
            self.headings(self.lines[lead:first], groups)
        for k, (start, _end) in enumerate(blocks):
            rec, tail = tails[k]
            recs_in_order.append((rec, self.lines[start].page))
            target = loose
            if groups:
                themes = groups[-1]["themes"]
                target = themes[-1]["recommendations"]
            target.append(rec)
            if k + 1 < len(blocks) and tail:
                self.headings(tail, groups)
        chapters_after = self.chapters(tail, "after") if blocks else []
        for group in groups:  # the format names every theme: one without a heading of its own takes its group's
            for theme in group["themes"]:
                theme["heading"] = theme["heading"] or group["title"][:300]
        language = response.pop("_language", "") or "en"
        if blocks:
            word = BAND.match(self.lines[blocks[0][0]].text.strip()).group("word").lower()
            language = LANGUAGE_OF_BAND.get(word, language)
        response["language"] = language
        response["layout"] = "matrix"
        if chapters_before or chapters_after:
            response["chapters"] = chapters_before + chapters_after
        vocab = self.vocabulary()
        if vocab:
            response["vocabulary"] = vocab
        if self.columns_seen:
            response["columns"] = [{"key": key, "header": header} for key, header in self.columns_seen]
        published = response.get("published_on")
        self.document_date = published if isinstance(published, datetime.date) else None
        actions = self.nested_actions()
        self.found.data = {
            "format": "managementresponse/3",
            "response": response,
            "actions": actions,
            "recommendations": loose,
            "groups": groups,
        }
        for i, (_rec, page) in enumerate(recs_in_order):
            self.found.pages[f"recommendations[{i}]"] = page
        if not blocks:
            self.found.notes.append(_("Geen aanbevelingen gevonden in de vorm van een matrix."))
        return self.found

    def front(self, lines: list[Line]):  # noqa: C901 -- cover, title block and chapters, in print order
        page1 = [line for line in lines if line.page == 1]
        # A UN cover block (symbol, "Distr.:", date, "Original:") stands above the title: the title
        # is the largest bold type below it.
        marks = [line.bottom for line in page1 if re.match(r"^(Distr\.|Original)\s*:", line.text.strip())]
        title_lines = []
        if marks:
            runs = [run for run in _bold_runs(page1) if run[0].top > max(marks)]
            if runs:
                title_lines = max(runs, key=lambda run: (run[0].size, -run[0].top))
        styled = [line for line in page1 if line.style == "Title"]  # Word's own title style
        title_lines = title_lines or styled[:1] or _title_lines(page1)
        title = _join(title_lines)
        response = {
            "slug": "",
            "title": title,
            "organisation": "",
            "responsible_team": "",
            "language": "",
            "layout": "matrix",
            "status": "draft",
            "published_on": None,
            "evaluation": {"title": "", "evaluators": "", "delivered_on": None},
        }
        if not title:
            self.found.unread.append(("response", "title"))
        # The review page names each item's page: the title block's is its title's.
        self.found.pages["response"] = title_lines[0].page if title_lines else 1
        cover, rest = [], lines
        if title_lines:
            at = lines.index(title_lines[0])
            cover = lines[:at]
            rest = lines[at + len(title_lines) :]
        cover_items = []
        cover_date = None
        for item in _cover_in_reading_order(cover):
            line = item[0]
            text = _join(item)
            label = ""
            if (
                len(item) == 1
                and line.runs
                and line.runs[0].bold
                and len(line.runs) > 1
                and line.runs[0].text.strip().endswith(":")
            ):
                label, text = line.runs[0].text.strip(), "".join(run.text for run in line.runs[1:]).strip()
            elif re.match(r"^(Distr\.|Distribution|Original|Date)\s*:", text):
                label, text = text.split(":", 1)[0] + ":", text.split(":", 1)[1].strip()
            cover_items.append({"label": label, "value": text})
            date = parse_date(text) if not label or label == "Date:" else None  # "Date: 12 May 2099" (WFP)
            if date and cover_date is None and re.fullmatch(r"\d{1,2} \w+ \d{4}", text):
                cover_date = date
        if cover_items:
            response["cover"] = cover_items
        # The product's own title block: organisation, "In response to: ..., delivered in ...", the date.
        own = False
        for i, line in enumerate(rest[:6]):
            match = re.match(r"^(In response to|Antwoord op):\s*(?P<rest>.*)$", line.text.strip())
            if not match:
                continue
            own = True
            response["_language"] = "en" if match.group(1).startswith("In") else "nl"
            text = line.text.strip()
            text = re.match(r"^(In response to|Antwoord op):\s*(?P<rest>.*)$", text).group("rest")
            delivered = re.search(r",\s*(delivered (?:in|on)|opgeleverd (?:in|op))\s+(?P<date>.+)$", text)
            if delivered:
                response["evaluation"]["delivered_on"] = parse_date(delivered.group("date"))
                text = text[: delivered.start()]
            response["evaluation"]["title"] = text.strip()
            if i > 0:
                organisation = _join(rest[:i])
                name, _sep, team = organisation.partition(" · ")
                response["organisation"] = name.strip()
                response["responsible_team"] = team.strip()
            for after in rest[i + 1 : i + 4]:
                published = re.search(r"(Published|Gepubliceerd) (?:on|in|op) (?P<date>.+)$", after.text)
                if published:
                    response["published_on"] = parse_date(published.group("date"))
                    response["status"] = "published"
                    rest = rest[rest.index(after) + 1 :]
                    break
                printed = re.search(
                    r"(?:printed on|afgedrukt op|^(?:draft|concept|ontwerp)\s*·)\s*(?P<date>.+)$", after.text, re.I
                )
                if printed:
                    # A draft carries its publication date, else the day it was printed.
                    date = parse_date(printed.group("date"))
                    response["published_on"] = None if date == timezone.localdate() else date
                    rest = rest[rest.index(after) + 1 :]
                    break
            else:
                rest = rest[i + 1 :]
            break
        response["slug"] = slugify(title)[:50].strip("-") or "ingelezen"  # as the table reader names it
        if not own:
            response["published_on"] = cover_date
            response["organisation"] = _organisation(title, [item["value"] for item in cover_items]) or (
                # A report's cover may be an image: its first pages (before the first band) name it.
                _organisation_named([line.text for line in lines if line.page <= 3 and line not in title_lines])
            )
            issued = ISSUED.search(" ".join(line.text.strip() for line in rest))
            if issued:
                response["evaluation"]["delivered_on"] = parse_date(f"{issued.group(1)} {issued.group(2)}")
            # A template's field names the evaluation ("Evaluation title: ...", UNICEF's).
            named = next((m for line in rest[:20] if (m := EVALUATION_FIELD.match(line.text.strip()))), None)
            evaluation = named.group(1).strip() if named else _evaluation_in_title(title)
            if evaluation:
                response["evaluation"]["title"] = evaluation
            if not response["organisation"]:
                self.found.unread.append(("response", "organisation"))
            if not response["evaluation"]["title"]:
                # An import needs one: the document's title, marked for the reviewer.
                response["evaluation"]["title"] = title
                self.found.unread.append(("response", "evaluation.title"))
        return response, self.chapters(rest, "before")

    def chapters(self, lines: list[Line], placement: str) -> list[dict]:
        """Chapters: a bold heading line larger than or as large as the text, then its paragraphs."""
        lines = [line for line in lines if not re.match(r"^\*\s", line.text)]
        if not lines:
            return []
        body_size = Counter(round(line.size) for line in lines).most_common(1)[0][0]
        out: list[dict] = []
        body: list[Line] = []

        def close():
            if out or body:
                if not out:
                    out.append({"placement": placement, "heading": "", "body": ""})
                out[-1]["body"] = _markdown(body)

        for line in lines:
            heading = line.bold and line.size >= body_size + 1 and len(line.text) < 120
            if heading and not (out and not body and out[-1]["heading"] and line.size == lines[0].size and False):
                close()
                body = []
                out.append({"placement": placement, "heading": line.text.strip(), "body": ""})
            else:
                body.append(line)
        close()
        return out

    def _group_heading(self, line: Line) -> bool:
        """A group's heading is bold and larger than the bands; a theme's is not larger."""
        return line.bold and line.size > self.band_size + 0.9 and not re.match(r"^\*\s", line.text)

    def headings(self, lines: list[Line], groups: list[dict]):
        """Group and theme headings between two blocks: the larger a group, the smaller a theme."""
        lines = [line for line in lines if line.bold and not re.match(r"^\*\s", line.text)]
        if not lines:
            return
        for line in lines:
            text = line.text.strip()
            if self._group_heading(line):
                groups.append({"title": text, "themes": [{"section": "", "heading": "", "recommendations": []}]})
            elif groups:
                themes = groups[-1]["themes"]
                if not themes[-1]["recommendations"] and not themes[-1]["heading"]:
                    themes[-1]["heading"] = text
                else:
                    themes.append({"section": "", "heading": text, "recommendations": []})
            section = re.match(r"^(\d+(?:\.\d+)+)\s+(.*)$", text)
            if section and groups and groups[-1]["themes"][-1]["heading"] == text:
                groups[-1]["themes"][-1].update(section=section.group(1), heading=section.group(2))

    # One recommendation's block.
    def block(self, lines: list[Line]):
        self.blocks_read += 1  # the recommendation's place in document order (found.py names items so)
        band = BAND.match(lines[0].text.strip())
        number = band.group("number")
        rows = _rows(lines)
        header_at = _header_row(rows)
        response_at = next((i for i, line in enumerate(lines) if RESPONSE.match(line.text.strip())), None)
        header_line = lines.index(rows[header_at][0]) if header_at is not None else len(lines)
        text_end = min(x for x in (response_at, header_line) if x is not None)
        text_lines = lines[1:text_end]
        rest = band.group("rest").strip()
        if rest:
            first = lines[0]
            text_lines = [Line(rest, first.page, first.x0, first.top, first.x1, first.bottom, first.size), *text_lines]
        # A template's label before the text ("Recommendation: Develop ...") is not text.
        text_lines = [
            dataclasses.replace(line, text=TEXT_LABEL.sub("", line.text.strip()), runs=())
            if TEXT_LABEL.match(line.text.strip())
            else line
            for line in text_lines
        ]
        text, parts = self.text_and_parts(text_lines, number)
        rec = {
            "number": number,
            "location": "",
            "text": text,
            "agreement": "",
            "response": "",
            "justification": "",
        }
        if parts:
            rec["parts"] = parts
        tail_from = len(lines)
        if response_at is not None and response_at < header_line:
            end = header_line
            if header_at is None:
                end = _response_end(lines, response_at)
                tail_from = end
            self.response(rec, lines[response_at:end])
        elif response_at is None:
            self.found.unread.append((f"recommendations[{self.blocks_read - 1}]", "agreement"))
        links, tail = [], []
        if header_at is not None:
            links, tail = self.table(rows[header_at:], rec)
        else:
            tail = lines[tail_from:]
        rec["actions"] = links
        return rec, tail

    def text_and_parts(self, lines: list[Line], number: str):
        parts: list[dict] = []
        text_lines: list[Line] = []
        part_lines: list[Line] = []
        label = ""
        top_x = None

        def close():
            if part_lines:
                parts_target = parts
                body = _markdown(part_lines)
                if top_x is not None and part_lines[0].x0 > top_x + 5 and parts:
                    parts_target = parts[-1].setdefault("parts", [])
                parts_target.append({"label": label, "text": body})

        for line in lines:
            match = PART.match(line.text.strip())
            if match and (match.group("dotted") is None or match.group("dotted") == number):
                close()
                if top_x is None:
                    top_x = line.x0
                label = match.group("label")
                part_lines = [dataclasses.replace(line, text=match.group("text"), runs=())]
            elif part_lines:
                part_lines.append(line)
            else:
                text_lines.append(line)
        close()
        return _markdown(text_lines), parts

    def response(self, rec: dict, lines: list[Line]):
        head = RESPONSE.match(lines[0].text.strip())
        rest = (head.group("rest") or "").strip()
        if not rest:
            # The label in a cell of its own, the word alone in the next ("Management response: | Agreed"),
            # perhaps over two lines of a narrow cell.
            for k in (1, 2):
                if len(lines) > k and agreement_of(_join(lines[1 : k + 1])):
                    rest, lines = _join(lines[1 : k + 1]), [lines[0], *lines[k + 1 :]]
                    break
        # The reasons' field as a row of a table: its label cell (perhaps over several lines, beside
        # the text's) and the cells beside it.
        lines, reason_in_row = _reason_row(lines)
        word_agreement = agreement_of(rest) if rest else ""
        # The word, then the response on the same line: "Management response: Agreed. UNICEF will ...".
        lead = re.match(r"^(?P<word>[^.:;–—]{2,30}?)\s*[.:;–—]\s+(?P<text>\S.*)$", rest)
        if not word_agreement and lead and agreement_of(lead.group("word")):
            word_agreement, rest = agreement_of(lead.group("word")), lead.group("word")
            first = lines[0]
            lines = [first, dataclasses.replace(first, text=lead.group("text"), runs=()), *lines[1:]]
        if word_agreement:
            rec["agreement"] = word_agreement
            self.agreement_words.setdefault(word_agreement, rest.strip("*"))
            paragraphs, reason = _reason([_join(p) for p in _paragraphs(lines[1:])])
            own_print = True
        else:
            first = lines[0]
            label = Line(rest, first.page, first.x0, first.top, first.x1, first.bottom, first.size)
            paragraphs, reason = _reason([_join(p) for p in _paragraphs(([label] if rest else []) + lines[1:])])
            rec["agreement"] = agreement_in_prose(" ".join(paragraphs))
            own_print = False
            if not rec["agreement"]:
                self.found.unread.append((f"recommendations[{self.blocks_read - 1}]", "agreement"))
        # The product's own print puts the justification after the response: for a level that needs
        # one, the last of several paragraphs (or the only one of a disagreement). Other documents
        # give their reasons in the response itself.
        needs = rec["agreement"] in ("partially_agree", "disagree")
        reason = reason or reason_in_row
        if reason:
            rec["justification"] = reason
        elif (
            own_print
            and self.own_print
            and needs
            and paragraphs
            and (len(paragraphs) > 1 or rec["agreement"] == "disagree")
        ):
            rec["justification"] = paragraphs.pop()
        rec["response"] = "\n\n".join(paragraphs)

    # The key-action table.
    def table(self, rows: list[list[Line]], rec: dict):  # noqa: C901 -- header, then rows, as printed
        header = rows[0]
        columns = [{"x0": line.x0, "x1": line.x1, "texts": [line.text.strip()]} for line in header]
        size = header[0].size
        i = 1
        while i < len(rows):
            row = rows[i]
            # Sub-headers are bold, or (a header in plain type) each names a column ("Comments | Status"),
            # or the row is the header's own text wrapped onto the next line ("Expected" / "completion").
            named = all(_column_key(line.text) and len(line.text) < 40 for line in row)
            wrapped = min(line.top for line in row) - max(line.bottom for line in rows[i - 1]) < 0.5 * size
            if row[0].page != header[0].page or not (all(line.bold for line in row) or named or wrapped):
                break
            overlapping = [self.column_of(line, columns) for line in row]
            if any(c == 0 and line.x0 < columns[0]["x1"] for c, line in zip(overlapping, row, strict=True)):
                break
            counts = Counter(overlapping)
            split = {c for c, n in counts.items() if n > 1}
            new_columns = []
            for c, column in enumerate(columns):
                if c in split:
                    group = " ".join(column["texts"])
                    for line, oc in zip(row, overlapping, strict=True):
                        if oc == c:
                            new_columns.append(
                                {"x0": line.x0, "x1": line.x1, "texts": [f"{group}: {line.text.strip()}"]}
                            )
                else:
                    for line, oc in zip(row, overlapping, strict=True):
                        if oc == c:
                            column["texts"].append(line.text.strip())
                            column["x0"], column["x1"] = min(column["x0"], line.x0), max(column["x1"], line.x1)
                    new_columns.append(column)
            columns = new_columns
            i += 1
        for column in columns:
            column["header"] = _join_header(column["texts"])
            column["key"] = _column_key(column["header"].split(":")[-1]) or _column_key(column["header"])
        if not self.columns_seen:
            self.columns_seen = [(c["key"], c["header"]) for c in columns if c["key"]]
        header_texts = {_norm(line.text) for row in rows[:i] for line in row}
        left = min(c["x0"] for c in columns)
        # Body rows.
        table_rows: list[dict] = []
        pending: list[tuple[Line, int]] = []
        previous = None
        tail: list[Line] = []
        for j in range(i, len(rows)):
            row = rows[j]
            if {_norm(line.text) for line in row} <= header_texts | {""} or (
                row[0].bold
                and all(_column_key(line.text) for line in row)
                and len(row) > 1
                and table_rows
                and {_norm(line.text) for line in row} & header_texts
            ):
                continue  # a header repeated on a new page, or its second line
            if not table_rows and not tail:
                left = min(left, row[0].x0)  # headers may be centred over their columns
            ends = (
                row[0].x0 < left - 4
                or abs(row[0].size - size) > 1.5
                or any(
                    line.x1 > columns[-1]["x1"] + 60
                    and len(columns) > 1
                    and line.x0 < columns[1]["x0"] - 5
                    and line.x1 > columns[1]["x0"] + 5
                    for line in row
                )
            )
            if ends:
                tail = [line for r in rows[j:] for line in r]
                break
            cells = [self.column_of(line, columns, self.edges) for line in row]
            starts_row = 0 in cells and (
                not table_rows
                or (
                    previous is not None
                    and previous[0].page == row[0].page
                    and row[0].top - max(x.bottom for x in previous) > 0.6 * size
                )
                or (
                    previous is not None
                    and previous[0].page != row[0].page
                    and ACTION_NUMBER.match(row[0].text.strip())
                )
            )
            if starts_row:
                table_rows.append({c: [] for c in range(len(columns))} | {"page": row[0].page})
                # The first row broken over a page before its action's text: its other cells came first.
                for line, c in pending:
                    table_rows[-1][c].append(line)
                pending = []
            if not table_rows:
                pending.extend(zip(row, cells, strict=True))
                continue
            for line, c in zip(row, cells, strict=True):
                table_rows[-1][c].append(line)
            previous = row
        links = []
        for cells in table_rows:
            link = self.action(cells, columns, rec)
            if link is not None:
                links.append(link)
        return links, tail

    @staticmethod
    def column_of(line: Line, columns: list[dict], edges: dict | None = None) -> int:
        """The column a line sits in: the header it overlaps most (a left-aligned header that starts
        where the line starts first), else the column whose cells start where it starts, else the
        nearest header."""
        best, best_overlap = 0, 0.0
        for c, column in enumerate(columns):
            overlap = min(line.x1, column["x1"]) - max(line.x0, column["x0"])
            if overlap > best_overlap:
                best, best_overlap = c, overlap
        if best_overlap > 0:
            # A left-aligned cell starts at its column's left edge: prefer the column whose header
            # starts where the line starts.
            for c, column in enumerate(columns):
                if abs(column["x0"] - line.x0) < 2:
                    return c
            if edges is not None:
                edges.setdefault(columns[best]["header"], set()).add(round(line.x0))
            return best
        for c, column in enumerate(columns):
            if edges and any(abs(x - line.x0) < 3 for x in edges.get(column.get("header", ""), ())):
                return c
        distances = [min(abs(line.x0 - c["x1"]), abs(line.x1 - c["x0"])) for c in columns]
        return distances.index(min(distances))

    def action(self, cells: dict, columns: list[dict], rec: dict):  # noqa: C901 -- one field per column
        by_key = {}
        for c, column in enumerate(columns):
            if column["key"] and column["key"] not in by_key:
                by_key[column["key"]] = cells.get(c, [])
        action_lines = by_key.get("action", [])
        if not action_lines:
            return None
        bold = [line for line in action_lines if line.bold]
        if bold and len(bold) < len(action_lines) and action_lines[0].bold:
            n = next(k for k, line in enumerate(action_lines) if not line.bold)
            title_lines, narrative_lines = action_lines[:n], action_lines[n:]
        else:
            title_lines, narrative_lines = action_lines, []
        title = _join(title_lines)
        number, link_parts, numbered = "", [], True
        match = ACTION_NUMBER.match(title)
        if match:
            number, title = match.group("number"), match.group("title")
            if match.group("parts"):
                link_parts = re.findall(r"\([a-z]{1,5}\)", match.group("parts"))
        status_word = _join(by_key.get("status", []))
        status = status_of(status_word)
        if status_word and status:
            self.status_words.setdefault(status, status_word)
        elif status_word:
            self.found.notes.append(_("Onbekend statuswoord: %(word)s") % {"word": status_word})
        comment = _join(by_key.get("comments", []))
        action = {
            "number": number,
            "label": "",
            "title": title,
            "status": status,
            "status_note": "",
            "time_frame": _join(by_key.get("time_frame", [])),
            "responsible_units": [],
            "starts_on": None,
            "due_date": None,
            "narrative": _markdown(narrative_lines),
            "progress": [{"date": None, "status": status, "comment": comment, "by": ""}] if comment else [],
        }
        units, lead = _units(by_key.get("units", []), columns, wraps=self.source.kind == "pdf")
        action["responsible_units"] = units
        if lead:
            action["lead_unit"] = True
        documents = _join(by_key.get("documents", []))
        if documents:
            action["supporting_documents"] = documents
        if number and number in self.by_number:
            action = self.by_number[number]
        else:
            content = (title, action["narrative"], action["time_frame"], tuple(units))
            if False:
                pass
            else:
                if not number:
                    numbered = False
                    action["numbered"] = False
                self.actions.append(action)
                self.action_pages.append(cells["page"])
                if number:
                    self.by_number[number] = action
                else:
                    self.by_content[content] = action
        if link_parts:
            return {"action": action, "qualifier": "", "parts": link_parts}
        del numbered
        return {"action": action}

    def nested_actions(self) -> list[dict]:
        """Number the unnumbered, nest N.M under N when both are read, in the document's order."""
        taken = {a["number"] for a in self.actions if a["number"]}
        counter = 0
        for action in self.actions:
            if not action["number"]:
                counter += 1
                while str(counter) in taken:
                    counter += 1
                action["number"] = str(counter)
                taken.add(action["number"])
        numbered = [a for a in self.actions if a.get("numbered", True)]
        if numbered and len(numbered) == len(self.actions):
            self.actions.sort(key=lambda a: [int(p) if p.isdigit() else p for p in re.split(r"[.]", a["number"])])
        top: list[dict] = []
        by_number: dict[str, dict] = {}
        for action in self.actions:
            parent_number = action["number"].rsplit(".", 1)[0] if "." in action["number"] else None
            parent = by_number.get(parent_number) if parent_number else None
            if parent is not None and "parts" in parent:
                if action["status"] and action["status"] == parent["status"]:
                    action["status"] = "inherited"
                parent["parts"].append(action)
            else:
                action["parts"] = []
                top.append(action)
            by_number[action["number"]] = action
        for i, action in enumerate(_flatten(top)):
            for entry in action["progress"]:
                if entry["date"] is None:
                    # The document gives no date to its comments: the document's own date, else the
                    # day it was read, for the reviewer to check (an import needs one).
                    day = self.document_date or timezone.localdate()
                    # An object of its own: YAML would print a date the response shares as an alias,
                    # which the interchange format refuses.
                    entry["date"] = datetime.date.fromordinal(day.toordinal())
                    self.found.unread.append((f"actions[{i}]", "progress.date"))
        # Links hold action numbers.
        return top

    def vocabulary(self) -> dict:
        words = {**self.agreement_words, **self.status_words}
        if not words:
            return {}
        best, best_hits = "", -1
        for name, preset in vocabulary.PRESETS.items():
            hits = sum(1 for key, word in words.items() if preset.get(key, "").lower() == word.lower())
            misses = sum(1 for key, word in words.items() if preset.get(key, "").lower() != word.lower())
            if hits - misses > best_hits:
                best, best_hits = name, hits - misses
        preset = vocabulary.PRESETS.get(best, {})
        typed = {key: word for key, word in words.items() if preset.get(key, "").lower() != word.lower()}
        out: dict = {"preset": best}
        if typed:
            out["words"] = typed
        return out


# The funds and programmes whose Executive Boards publish management responses: their acronyms and
# the series of their documents' symbols (a title's leading acronym, "UNCDF: Report ...", wins).
ORGANISATIONS = {
    "UNCDF": "United Nations Capital Development Fund",
    "UNFPA": "United Nations Population Fund",
    "UNOPS": "United Nations Office for Project Services",
    "UNICEF": "United Nations Children’s Fund",
    "UN-Women": "United Nations Entity for Gender Equality and the Empowerment of Women",
    "UNV": "United Nations Volunteers",
    "UNDP": "United Nations Development Programme",
    "WFP": "World Food Programme",
}
SYMBOL_SERIES = [
    ("DP/FPA/", "UNFPA"),
    ("DP/OPS/", "UNOPS"),
    ("E/ICEF/", "UNICEF"),
    ("UNW/", "UN-Women"),
    ("WFP/", "WFP"),
    ("DP/", "UNDP"),
]


def _organisation(title: str, cover: list[str]) -> str:
    """The organisation a UN Executive Board document speaks for: the acronym that opens its title
    ("UNCDF: ...", "UNICEF report on ..."), else its symbol's series ("DP/FPA/2025/2": UNFPA)."""
    match = re.match(r"^([A-Z][A-Za-z-]{2,9})\b", title)
    if match and match.group(1) in ORGANISATIONS:
        return ORGANISATIONS[match.group(1)]
    for value in cover:
        for prefix, acronym in SYMBOL_SERIES:
            if SYMBOL.fullmatch(value.strip()) and value.strip().startswith(prefix):
                return ORGANISATIONS[acronym]
    return ""


def _organisation_named(texts: list[str]) -> str:
    """The first organisation a line names in full ("United Nations Development Programme, Freedonia
    country office"), or ""."""
    for text in texts:
        for name in ORGANISATIONS.values():
            if name.lower() in " ".join(text.split()).lower():
                return name
    return ""


def _evaluation_in_title(title: str) -> str:
    """The evaluation a title names: "Management response to the X" or "X and <office> response"."""
    match = re.match(
        r"^(?:[A-Z][\w-]*\s+)?(?:Management\s+response|Managementresponse)\s+(?:to|on|op)\s+(?:the\s+|de\s+|het\s+)?"
        r"(?:recommendations\s+(?:of|deriving\s+from)\s+(?:the\s+)?(?:summary\s+report\s+(?:of|on)\s+(?:the\s+)?)?)?(.+)$",
        title,
        re.I,
    )
    if match:
        return match.group(1)[:1].upper() + match.group(1)[1:]
    match = re.match(r"^(.+?),?\s+(?:and|with)\s+(?:the\s+)?(?:[A-Z][\w-]*\s+){0,4}(?:management\s+)?response$", title)
    if match:
        return match.group(1)
    return ""


# The field a template gives the reasons of a partial agreement or a rejection (UNICEF: "If recommendation is
# rejected, or partially rejected, report reason:"; "Reason(s) for rejection:", "Justification:").
REASON = re.compile(
    r"^(?:If\s+(?:the\s+)?recommendation\s+is\s+(?:rejected|not\s+accepted|partially)[^:]{0,80}"
    r"|Reasons?(?:\s+for\s+[^:]{1,60})?|Justification)\s*:\s*(?P<text>.*)$",
    re.I,
)


def _reason_row(lines: list[Line]) -> tuple[list[Line], str]:
    """The lines without a table row whose first cell is the reasons' label, and the text of the
    cells beside it."""
    rows: dict[tuple, list[Line]] = {}
    for line in lines[1:]:
        if line.table >= 0 and line.cell is not None:
            rows.setdefault((line.table, line.cell[0]), []).append(line)
    for row in rows.values():
        first = min(line.cell[1] for line in row)
        label = _join([line for line in row if line.cell[1] == first])
        match = REASON.match(label)
        beside = [line for line in row if line.cell[1] != first]
        if match and beside:
            return [line for line in lines if line not in row], _markdown(beside)
    return lines, ""


def _reason(paragraphs: list[str]) -> tuple[list[str], str]:
    """The response's paragraphs without the reasons' field, and the reasons (its text, or the paragraph
    under a label that stands alone)."""
    for k, paragraph in enumerate(paragraphs):
        match = REASON.match(paragraph)
        if match:
            text = match.group("text").strip()
            if not text and k + 1 < len(paragraphs):
                return paragraphs[:k] + paragraphs[k + 2 :], paragraphs[k + 1]
            return paragraphs[:k] + paragraphs[k + 1 :], text
    return paragraphs, ""


def _response_end(lines: list[Line], start: int) -> int:
    """Where a response without a key-action table ends: at a heading (bold, larger), a footnote
    ("* ..."), or type of another size."""
    size = lines[start].size
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if (line.bold and line.size >= size + 0.9) or re.match(r"^\*\s", line.text) or abs(line.size - size) > 1.5:
            return i
    return len(lines)


UNIT_WORD = (
    r"(?:Unit|Office|Division|Section|Team|Group|Bureau|Department|Directorate|Centre|Center|Branch|Secretariat)"
)
UNIT_HEAD = r"(?:Office|Bureau|Division|Department|Unit|Section|Directorate|Branch|Team|Group|Secretariat|Centre|Center|Regional|Country)\b"


def split_units(name: str) -> list[str]:
    """Units named in one line: "X and the IEO" is two, "Office A, Global Centre B and Office C" three;
    "Office of Budget, Performance and Compliance" one (a piece of one word is not a unit); a semicolon
    always parts two."""
    if ";" in name:
        return [unit for piece in name.split(";") if piece.strip() for unit in split_units(piece.strip())]
    pieces = re.split(rf"(?:,\s+|\s+and\s+)(?=the\s+[A-Z]|all\s|{UNIT_HEAD})|,\s+(?=[A-Z]\w*\s+[A-Z])", name)
    # "X Division and Supply Chain Unit": a name that ends like a unit's, then another.
    pieces = [p for piece in pieces for p in _after_unit_word(piece)]
    out: list[str] = []
    for piece in pieces:
        piece = re.sub(r"^the\s+", "", piece.strip())
        if out and len(piece.split()) < 2 and not re.fullmatch(r"[A-Z]{2,}", piece):
            out[-1] += (", " if "," in name else " and ") + piece
        elif piece:
            out.append(piece)
    return out


def _after_unit_word(name: str) -> list[str]:
    """Split at " and " that follows a unit's word ("Division and Supply Chain Unit")."""
    out: list[str] = []
    rest = name
    while True:
        match = re.search(rf"\b{UNIT_WORD}\s+and\s+(?=[A-Z])", rest)
        if not match:
            out.append(rest)
            return out
        word_end = match.start() + len(match.group(0).split()[0])
        out.append(rest[:word_end])
        rest = rest[match.end() :]


def _flatten(actions: list[dict]) -> list[dict]:
    out = []
    for action in actions:
        out.append(action)
        out.extend(action.get("parts") or [])
    return out


def _join_header(texts: list[str]) -> str:
    text = ""
    for piece in texts:
        if not text:
            text = piece
        elif text.endswith("-"):
            text += piece
        else:
            text += " " + piece
    return text


def _units(lines: list[Line], columns: list[dict], wraps: bool = True) -> tuple[list[str], bool]:
    """A cell's units: one per line, but a line that continues a name (the previous ends in "and" or
    a comma, this one starts in lower case, or, where lines wrap (PDF), the name so far does not end
    like a unit's or a post's name: "Deputy Resident Representative" under "Resident Representative"
    is a unit of its own) joins it. In Word a paragraph is a line of its own. The lead unit is the
    first when it alone is bold."""
    if not lines:
        return [], False
    names: list[list[Line]] = []
    for line in lines:
        if not names:
            names.append([line])
            continue
        previous = names[-1][-1]
        so_far = _join(names[-1])
        text = line.text.strip()
        continues = (
            CONTINUES.search(previous.text.strip())
            or text[:1].islower()
            or text[:1] in "(&"
            or (wraps and line.bold == previous.bold and not UNIT_END.search(so_far))
            # A unit's noun alone ("Office") ends a name wrapped after a post ("Resident Representative").
            or (wraps and re.fullmatch(rf"{UNIT_WORD}s?|Unit|Units|Offices", text) is not None)
        )
        if line.bold != previous.bold:
            continues = False
        if continues:
            names[-1].append(line)
        else:
            names.append([line])
    units = [unit for name in names for unit in split_units(_join(name))]
    lead = (
        len(names) > 1 and all(line.bold for line in names[0]) and not any(line.bold for n in names[1:] for line in n)
    )
    return units, lead


def read(source: Source) -> Found:
    found = _Reader(source).read()
    _links_to_numbers(found.data)
    return found


def _links_to_numbers(data: dict):
    def fix(rec):
        links = []
        for link in rec.get("actions") or []:
            number = link["action"]["number"]
            if "parts" in link:
                links.append({"action": number, "qualifier": "", "parts": link["parts"]})
            else:
                links.append(number)
        rec["actions"] = links

    for rec in data.get("recommendations") or []:
        fix(rec)
    for group in data.get("groups") or []:
        for theme in group["themes"]:
            for rec in theme["recommendations"]:
                fix(rec)
