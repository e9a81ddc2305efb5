"""The Board of Auditors shape: a report on the status of the recommendations of an external audit
board (the UN Board of Auditors' reports of UNDP, UNOPS, UNFPA and their like).

Each recommendation is a paragraph in bold that quotes the board ("In paragraph 37, the Board
recommended that ..."; with or without the document's own paragraph number before it), followed by a
block of fields, two columns of a label and its value, with or without colons and whether or not the
PDF draws them as a table:

    Department(s) responsible:   Office of Financial Management and Office of ...
    Status:                      Under implementation
    Priority:                    Medium
    Target date:                 First quarter of 2025

(prior years' recommendations have an "Original target date" and a "Revised target date"), then the
management response: the paragraphs up to the next recommendation or heading, with or without a
"Management response:" label. Chapters (a bigger bold heading: "III. Status of recommendations ...",
"Annex 1. ...") are groups; the smaller or lettered headings inside them ("A. Finance", "Report of the
Board of Auditors for the year ended ...") are themes.

What it makes of it (the conventions of tests/data/documents/README.md):

* a recommendation per bold paragraph: its text is the whole sentence, its location "paragraph N" (the
  place in the board's report), no number (the document numbers none);
* one action per recommendation, answering it: the response's first sentence is the title (cut at a
  comma past the 300 characters a title holds), the rest its narrative; the field block gives its
  responsible units (one entry per unit named: "Office of Financial Management, Global Shared Service
  Centre and Office of Information and Technology Management" is three), its status (the document's
  word mapped: "Under implementation", "In progress" are in progress; "Closure requested",
  "Implemented" realised; "Not implemented" not started) and its time frame (the target date as
  printed; for prior years the revised target date when it is one, else the original);
* agreement: the response's own first sentence ("Management agrees with this recommendation",
  "UNFPA concurs with ...") or, for the recommendations of the year under review (not those of a
  chapter on prior periods), a statement for all of them: "Management agreed with all
  recommendations", or a status table whose "Not accepted" column counts none; else empty;
* the title block of a UN Executive Board document: the symbol, the date under "Distr.", the bold
  title, the organisation (a line of its own above the title, or the name behind the acronym that
  starts the title), the board's report responded to (its symbol "A/79/5/Add.1") and the month it
  was issued.

``score`` counts the bold "In paragraph N, the Board recommend..." paragraphs that a field block
follows: one makes the document look like this shape, three or more make it this shape.
"""

import datetime
import re

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .. import text as md
from .. import words
from ..found import Found
from ..source import Line, Source, cut

SHAPE = "auditors"

START = re.compile(
    r"^(?:(\d{1,3})\.\s+)?(In paragraphs? (\d+[a-z]?)\b[^.]{0,60}?\bthe Board(?: of Auditors)?"
    r"(?: also| further)? recommend(?:s|ed)\b)",
    re.IGNORECASE,
)
PARAGRAPH_NUMBER = re.compile(r"^\d{1,3}\.\s+")
RESPONSE_LABEL = re.compile(r"^(?:[A-Z][A-Za-z]*\s){0,3}?response:\s*", re.IGNORECASE)
FIELDS = {
    "units": (
        "department(s) responsible",
        "departments responsible",
        "department responsible",
        "business unit(s) responsible",
        "business units responsible",
        "business unit responsible",
        "office responsible",
        "unit(s) responsible",
        "units responsible",
        "unit responsible",
        "responsible unit(s)",
        "responsible units",
        "responsible unit",
        "responsible department",
        "responsibility",
    ),
    "status": ("status", "implementation status"),
    "priority": ("priority",),
    "revised": ("revised target date", "revised target dates"),
    "original": ("original target date", "original target dates"),
    "target": ("target date", "target dates", "target completion date"),
}
LABEL = re.compile(
    r"^("
    + "|".join(re.escape(label) for labels in FIELDS.values() for label in sorted(labels, key=len, reverse=True))
    + r")\s*(?::\s*|\s+|$)(.*)$",
    re.IGNORECASE,
)
# The words audit boards' reports use for a recommendation's status (beside reading/words.py's).
STATUS_WORDS = {
    "under implementation": "in_progress",
    "in progress": "in_progress",
    "partially implemented": "in_progress",
    "closure requested": "realised",
    "implemented": "realised",
    "closed": "realised",
    "not implemented": "to_start",
    "not started": "to_start",
    "overtaken by events": "not_applicable",
    "not applicable": "not_applicable",
}
AGREE = re.compile(
    r"\b(?P<partly>partially |partly )?(?P<verb>agrees?|agreed|concurs?|concurred|accepts?|accepted|welcomes?|welcomed"
    r"|supports?|supported)\b(?: with)?(?: the Board(?:’s|'s| of Auditors’| of Auditors')?)? "
    r"(?:this|the|that|these|all)\b[^.]{0,40}?\brecommendations?\b",
    re.IGNORECASE,
)
DISAGREE = re.compile(
    r"\b(?:does not|do not|did not) (?:agree|accept|concur)\b[^.]{0,40}?\brecommendation|\brejects?\b[^.]{0,30}?\brecommendation",
    re.IGNORECASE,
)
ALL_AGREED = re.compile(
    r"\b(?:agreed|agrees|accepted|accepts|concurred|concurs) (?:with )?all(?: of)?(?: the)?(?: \d+)? "
    r"(?:audit |new )?recommendations\b",
    re.IGNORECASE,
)
NOT_ACCEPTED = re.compile(r"^(?:not accepted|rejected|not agreed)$", re.IGNORECASE)
PRIOR = re.compile(r"\b(?:prior|previous|earlier)\b", re.IGNORECASE)
BOARD_REPORT = re.compile(r"\((A/\d+/\d+/Add\.\s?\d+)\)")
MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
MONTH_YEAR = re.compile(r"(?<!\d )\b(" + "|".join(MONTH_NAMES) + r") (\d{4})\b", re.IGNORECASE)
DAY_MONTH_YEAR = re.compile(r"^(\d{1,2}) (" + "|".join(MONTH_NAMES) + r") (\d{4})$", re.IGNORECASE)
SYMBOL = re.compile(r"^[A-Z]{1,6}(?:/[A-Z0-9.()\- ]{1,12}){2,5}$")
# The nouns that end or head the name of an organisational unit ("Finance Group", "Office of ...").
UNIT_HEADS = {
    "office",
    "bureau",
    "bureaux",
    "division",
    "unit",
    "centre",
    "center",
    "group",
    "branch",
    "cluster",
    "department",
    "section",
    "team",
    "committee",
}
TITLE_LIMIT = 300
SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"’)]))\s+(?=[A-Z“\"‘(0-9])")
ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|No|Mr|Ms|Dr|para|paras|St|etc|Add|Rev|Corr|[A-Z])\.$")


def score(source: Source) -> float:
    body = _body(source)
    rows = _rows(body)
    answered = 0
    for i, row in enumerate(rows):
        if _starts_recommendation(row[0]):
            for later in rows[i + 1 : i + 12]:
                if _label(later[0]) is not None:
                    answered += 1
                    break
                if _starts_recommendation(later[0]):
                    break
    if not answered:
        return 0.0
    return min(1.0, 0.8 + 0.1 * answered)


def read(source: Source) -> Found:
    return _Reader(source).read()


# --- the lines ---------------------------------------------------------------------------------


def _body(source: Source) -> list[Line]:
    """The body lines without running headers: source.py marks those in the margins; a document's
    symbol printed at the top of most pages ("DP/FPA/2025/2") may sit lower, so the first line of a
    page is dropped too when the same text heads three pages or more."""
    lines = source.body()
    firsts: dict[int, Line] = {}
    for line in lines:
        firsts.setdefault(line.page, line)
    heads: dict[str, int] = {}
    for line in firsts.values():
        heads[line.text.strip()] = heads.get(line.text.strip(), 0) + 1
    running = {text for text, count in heads.items() if count >= 3}
    return [line for line in lines if not (firsts.get(line.page) is line and line.text.strip() in running)]


def _rows(lines: list[Line]) -> list[list[Line]]:
    """The lines printed side by side (the same page, the same height) as rows, in reading order."""
    rows: list[list[Line]] = []
    for line in lines:
        if rows and _same_row(rows[-1][0], line):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda line: line.x0) for row in rows]


def _same_row(first: Line, line: Line) -> bool:
    if first.page != line.page:
        return False
    if first.x1 == 0.0 and first.bottom - first.top == 1.0:  # DOCX: a line is a paragraph
        return (
            first.table >= 0
            and first.table == line.table
            and first.cell
            and line.cell
            and first.cell[0] == line.cell[0]
        )
    return abs(first.top - line.top) <= 2.0


def _starts_recommendation(line: Line) -> bool:
    match = START.match(line.text.strip())
    if not match:
        return False
    return _bold_from(line, match.start(2))


def _bold_from(line: Line, offset: int) -> bool:
    """The line is in bold from character ``offset`` of its stripped text (the number before may not be)."""
    if line.bold:
        return True
    text = line.text.strip()
    lead = len(line.text) - len(line.text.lstrip())
    position = 0
    bold_chars = plain_chars = 0
    for run in line.runs:
        start, end = position - lead, position - lead + len(run.text)
        position += len(run.text)
        covered = run.text[max(offset - start, 0) :] if end > offset else ""
        count = len(covered.strip())
        if run.bold:
            bold_chars += count
        else:
            plain_chars += count
    return bool(text) and bold_chars > 0 and bold_chars >= 4 * plain_chars


def _label(line: Line) -> tuple[str, str, str] | None:
    """(field, label as printed, value on the same line) when the line starts a field of the block."""
    match = LABEL.match(line.text.strip())
    if not match:
        return None
    label = match.group(1)
    value = match.group(2).strip()
    if not value and not line.text.strip().endswith(":") and len(line.text.strip()) != len(label):
        return None
    if value and ":" not in line.text and not line.italic and line.bold:
        return None
    if value and ":" not in line.text[: len(label) + 3] and len(value.split()) > 8:
        return None  # a sentence that starts with the word ("Status of ...")
    field = next(name for name, labels in FIELDS.items() if label.casefold() in labels)
    return field, label, value


def _row_text(row: list[Line]) -> str:
    return " ".join(line.text.strip() for line in row if line.text.strip())


def units(value: str) -> list[str]:
    """The units a field names: "A, B and C" is three, but "Office of Budget, Performance and
    Compliance" and "Office of Information and Technology Management" are one each. The value is cut
    at every comma and "and"; a piece without a unit's noun (office, division, group, ...) belongs to
    its neighbour: to the unit before when that one is still open ("Office of Information" + "and
    Technology Management"), else to the one after ("Information" + "and Technology Management Office")."""
    value = re.sub(r"\s+", " ", value).strip().rstrip(".;")
    parts = re.split(r"(,\s+and\s+|,\s+|\s+and\s+)", value)
    pieces = parts[0::2]
    separators = parts[1::2]
    if not value:
        return []

    def has_head(piece: str) -> bool:
        return any(word.casefold().strip(",.") in UNIT_HEADS for word in piece.split())

    def closed(piece: str) -> bool:
        return piece.split()[-1].casefold().strip(",.") in UNIT_HEADS

    out: list[str] = []
    pending = ""  # a headless piece waiting for the next one
    for n, piece in enumerate(pieces):
        piece = piece.strip()
        if not piece:
            continue
        joiner = separators[n - 1] if n > 0 else " "
        if pending:
            piece = pending + piece
            pending = ""
        if has_head(piece) and not (out and not closed(out[-1]) and not _starts_unit(piece)):
            out.append(piece)
        elif out and not closed(out[-1]):
            out[-1] = out[-1] + joiner + piece
        elif n + 1 < len(pieces):
            pending = piece + separators[n]
        elif out:
            out[-1] = out[-1] + joiner + piece
        else:
            out.append(piece)
    if pending:
        out.append(pending.rstrip(", ").removesuffix(" and").strip())
    return [re.sub(r"^(?:the)\s+", "", unit, flags=re.IGNORECASE) for unit in out]


def _starts_unit(piece: str) -> bool:
    """The piece begins a unit's name: its first word is a unit's noun ("Office of ...", "Division for
    ...") or its head comes after capitalised words only ("Global Shared Service Centre")."""
    words_ = piece.split()
    if words_[0].casefold() in UNIT_HEADS or words_[0].casefold() == "all":
        return True
    for word in words_:
        if word.casefold().strip(",.") in UNIT_HEADS:
            return True
        if not word[:1].isupper():
            return False
    return False


def first_sentence(text: str) -> tuple[str, str]:
    """(the first sentence, the rest) of a text; a sentence over the title's 300 characters is cut
    at its last comma before them."""
    paragraphs = text.split("\n\n", 1)
    head = paragraphs[0]
    end = None
    for match in SENTENCE_END.finditer(head):
        if not ABBREVIATION.search(head[: match.start()]):
            end = match
            break
    if end is not None:
        sentence, rest = head[: end.start()].strip(), head[end.end() :].strip()
    else:
        sentence, rest = head.strip(), ""
    if len(sentence) > TITLE_LIMIT:
        at = sentence.rfind(",", 0, TITLE_LIMIT)
        if at <= 0:
            at = sentence.rfind(" ", 0, TITLE_LIMIT)
        rest = (sentence[at + 1 :].strip() + " " + rest).strip()
        sentence = sentence[:at].strip()
    if len(paragraphs) > 1:
        rest = (rest + "\n\n" + paragraphs[1]).strip() if rest else paragraphs[1].strip()
    return sentence, rest


def _status(value: str) -> tuple[str, str]:
    """(key, the word as printed) of a status value; ("", "") when no word is known."""
    flat = re.sub(r"\s+", " ", value).strip().rstrip(".")
    folded = flat.casefold()
    for word in sorted(STATUS_WORDS, key=len, reverse=True):
        if folded == word or folded.startswith(word + " ") or folded.startswith(word + ","):
            return STATUS_WORDS[word], flat[: len(word)]
    key, word, _rest = words.match("status", flat)
    return key, word


def _is_date(value: str) -> bool:
    text = words.normal(value)
    if not text or text in ("no change", "not applicable", "n/a", "none", "-", "–"):
        return False
    return bool(re.search(r"\d{4}", text))


def _date(text: str):
    match = DAY_MONTH_YEAR.match(text.strip())
    if not match:
        return None
    try:
        return datetime.date(int(match.group(3)), MONTH_NAMES.index(match.group(2).lower()) + 1, int(match.group(1)))
    except ValueError:
        return None


# --- reading -----------------------------------------------------------------------------------


def one_action_each(groups: list[dict], answer, pages: dict[str, int]) -> tuple[list[tuple[dict, dict]], list[dict]]:
    """The interchange groups of ``groups`` (title, themes with heading and items), each item read by
    ``answer(item, number)`` as a recommendation and the one action that answers it (numbered 1, 2,
    ... in document order), with the page each starts on; themes and groups without any left out.
    Returns (group as found, group built) pairs and the actions. The shapes whose recommendations
    each carry one response (this one, and the follow-up reports of followup.py) read this way."""
    actions: list[dict] = []
    built = []
    count = 0
    for group in groups:
        themes = []
        for theme in group["themes"]:
            recommendations = []
            for item in theme["items"]:
                recommendation, action = answer(item, len(actions) + 1)
                pages[f"recommendations[{count}]"] = item.page
                pages[f"actions[{len(actions)}]"] = item.page
                count += 1
                actions.append(action)
                recommendations.append(recommendation)
            if recommendations:
                themes.append({"section": "", "heading": theme["heading"], "recommendations": recommendations})
        if themes:
            built.append((group, {"title": group["title"], "themes": themes}))
    return built, actions


class _Recommendation:
    def __init__(self, row: list[Line], match: re.Match):
        self.page = row[0].page
        self.location = f"paragraph {match.group(3)}"
        self.text_lines: list[Line] = []
        self.fields: list[list] = []  # [field, label, value, value's x0]
        self.response_lines: list[Line] = []
        self.mode = "text"


class _Reader:
    def __init__(self, source: Source):
        self.source = source
        self.body = _body(source)
        self.rows = _rows(self.body)
        sizes: dict[float, int] = {}
        for line in self.body:
            sizes[round(line.size * 2) / 2] = sizes.get(round(line.size * 2) / 2, 0) + len(line.text)
        self.body_size = max(sizes, key=lambda size: sizes[size]) if sizes else 10.0
        self.found = Found(data={}, shape=SHAPE)
        self.used_words: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.response_label = ""

    def read(self) -> Found:
        groups = self.structure()
        response = self.title_block()
        built, actions = one_action_each(groups, self.recommendation, self.found.pages)
        out_groups = [{**out, "_prior": group["prior"]} for group, out in built]
        self.agreement_for_all(out_groups)
        for group in out_groups:
            del group["_prior"]
        loose: list[dict] = []
        if len(out_groups) == 1 and not out_groups[0]["title"] and len(out_groups[0]["themes"]) == 1:
            theme = out_groups[0]["themes"][0]
            if not theme["heading"]:
                loose, out_groups = theme["recommendations"], []
        for group in out_groups:  # a group without a title: its themes stand alone in a group without one
            group["title"] = group["title"] or ""
        vocabulary = words.vocabulary_of(self.used_words, "en")
        if vocabulary["preset"] or vocabulary["words"]:
            response["vocabulary"] = vocabulary
        response["columns"] = self.columns()
        self.found.data = {
            "format": "managementresponse/3",
            "response": response,
            "actions": actions,
            "recommendations": loose,
            "groups": out_groups,
        }
        if not actions:
            self.found.notes.append(_("Er zijn geen aanbevelingen van de auditors gevonden."))
        return self.found

    # the document's skeleton: groups, themes, recommendations ------------------------------------

    def _heading_kind(self, row: list[Line]) -> str:
        """ "group", "theme" or "" for a row outside a recommendation's text."""
        lines = [line for line in row if line.text.strip()]
        if not lines or any(line.table >= 0 for line in lines):
            return ""
        text = _row_text(lines)
        if len(text) > 200 or _label(lines[0]) is not None or START.match(text):
            return ""
        size = max(line.size for line in lines)
        if all(line.bold for line in lines) and size >= self.body_size + 3:
            return "group"
        if all(line.bold for line in lines) and size >= self.body_size + 1:
            return "theme"
        if size >= self.body_size - 0.5 and (all(line.bold for line in lines) or all(line.italic for line in lines)):
            if PARAGRAPH_NUMBER.match(text) or (text.endswith((".", ";", ",")) and not re.match(r"^[A-Z]\.$", text)):
                return ""
            return "minor"
        return ""

    def structure(self) -> list[dict]:
        """Groups of themes of recommendations (``_Recommendation``), as the document prints them."""
        groups: list[dict] = [{"title": "", "prior": False, "themes": [{"heading": "", "items": []}]}]
        current: _Recommendation | None = None
        heading: tuple[str, str, Line] | None = None  # the heading just read: kind, text, last line
        for n, row in enumerate(self.rows):
            first = row[0]
            match = START.match(first.text.strip())
            if match and _starts_recommendation(first):
                current = _Recommendation(row, match)
                current.text_lines.append(cut(first, match.start(2)))
                current.text_lines.extend(row[1:])
                groups[-1]["themes"][-1]["items"].append(current)
                heading = None
                continue
            if current is not None and self._inside(current, row):
                continue
            kind = self._heading_kind(row)
            if kind == "minor":  # a line in bold or italics: a heading only right before a recommendation
                following = self.rows[n + 1][0] if n + 1 < len(self.rows) else None
                kind = "theme" if following is not None and _starts_recommendation(following) else ""
            if kind:
                current = None
                heading = self._heading(groups, kind, row, heading)
                continue
            heading = None
            if current is not None and current.mode == "response":
                current.response_lines.extend(row)
        return groups

    def _inside(self, current: _Recommendation, row: list[Line]) -> bool:
        """Take ``row`` into the recommendation's text or its block of fields, if it is one of theirs;
        the first row after the block starts the response."""
        first = row[0]
        if current.mode == "text":
            if _label(first) is None:
                current.text_lines.extend(row)
                return True
            current.mode = "fields"
        if current.mode != "fields":
            return False
        label = _label(first)
        if label is not None:
            field, printed, value = label
            x = row[1].x0 if len(row) > 1 else first.x0
            if len(row) > 1:
                value = (value + " " + _row_text(row[1:])).strip()
            current.fields.append([field, printed, value, x])
            self.labels.setdefault(field, printed)
            return True
        if current.fields and first.x0 >= current.fields[-1][3] - 3 and not PARAGRAPH_NUMBER.match(first.text):
            current.fields[-1][2] = md.join_lines(current.fields[-1][2], _row_text(row))
            return True
        current.mode = "response"
        return False

    def _heading(self, groups: list[dict], kind: str, row: list[Line], previous) -> tuple[str, str, Line]:
        """Add the heading ``row`` to ``groups``: a new group or theme, or the next line of the one
        before (a heading printed on two lines)."""
        text = _row_text(row)
        if previous and previous[0] == kind and self._continues(previous[2], row[0]):
            text = md.join_lines(previous[1], text)
            if kind == "group":
                groups[-1]["title"] = text
                groups[-1]["prior"] = bool(PRIOR.search(text))
            else:
                groups[-1]["themes"][-1]["heading"] = text
        elif kind == "group":
            groups.append({"title": text, "prior": bool(PRIOR.search(text)), "themes": []})
            groups[-1]["themes"].append({"heading": "", "items": []})
        else:
            groups[-1]["themes"].append({"heading": text, "items": []})
        return kind, text, row[-1]

    def _continues(self, above: Line, below: Line) -> bool:
        if above.page != below.page or self.source.kind == "docx":
            return False
        return below.top - above.bottom < 0.6 * below.size and round(above.size) == round(below.size)

    # one recommendation and its action ----------------------------------------------------------

    def recommendation(self, item: _Recommendation, number: int) -> tuple[dict, dict]:
        index = number - 1
        text = md.markdown(item.text_lines, self.source.notes, emphasis=False)
        response_lines = self._response_lines(item.response_lines)
        response = md.markdown(response_lines, self.source.notes, emphasis=False)
        if not response:
            self.found.unread.append((f"recommendations[{index}]", "response"))
        fields: dict[str, str] = {}
        for field, _printed, value, _x in item.fields:
            fields.setdefault(field, value)
        status, word = _status(fields.get("status", ""))
        if word:
            self.used_words.setdefault(status, word)
        elif fields.get("status"):
            self.found.unread.append((f"actions[{index}]", "status"))
            self.found.notes.append(
                _("Onbekend statuswoord “%(word)s” bij %(location)s.")
                % {"word": fields["status"], "location": item.location}
            )
        if "revised" in fields and _is_date(fields["revised"]):
            time_frame = fields["revised"]
        else:
            time_frame = fields.get("target") or fields.get("original") or fields.get("revised", "")
        title, narrative = first_sentence(response)
        action = {
            "number": str(number),
            "label": "",
            "title": title,
            "status": status,
            "status_note": "",
            "time_frame": time_frame,
            "responsible_units": units(fields.get("units", "")),
            "starts_on": None,
            "due_date": None,
            "narrative": narrative,
            "progress": [],
            "parts": [],
        }
        if not title:
            self.found.unread.append((f"actions[{index}]", "title"))
        for field in ("units", "status"):
            if field not in fields:
                self.found.unread.append((f"actions[{index}]", field))
        agreement = ""
        first = response.split("\n\n", 1)[0]
        sentence = first_sentence(first)[0]
        if DISAGREE.search(sentence):
            agreement = "disagree"
        elif found := AGREE.search(sentence):
            agreement = "partially_agree" if found.group("partly") else "agree"
        recommendation = {
            "number": "",
            "location": item.location,
            "text": text,
            "agreement": agreement,
            "response": response,
            "justification": "",
            "actions": [str(number)],
        }
        return recommendation, action

    def _response_lines(self, lines: list[Line]) -> list[Line]:
        """The response's lines without the document's paragraph numbers and its label."""
        out: list[Line] = []
        previous = None
        for line in lines:
            text = line.text.strip()
            starts = (
                self.source.kind == "docx"  # a line is a paragraph
                or previous is None
                or previous.text.rstrip().endswith((".", ":", ";"))
                or (previous.page == line.page and line.top - previous.bottom > 0.55 * line.size)
            )
            number = PARAGRAPH_NUMBER.match(text)
            if starts and number:
                line = cut(line, number.end())
                text = line.text.strip()
            if previous is None:
                label = RESPONSE_LABEL.match(text)
                if label:
                    self.response_label = self.response_label or text[: label.end()].strip().rstrip(":")
                    line = cut(line, label.end())
            out.append(line)
            previous = line
        return [line for line in out if line.text.strip()]

    # agreement stated once for all ---------------------------------------------------------------

    def agreement_for_all(self, groups: list[dict]) -> None:
        """The recommendations of the year under review (the groups not on prior periods) are agreed
        when the document says so for all of them, or when a status table counts none "Not accepted"."""
        text = md.plain([line for line in self.body if line.table < 0])
        stated = bool(ALL_AGREED.search(text)) or self._none_not_accepted()
        if not stated:
            return
        for group in groups:
            if group["_prior"]:
                continue
            for theme in group["themes"]:
                for recommendation in theme["recommendations"]:
                    if not recommendation["agreement"]:
                        recommendation["agreement"] = "agree"

    def _none_not_accepted(self) -> bool:
        for table in self.source.tables:
            if not table.rows:
                continue
            header = [words.normal(cell) for cell in table.rows[0]]
            columns = [i for i, cell in enumerate(header) if NOT_ACCEPTED.match(cell)]
            if not columns:
                continue
            for row in table.rows[1:]:
                total = row and words.normal(row[0]) == "total" and len(row) > columns[0]
                if total and words.normal(row[columns[0]]) in ("-", "–", "0", "—"):
                    return True
        return False

    def columns(self) -> list[dict]:
        out = [{"key": "action", "header": self.response_label or "Response"}]
        for key, field in (("units", "units"), ("status", "status"), ("time_frame", "target")):
            if field in self.labels:
                out.append({"key": key, "header": self.labels[field]})
        return out

    # the title block -----------------------------------------------------------------------------

    def title_block(self) -> dict:
        page_one = [line for line in self.body if line.page == 1]
        response: dict = {
            "slug": "",
            "title": "",
            "organisation": "",
            "responsible_team": "",
            "language": "en",
            "layout": "matrix",
            "status": "draft",
            "published_on": None,
            "evaluation": {"title": "", "evaluators": "", "delivered_on": None},
        }
        self.found.pages["response"] = 1
        symbol = next(
            (line.text.strip() for line in self.source.lines if line.page == 1 and SYMBOL.match(line.text.strip())), ""
        )
        for i, line in enumerate(page_one):
            if line.text.strip().startswith("Distr.") and i + 1 < len(page_one):
                for later in page_one[i + 1 : i + 4]:
                    parsed = _date(later.text)
                    if parsed:
                        response["published_on"] = parsed
                        break
        organisation, title = self._title(page_one)
        response["title"] = title
        if not organisation:
            organisation = self._organisation_of(title)
        response["organisation"] = organisation
        for field, value in (("title", title), ("organisation", organisation)):
            if not value:
                self.found.unread.append(("response", field))
        evaluation, delivered = self._evaluation()
        response["evaluation"]["title"] = evaluation
        response["evaluation"]["delivered_on"] = delivered
        text = md.plain(self.body[:400])
        response["evaluation"]["evaluators"] = (
            "United Nations Board of Auditors" if "United Nations Board of Auditors" in text else "Board of Auditors"
        )
        if not evaluation:
            self.found.unread.append(("response", "evaluation.title"))
        response["slug"] = (slugify(symbol.replace("/", "-")) or slugify(title))[:50].strip("-") or "ingelezen"
        return response

    def _title(self, page_one: list[Line]) -> tuple[str, str]:
        """(organisation, title): the bold lines after the agenda block and before the summary; a
        closing "Report of the ..." line is the report's author, a first line in a bigger size the
        organisation."""
        if not page_one:
            return "", ""
        if self.source.kind == "docx":  # Word: the paragraph in the Title style, else the biggest in bold
            titled = [i for i, line in enumerate(page_one) if line.style == "Title"]
            biggest = max((line.size for line in page_one if line.bold), default=0.0)
            start = (
                titled[0]
                if titled
                else next((i for i, line in enumerate(page_one) if line.bold and line.size == biggest), 0)
            )
        else:
            left = min(line.x0 for line in page_one)
            agenda = [
                i for i, line in enumerate(page_one) if abs(line.x0 - left) < 2 and line.size <= self.body_size + 0.5
            ]
            start = agenda[-1] + 1 if agenda else 0
        block: list[Line] = []
        for line in page_one[start:]:
            if not line.bold or (block and self.source.kind == "docx" and line.style != block[-1].style):
                if block:
                    break
                continue
            block.append(line)
        if not block:
            return "", ""
        if len(block) > 1 and block[-1].text.strip().startswith("Report of the") and block[-1].size <= block[-2].size:
            block = block[:-1]
        organisation = ""
        sizes = [round(line.size) for line in block]
        if len(set(sizes)) > 1 and sizes[0] > sizes[1] and sizes.count(sizes[0]) == 1:
            organisation = block[0].text.strip()
            block = block[1:]
        return organisation, md.plain(block)

    def _organisation_of(self, title: str) -> str:
        """The name behind the acronym that starts the title ("UNDP: ..."), from the names printed
        with their acronym in the document ("... (UNCDF)") or on its cover (the board's organisations)."""
        match = re.match(r"^([A-Z][A-Za-z-]{1,9})\s*[:–-]", title)
        if not match:
            return ""
        acronym = match.group(1)
        text = md.plain(self.body[:60]) + " " + md.plain(self.body)
        defined = re.search(
            r"((?:[A-Z][\w’'-]*\s+(?:(?:of|for|on|and|the)\s+)*){2,8})\(" + re.escape(acronym) + r"\)", text
        )
        if defined:
            return defined.group(1).strip()
        candidates = re.findall(r"United Nations(?:\s+(?:[A-Z][\w-]*|of|for|and))+", text)
        for candidate in candidates:
            name = re.sub(r"\s+(?:and|of|for)$", "", candidate.strip())
            for size in range(len(name.split()), 1, -1):
                piece = " ".join(name.split()[:size])
                piece = re.sub(r"\s+(?:and|of|for)$", "", piece)
                initials = "".join(word[0] for word in piece.split() if word[0].isupper())
                if initials == acronym:
                    return piece
        return ""

    def _evaluation(self) -> tuple[str, str | None]:
        """The board's report the document answers ("... report ... (A/79/5/Add.1)") and the month it
        was issued ("In July 2024, the ... Board of Auditors ... issued ...")."""
        text = md.plain([line for line in self.body if line.table < 0])
        title = ""
        match = BOARD_REPORT.search(text)
        if match:
            before = text[: match.start()]
            start = max(before.rfind(" report "), before.rfind(" Report "))
            sentence_start = max(before.rfind(". "), 0)
            if start > sentence_start:
                phrase = before[start:].strip()
                if "Board of Auditors" not in phrase:
                    phrase = "Audit report of the United Nations Board of Auditors" + phrase[len("report") :]
                    phrase = phrase.replace("Audit report of the United Nations Board of Auditors audit", "Audit")
                title = f"{phrase[0].upper()}{phrase[1:]} ({match.group(1)})"
        delivered = None
        for sentence in re.split(r"(?<=[.;])\s+", text):
            if ("issued" in sentence and "Board of Auditors" in sentence) or "recommendations were issued" in sentence:
                month = MONTH_YEAR.search(sentence)
                if month:
                    delivered = f"{month.group(2)}-{MONTH_NAMES.index(month.group(1).lower()) + 1:02d}"
                    break
        return title, delivered
