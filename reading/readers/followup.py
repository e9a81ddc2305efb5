"""The follow-up shape: a report on the progress of a response plan, where each recommendation is
printed as a lettered item that ends in a status sentence in bold (UNOPS's comprehensive response
plan to its third-party reviews, DP/OPS/2025/2, and reports made like it).

How it reads (docs/reading.md, "The follow-up shape"):

* a paragraph that introduces recommendations and ends with a colon ("The third-party review contained
  three recommendations concerning mandate and strategy:") opens a list; each item of it, "(a) <the
  recommendation>. <status sentence>", is a recommendation: the letter as cited, "(a)", is its
  number, the words before the closing bold sentence its text, the bold sentence its response;
  the list ends at the next numbered paragraph or heading;
* each recommendation is answered by one action whose title is the status sentence and whose status,
  time frame and unit come from it: the sentence opens with a status word (reading/words.py:
  "Completed to planned scope", "On track for completion", "Recommendation not operationalized", ...)
  and names its date ("in June 2024", "by the end of 2024"); "<an office> is leading efforts to ..."
  is in progress, that office its unit;
* a sub-heading "Progress on recommendation (x)" opens that recommendation's narrative: the paragraphs
  after it (their numbers out) up to the next such sub-heading or heading;
* headings in bold: a bigger one ("II. Progress in implementing ...") is a group, a smaller one
  ("A. Mandate and strategy") a theme. Tables (a summary that repeats some recommendations), footnote
  calls and footnotes are not read.

The title block is the matrix reader's (matrix.py: the same Executive Board documents); the evaluation
is the one the title answers ("... in response to the recommendations of the two independent
third-party reviews of UNOPS"). ``score`` counts the lettered items that end in a bold sentence.
"""

import dataclasses
import re

from django.utils.translation import gettext_lazy as _

from .. import text as md
from .. import words
from ..found import Found
from ..source import Line, Run, Source, cut, join_lines
from . import matrix
from .auditors import one_action_each

SHAPE = "followup"

INTRO = re.compile(r"\brecommendations?\b[^:]*:$", re.IGNORECASE)
ITEM = re.compile(r"^\(([a-z]{1,2})\)\s+")
NUMBER = re.compile(r"^\d{1,3}\.(?:\s+|$)")
PROGRESS = re.compile(r"^Progress on (?:the )?recommendation\s+(\([a-z]{1,2}\))\s*$", re.IGNORECASE)
LEADING = re.compile(r"^(?:The\s+)?(?P<unit>[A-Z][\w’'-]*(?:\s+[\w’'-]+){0,9}?)\s+(?:is|are)\s+leading\b")
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
WHEN = re.compile(
    rf"\b(?:in|by)\s+(?:the\s+)?(?P<date>(?:end\s+(?:of\s+)?)?(?:(?:first|second|third|fourth)\s+quarter\s+(?:of\s+)?)?"
    rf"(?:(?:{MONTHS})\s+)?\d{{4}})\b"
)
TITLE_EVALUATION = re.compile(r"\bin response to the recommendations of (?:the\s+)?(?P<evaluation>.+)$", re.IGNORECASE)
COLUMNS = [{"key": key, "header": ""} for key in ("action", "time_frame", "units", "status")]


# --- the lines ---------------------------------------------------------------------------------


def _body_size(lines: list[Line]) -> float:
    sizes: dict[float, int] = {}
    for line in lines:
        sizes[round(line.size * 2) / 2] = sizes.get(round(line.size * 2) / 2, 0) + len(line.text)
    return max(sizes, key=lambda size: sizes[size]) if sizes else 10.0


def _lines(source: Source) -> tuple[list[Line], float]:
    """The body in reading order (the matrix reader's: running headers out) without tables, the
    footnotes (smaller than the body, at the foot of the page) and the footnote calls."""
    tables = {i for i, table in enumerate(source.tables) if any(len(row) > 1 for row in table.rows)}
    body = matrix._body(source)  # noqa: SLF001 -- the same body as the matrix reader's
    lines = [line for line in body if line.table not in tables and not line.footnote]  # a box of one cell is text
    size = _body_size(lines)
    out = []
    for line in lines:
        if line.size < size - 0.75 and not line.bold:
            continue
        if any(run.superscript for run in line.runs):  # a footnote call: out, the space after it kept
            runs = tuple(
                run if not run.superscript else Run(" ")
                for run in line.runs
                if not run.superscript or run.text != run.text.strip()
            )
            line = dataclasses.replace(line, runs=runs, text="".join(run.text for run in runs))
        if line.text.strip():
            out.append(line)
    return out, size


def _rows(lines: list[Line]) -> list[list[Line]]:
    """Lines printed side by side (a paragraph's number and its text, "I." and its heading) as rows."""
    rows: list[list[Line]] = []
    for line in lines:
        if rows and rows[-1][0].page == line.page and abs(rows[-1][0].top - line.top) <= 2.0:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda line: line.x0) for row in rows]


def _split(lines: list[Line]) -> tuple[str, str]:
    """An item's text and the bold sentence that closes it (``""`` when none does)."""
    pieces: list[tuple[str, bool]] = []
    text = ""
    for line in lines:
        runs = line.runs or (Run(line.text, line.bold, line.italic),)
        for i, run in enumerate(runs):
            chunk = run.text.strip() if i == 0 else run.text
            if i == 0 and text:
                joined = join_lines(text, chunk)
                chunk = joined[len(text) :]
            text += chunk
            pieces.append((chunk, run.bold))
    bold_from = len(text)
    position = len(text)
    for chunk, bold in reversed(pieces):
        position -= len(chunk)
        if not chunk.strip():
            continue
        if not bold:
            break
        bold_from = position
    head, tail = text[:bold_from].strip(), re.sub(r"\s+", " ", text[bold_from:]).strip()
    if not head or not tail.endswith((".", ".)", ").")):
        return re.sub(r"\s+", " ", text).strip(), ""
    return re.sub(r"\s+", " ", head), tail


# --- the shape ---------------------------------------------------------------------------------


class _Item:
    def __init__(self, letter: str, page: int):
        self.number = f"({letter})"
        self.page = page
        self.lines: list[Line] = []
        self.progress: list[Line] = []


def _structure(rows: list[list[Line]], size: float) -> list[dict]:
    """Groups of themes of items (``_Item``), in print order."""
    groups: list[dict] = [{"title": "", "themes": [{"heading": "", "items": []}]}]
    item: _Item | None = None
    listing = False  # inside a list of recommendations
    progress: _Item | None = None  # the item whose progress paragraphs are being read
    paragraph = ""  # the numbered paragraph being read
    for row in rows:
        text = " ".join(line.text.strip() for line in row)
        first = row[0]
        heading = all(line.bold for line in row) and len(text) < 200 and not ITEM.match(text)
        if heading and max(line.size for line in row) >= size + 1:
            listing, item, progress, paragraph = False, None, None, ""
            if max(line.size for line in row) >= size + 3:
                groups.append({"title": text, "themes": [{"heading": "", "items": []}]})
            else:
                groups[-1]["themes"].append({"heading": text, "items": []})
            continue
        progress_match = PROGRESS.match(text)
        if progress_match and (first.bold or first.italic):
            listing, item, paragraph = False, None, ""
            items = groups[-1]["themes"][-1]["items"]
            progress = next((it for it in items if it.number == progress_match.group(1)), None)
            continue
        if NUMBER.match(text):  # a numbered paragraph: it opens a list when it ends in a colon
            paragraph, listing, item = text, bool(INTRO.search(text)), None
        elif paragraph and item is None and not ITEM.match(text):
            paragraph = join_lines(paragraph, text)
            listing = bool(INTRO.search(paragraph))
        if listing:
            progress = None  # a new list: the progress paragraphs before it have ended
        if listing and (match := ITEM.match(text)) and (not item or first.x0 <= item.lines[0].x0 + 2):
            item = _Item(match.group(1), first.page)
            item.lines.append(cut(first, match.end()))
            item.lines.extend(row[1:])
            groups[-1]["themes"][-1]["items"].append(item)
            continue
        if item is not None:
            item.lines.extend(row)
        elif progress is not None:
            progress.progress.extend(row)
    return groups


def _items(source: Source) -> list[dict]:
    lines, size = _lines(source)
    return _structure(_rows(lines), size)


def score(source: Source) -> float:
    """How many lettered items of a list of recommendations end in a bold sentence: none or one, 0;
    else 0.9 and 0.01 per item, at most 1."""
    closed = sum(
        1 for group in _items(source) for theme in group["themes"] for it in theme["items"] if _split(it.lines)[1]
    )
    if closed < 2:
        return 0.0
    return min(1.0, 0.9 + 0.01 * closed)


def read(source: Source) -> Found:
    return _Reader(source).read()


class _Reader:
    def __init__(self, source: Source):
        self.source = source
        self.found = Found(data={}, shape=SHAPE)
        self.used: dict[str, str] = {}

    def read(self) -> Found:
        base = matrix.read(self.source)
        response = base.data["response"]
        self.found.pages = {key: page for key, page in base.pages.items() if key.startswith("response")}
        self.found.unread = [(item, field) for item, field in base.unread if item == "response"]
        evaluation = TITLE_EVALUATION.search(response.get("title") or "")
        if evaluation:
            name = evaluation.group("evaluation").strip()
            response["evaluation"]["title"] = name[:1].upper() + name[1:]
            self.found.unread = [entry for entry in self.found.unread if entry != ("response", "evaluation.title")]
        built, actions = one_action_each(_items(self.source), self.recommendation, self.found.pages)
        out_groups = [out for _group, out in built]
        response.pop("chapters", None)  # the chapters around the lists are not kept (the auditors' way)
        response["vocabulary"] = self.vocabulary()
        response["columns"] = COLUMNS
        self.found.data = {
            "format": "managementresponse/3",
            "response": response,
            "actions": actions,
            "recommendations": [],
            "groups": out_groups,
        }
        if not actions:
            self.found.notes.append(_("Er zijn geen aanbevelingen gevonden."))
        return self.found

    def recommendation(self, item: _Item, number: int) -> tuple[dict, dict]:
        index = number - 1
        text, sentence = _split(item.lines)
        status, word, units = self.status(sentence)
        if not status:
            self.found.unread.append((f"actions[{index}]", "status"))
            if sentence:
                self.found.notes.append(
                    _("Onbekende status “%(sentence)s” bij aanbeveling %(number)s.")
                    % {"sentence": sentence, "number": item.number}
                )
        if word:
            self.used.setdefault(status, word)
        when = WHEN.search(sentence)
        action = {
            "number": str(number),
            "label": "",
            "title": sentence,
            "status": status,
            "status_note": "",
            "time_frame": when.group("date") if when else "",
            "responsible_units": units,
            "starts_on": None,
            "due_date": None,
            "narrative": self.narrative(item.progress),
            "progress": [],
            "numbered": False,
            "parts": [],
        }
        if not sentence:
            self.found.unread.append((f"actions[{index}]", "title"))
            self.found.unread.append((f"recommendations[{index}]", "response"))
        recommendation = {
            "number": item.number,
            "location": "",
            "text": text,
            "agreement": "",
            "response": sentence,
            "justification": "",
            "actions": [str(number)],
        }
        return recommendation, action

    def status(self, sentence: str) -> tuple[str, str, list[str]]:
        """(status, the word as printed, units) of a status sentence."""
        key, word, _rest = words.match("status", sentence)
        if key:
            return key, word, []
        leading = LEADING.match(sentence)
        if leading:
            return "in_progress", "", [leading.group("unit")]
        return "", "", []

    def narrative(self, lines: list[Line]) -> str:
        """The progress paragraphs as Markdown, without the document's paragraph numbers."""
        out: list[Line] = []
        for line in lines:
            number = NUMBER.match(line.text.strip())
            if number:
                line = cut(line, number.end())
            if line.text.strip():
                out.append(line)
        return md.markdown(out, {}, emphasis=False)

    def vocabulary(self) -> dict:
        vocabulary = words.vocabulary_of(self.used, "en")
        if vocabulary["preset"] and len(vocabulary["words"]) == len(self.used):
            # no preset has any of the words: the Executive Board's, to whom these reports are made
            vocabulary["preset"] = "executive_board"
        return vocabulary
