"""The table shape (the seed's, and our own ``table`` layout in PDF and Word).

A title block (title, organisation · team, "Antwoord op: <evaluation>, opgeleverd op <date>", the
publication date); chapters with roman numbers: I. the introduction, II. the actions (per action a
heading "1. Title", a line "Status: in uitvoering", a narrative, parts "1.1. Title" or "Spoor 1:
title"), III. a recommendations table with the columns report location | recommendation |
agreement (in words, a justification under it) | action numbers ("Actie 3 – spoor 1 (systematisch
leren)"), its rows grouped under group rows and theme rows ("8.2.1 | HEADING"); other chapters
before or after. Labels are recognised in Dutch and English (reading/words.py), as are agreement
and status words; a word no vocabulary knows is marked unread.

``score`` says how much a document looks like this: a table whose header names a report location,
the recommendation, the agreement and the actions counts most (0.6); "Status:" lines and the roman
chapter headings add 0.2 each, a quarter of that without such a table.
"""

import datetime
import re

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .. import text as md
from .. import words
from ..found import Found
from ..source import Line, Source

SHAPE = "table"

ROMAN = re.compile(r"^(?:I|II|III|IV|V|VI|VII|VIII|IX|X)\.\s+\S")
ACTION_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(\S.*)$")
LABEL_HEADING = re.compile(r"^([^:]{1,30}:)\s+(\S.*)$")
MONTHS = {
    **{
        m: i
        for i, m in enumerate(
            [
                "januari",
                "februari",
                "maart",
                "april",
                "mei",
                "juni",
                "juli",
                "augustus",
                "september",
                "oktober",
                "november",
                "december",
            ],
            1,
        )
    },
    **{
        m: i
        for i, m in enumerate(
            [
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
            ],
            1,
        )
    },
}


# --- the header of the recommendations table -------------------------------------------------

COLUMN_WORDS = {
    "location": ("locatie", "location", "pagina", "page", "vindplaats"),
    "text": ("aanbeveling", "recommendation"),
    "agreement": ("akkoord", "agree", "agreement", "standpunt", "response"),
    "links": ("actie", "action"),
}


def _columns(row: list[str]) -> dict[str, int] | None:
    """{field: column} when ``row`` is the header of a recommendations table, else None."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        text = words.normal(cell)
        if not text or len(text) > 60:
            continue
        for name in ("location", "agreement", "links", "text"):  # "Mate van akkoord" before "actie"
            if name not in found and any(word in text for word in COLUMN_WORDS[name]):
                found[name] = index
                break
    if {"text", "agreement", "links"} <= found.keys():
        return found
    return None


def score(source: Source) -> float:
    value = 0.0
    header = any(table.rows and _columns(table.rows[0]) for table in source.tables)
    if header:
        value += 0.6
    body = source.body()
    status = words.label("Status")
    if any(any(line.text.startswith(f"{word}:") for word in status.values()) for line in body):
        value += 0.2
    if sum(1 for line in body if ROMAN.match(line.text) and line.bold) >= 2:
        value += 0.2
    # Without its table the shape is hardly there: roman chapters and "Status:" lines are common
    # in UN reports too (the matrix reader's).
    return min(value, 1.0) if header else value / 4


def read(source: Source) -> Found:
    return _Reader(source).read()


# --- reading ---------------------------------------------------------------------------------


def _signature(line: Line):
    return (round(line.size * 2) / 2, line.bold, line.style)


def _date(text: str):
    """A printed date: "30 september 2024" -> date, "september 2024" -> "2024-09"; else None."""
    text = words.normal(text).rstrip(".")
    match = re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})", text)
    if match and match.group(2) in MONTHS:
        try:
            return datetime.date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
        except ValueError:
            return None
    match = re.fullmatch(r"([a-z]+) (\d{4})", text)
    if match and match.group(1) in MONTHS:
        return f"{match.group(2)}-{MONTHS[match.group(1)]:02d}"
    return None


class _Reader:
    def __init__(self, source: Source):
        self.source = source
        self.body = source.body()
        self.found = Found(data={}, shape=SHAPE)
        self.language = "nl"
        self.used_words: dict[str, str] = {}

    # the document's skeleton ------------------------------------------------------------------

    def chapters(self) -> list[tuple[int, str]]:
        """(index in body, heading text) of the chapter headings: lines "I. ...", "II. ...", and
        every line outside tables printed as they are (size, bold, style)."""
        roman = [i for i, line in enumerate(self.body) if line.table < 0 and line.bold and ROMAN.match(line.text)]
        if not roman:
            return []
        signatures = {_signature(self.body[i]) for i in roman}
        heads = [
            i for i, line in enumerate(self.body) if line.table < 0 and line.bold and _signature(line) in signatures
        ]
        first = roman[0]
        heads = [i for i in heads if i >= first]
        out: list[tuple[int, str]] = []
        for i in heads:
            if out and i == out[-1][0] + 1 and self._continues(self.body[i - 1], self.body[i]):
                index, heading = out[-1]
                out[-1] = (index, md.join_lines(heading, self.body[i].text.strip()))
                continue
            out.append((i, self.body[i].text.strip()))
        return out

    def _continues(self, above: Line, below: Line) -> bool:
        """``below`` goes on the heading ``above`` (a heading printed on two lines)."""
        if self.source.kind == "docx" or above.page != below.page:
            return False
        return below.top - above.bottom < 0.5 * below.size and _signature(above) == _signature(below)

    def sections(self, chapters) -> tuple[list[tuple], int | None]:
        """(kind, heading, first line, lines outside tables) per chapter, and the table's chapter."""
        bounds = [*chapters, (len(self.body), "")]
        intro = {words.normal(v): lang for lang, v in words.label("I. Inleiding").items()}
        table_index = None
        actions_found = False
        sections = []
        for n, (start, heading) in enumerate(chapters):
            lines = self.body[start + 1 : bounds[n + 1][0]]
            flow = [line for line in lines if line.table < 0]
            kind = "free"
            if words.normal(heading) in intro:
                kind = "introduction"
                self.language = intro[words.normal(heading)]
            if any(line.table >= 0 and self._is_recommendation_table(line.table) for line in lines):
                kind = "table"
                table_index = n
            elif not actions_found and self._has_status_lines(flow):
                kind = "actions"
                actions_found = True
            sections.append((kind, heading, start, flow))
        return sections, table_index

    def read(self) -> Found:
        chapters = self.chapters()
        first_chapter = chapters[0][0] if chapters else len(self.body)
        response = self.title_block(self.body[:first_chapter])
        sections, table_index = self.sections(chapters)
        actions: list[dict] = []
        chapter_list: list[dict] = []
        for n, (kind, heading, start, flow) in enumerate(sections):
            if kind == "actions":
                actions = self.actions(flow)
            elif kind in ("free", "introduction"):  # the introduction is the first chapter (as printed)
                self.found.pages[f"chapters[{len(chapter_list)}]"] = self.body[start].page
                chapter_list.append(
                    {
                        "placement": "after" if table_index is not None and n > table_index else "before",
                        "heading": heading,
                        "body": md.markdown(flow, self.source.notes, left=self._left(flow)),
                    }
                )
        loose, groups = self.recommendations(actions)
        response["language"] = self.language
        if chapter_list:
            response["chapters"] = chapter_list
        vocabulary = words.vocabulary_of(self.used_words, self.language)
        if vocabulary["preset"] or vocabulary["words"]:
            response["vocabulary"] = vocabulary
        self.found.data = {
            "format": "managementresponse/3",
            "response": response,
            "actions": actions,
            "recommendations": loose,
            "groups": groups,
        }
        if table_index is None:
            self.found.notes.append(_("Er is geen tabel met aanbevelingen gevonden."))
        return self.found

    def _left(self, lines: list[Line]) -> float | None:
        return min((line.x0 for line in lines), default=None)

    def _has_status_lines(self, lines: list[Line]) -> bool:
        return any(self._status_text(line) is not None for line in lines)

    def _status_text(self, line: Line) -> str | None:
        text = line.text.strip()
        for word in words.label("Status").values():
            if text.startswith(f"{word}:"):
                return text[len(word) + 1 :].strip()
        return None

    # the title block ---------------------------------------------------------------------------

    def title_block(self, lines: list[Line]) -> dict:
        """Title, organisation · team, "Antwoord op: <evaluation>, opgeleverd op <date>", the
        publication date; before the title, a cover block (its bold part is the label)."""
        lines = [line for line in lines if line.table < 0]
        response: dict = {
            "slug": "",
            "title": "",
            "organisation": "",
            "responsible_team": "",
            "language": "nl",
            "layout": "table",
            "status": "draft",
            "published_on": None,
            "evaluation": {"title": "", "evaluators": "", "delivered_on": None},
        }
        self.found.pages["response"] = lines[0].page if lines else 1
        if not lines:
            self.found.unread.append(("response", "title"))
            return response
        top, title_end = self._title_lines(lines)
        if top:
            response["cover"] = [self._cover_item(line) for line in lines[:top]]
        response["title"] = md.plain(lines[top:title_end])
        organisation, evaluation_lines, date_line = self._title_rest(lines[title_end:])
        if " · " in organisation:
            organisation, team = organisation.split(" · ", 1)
            response["responsible_team"] = team.strip()
        response["organisation"] = organisation.strip()
        if not response["organisation"]:
            self.found.unread.append(("response", "organisation"))
        evaluation, delivered = self._evaluation(md.plain(evaluation_lines))
        response["evaluation"]["title"] = evaluation
        response["evaluation"]["delivered_on"] = delivered
        if not evaluation:
            self.found.unread.append(("response", "evaluation.title"))
        response["published_on"] = self._published_on(date_line)
        response["slug"] = slugify(response["title"])[:50].strip("-") or "ingelezen"
        return response

    def _title_lines(self, lines: list[Line]) -> tuple[int, int]:
        if self.source.kind == "docx" and any(line.style == "Title" for line in lines):
            top = next(i for i, line in enumerate(lines) if line.style == "Title")
            return top, top + 1
        biggest = max(line.size for line in lines)
        top = next(i for i, line in enumerate(lines) if line.size == biggest)
        end = top + 1
        while end < len(lines) and lines[end].size == biggest:
            end += 1
        return top, end

    def _title_rest(self, rest: list[Line]) -> tuple[str, list[Line], str]:
        """The organisation line, the evaluation's lines (it may wrap) and the date line."""
        answer = words.label("Antwoord op: %(title)s", title="")
        evaluation_lines: list[Line] = []
        date_line = ""
        organisation = ""
        for line in rest:
            text = line.text.strip()
            starts = [lang for lang, word in answer.items() if text.startswith(word.strip())]
            if starts:
                self.language = starts[0]
                evaluation_lines = [line]
            elif evaluation_lines and not date_line and self._continues_evaluation(evaluation_lines[-1], line):
                evaluation_lines.append(line)
            elif not organisation and not evaluation_lines:
                organisation = text
            elif not date_line:
                date_line = text
        return organisation, evaluation_lines, date_line

    def _continues_evaluation(self, above: Line, line: Line) -> bool:
        return (
            not self._is_date_line(line.text.strip())
            and line.size == above.size
            and line.page == above.page
            and line.top - above.bottom < 0.5 * line.size
        )

    def _evaluation(self, evaluation: str):
        """The evaluation's title and its delivery date from "Antwoord op: <title>, opgeleverd op <date>"."""
        for word in words.label("Antwoord op: %(title)s", title="").values():
            if evaluation.startswith(word.strip()):
                evaluation = evaluation[len(word.strip()) :].strip()
        for phrase in (
            *words.label("opgeleverd op %(date)s", date="").values(),
            *words.label("opgeleverd in %(date)s", date="").values(),
        ):
            marker = ", " + phrase.strip() + " "
            if marker in evaluation:
                head, tail = evaluation.rsplit(marker, 1)
                parsed = _date(tail)
                if parsed is not None:
                    return head, parsed
        return evaluation, None

    def _published_on(self, date_line: str):
        for msgid in ("Gepubliceerd op %(date)s", "Gepubliceerd in %(date)s"):
            for lang, word in words.label(msgid, date="").items():
                if date_line.startswith(word.strip() + " "):
                    parsed = _date(date_line[len(word.strip()) + 1 :])
                    if parsed is not None:
                        self.language = lang
                        return parsed
        return None

    def _is_date_line(self, text: str) -> bool:
        return (
            any(
                text.startswith(word.strip())
                for table in (
                    words.label("Gepubliceerd op %(date)s", date=""),
                    words.label("Gepubliceerd in %(date)s", date=""),
                    words.label("Afgedrukt op %(date)s", date=""),
                )
                for word in table.values()
            )
            or _date(text) is not None
        )

    def _cover_item(self, line: Line) -> dict:
        label = "".join(run.text for run in line.runs if run.bold).strip()
        value = line.text.strip()
        if label and value.startswith(label):
            value = value[len(label) :].strip()
        else:
            label = ""
        return {"label": label, "value": value}

    # II. the actions ---------------------------------------------------------------------------

    def actions(self, flow: list[Line]) -> list[dict]:
        heads = self._action_heads(flow)
        left = self._left(flow)
        actions: list[dict] = []
        for n, (start, end, level, heading) in enumerate(heads):
            stop = heads[n + 1][0] if n + 1 < len(heads) else len(flow)
            lines = flow[end:stop]
            status, note, status_found = "inherited" if level == 2 else "", "", False
            if lines and (text := self._status_text(lines[0])) is not None:
                status_found = True
                lines = lines[1:]
                if text:
                    key, word, rest = words.match("status", text)
                    if key:
                        status, note = key, rest
                        self.used_words.setdefault(key, word)
                    else:
                        status = ""
                        self.found.unread.append((f"actions[{self._count(actions)}]", "status"))
                        self.found.notes.append(
                            _("Onbekend statuswoord “%(word)s” bij actie %(heading)s.")
                            % {"word": text, "heading": heading}
                        )
                else:
                    status = ""
            del status_found
            number, label, title = self._heading_parts(heading, level, actions)
            item = {
                "number": number,
                "label": label,
                "title": title,
                "status": status,
                "status_note": note,
                "time_frame": "",
                "responsible_units": [],
                "starts_on": None,
                "due_date": None,
                "narrative": md.markdown(lines, self.source.notes, left=left),
                "progress": [],
            }
            page = flow[start].page
            if level == 1 or not actions:
                item["parts"] = []
                self.found.pages[f"actions[{self._count(actions)}]"] = page
                actions.append(item)
            else:
                self.found.pages[f"actions[{self._count(actions)}]"] = page
                actions[-1]["parts"].append(item)
        return actions

    def _count(self, actions: list[dict]) -> int:
        return sum(1 + len(a.get("parts") or []) for a in actions)

    def _action_heads(self, flow: list[Line]) -> list[tuple[int, int, int, str]]:
        """(first line, line after, level 1 or 2, text) of every action and part heading."""
        action_sig = None
        part_sig = None
        for line in flow:
            if not line.bold or self._status_text(line) is not None:
                continue
            if action_sig is None and ACTION_HEADING.match(line.text.strip()):
                action_sig = _signature(line)
            elif action_sig is not None and _signature(line) != action_sig and part_sig is None:
                text = line.text.strip()
                dotted = ACTION_HEADING.match(text)
                if (dotted and "." in dotted.group(1)) or LABEL_HEADING.match(text):
                    part_sig = _signature(line)
        heads: list[tuple[int, int, int, str]] = []
        for i, line in enumerate(flow):
            if not line.bold:
                continue
            sig = _signature(line)
            level = 1 if sig == action_sig else 2 if sig == part_sig else 0
            if not level:
                continue
            if heads and heads[-1][1] == i and heads[-1][2] == level and self._continues(flow[i - 1], line):
                start, _end, lvl, text = heads[-1]
                heads[-1] = (start, i + 1, lvl, md.join_lines(text, line.text.strip()))
                continue
            heads.append((i, i + 1, level, line.text.strip()))
        return heads

    def _heading_parts(self, heading: str, level: int, actions: list[dict]) -> tuple[str, str, str]:
        """(number, label, title) of a heading "1.1. Title" or "Spoor 1: title"."""
        match = ACTION_HEADING.match(heading)
        if match:
            return match.group(1), "", match.group(2).strip()
        match = LABEL_HEADING.match(heading)
        if match:
            label = match.group(1)
            parent = actions[-1]["number"] if level == 2 and actions else ""
            name = label.rstrip(":").strip()
            number = f"{parent} – {name[0].lower()}{name[1:]}" if parent else name
            return number, label, match.group(2).strip()
        return str(self._count(actions) + 1), "", heading

    # III. the recommendations table ------------------------------------------------------------

    def _is_recommendation_table(self, index: int) -> bool:
        tables = self.source.tables
        return 0 <= index < len(tables) and self._table_columns(index) is not None

    def _table_columns(self, index: int) -> dict[str, int] | None:
        """The columns of table ``index``: its own header, or the header of the table it continues
        (the previous one on the page before, with as many columns)."""
        tables = self.source.tables
        table = tables[index]
        if table.rows:
            columns = _columns(table.rows[0])
            if columns:
                return columns
        if index > 0 and tables[index - 1].page == table.page - 1 and table.rows:
            before = tables[index - 1]
            if before.rows and len(before.rows[0]) == len(table.rows[0]):
                return self._table_columns(index - 1)
        return None

    def _rows(self, index: int):
        """The rows of table ``index`` after its header: ``{column: lines}``, and each column's left edge."""
        table = self.source.tables[index]
        cells: dict[tuple[int, int], list[Line]] = {}
        for line in self.source.lines:
            if line.table == index and line.cell is not None:
                cells.setdefault(line.cell, []).append(line)
        lefts: dict[int, float] = {}
        for (_r, c), lines in cells.items():
            lefts[c] = min(lefts.get(c, 1e9), *(line.x0 for line in lines))
        start = 1 if _columns(table.rows[0]) else 0
        rows = []
        for r in range(start, len(table.rows)):
            row = {c: lines for (rr, c), lines in cells.items() if rr == r}
            if any(line.text.strip() for lines in row.values() for line in lines):
                rows.append(row)
        return rows, lefts

    def recommendations(self, actions: list[dict]) -> tuple[list[dict], list[dict]]:
        """The table's rows: group rows (bold, one cell), theme rows (bold: section | heading) and
        recommendations; rows before any group are the ungrouped recommendations."""
        numbers = [a["number"] for a in actions] + [p["number"] for a in actions for p in a.get("parts") or []]
        loose: list[dict] = []
        groups: list[dict] = []
        count = 0
        for index in range(len(self.source.tables)):
            columns = self._table_columns(index)
            if columns is None:
                continue
            rows, lefts = self._rows(index)
            text_column = columns["text"]
            for row in rows:
                filled = sorted(c for c, lines in row.items() if any(line.text.strip() for line in lines))
                every = [line for lines in row.values() for line in lines]
                heading_row = all(line.bold for line in every)
                if heading_row and filled == [0] and text_column != 0:
                    groups.append({"title": md.plain(row[0]), "themes": []})
                elif heading_row and len(filled) <= 2 and columns["agreement"] not in filled:
                    if columns["links"] in filled:
                        continue
                    section = md.plain(row.get(0, [])) if text_column != 0 else ""
                    if not groups:
                        groups.append({"title": "", "themes": []})
                    theme = {"section": section, "heading": md.plain(row.get(text_column, [])), "recommendations": []}
                    groups[-1]["themes"].append(theme)
                else:
                    rec = self._recommendation(row, columns, lefts, numbers, count)
                    self.found.pages[f"recommendations[{count}]"] = every[0].page
                    count += 1
                    self._place(rec, loose, groups)
        return loose, groups

    def _place(self, rec: dict, loose: list[dict], groups: list[dict]) -> None:
        if not groups:
            loose.append(rec)
            return
        if not groups[-1]["themes"]:
            groups[-1]["themes"].append({"section": "", "heading": "", "recommendations": []})
        groups[-1]["themes"][-1]["recommendations"].append(rec)

    def _recommendation(self, row, columns, lefts, numbers, count) -> dict:
        name = f"recommendations[{count}]"
        location = md.plain(row.get(columns["location"], [])) if "location" in columns else ""
        text_lines = row.get(columns["text"], [])
        text = md.markdown(text_lines, self.source.notes, left=lefts.get(columns["text"]))
        if not text:
            self.found.unread.append((name, "text"))
        agreement, justification = self._agreement(row.get(columns["agreement"], []), name)
        rec = {
            "number": "",
            "location": location,
            "text": text,
            "agreement": agreement,
            "response": "",
            "justification": justification,
        }
        if agreement in ("partially_agree", "disagree") and not justification:
            rec["justification_not_in_source"] = True  # the document gives the level without reasons
        rec["actions"] = self._links(row.get(columns["links"], []), numbers, name)
        return rec

    def _agreement(self, lines: list[Line], name: str) -> tuple[str, str]:
        lines = [line for line in lines if line.text.strip()]
        if not lines:
            return "", ""
        for k in range(min(3, len(lines)), 0, -1):
            key, word, rest = words.match("agreement", md.plain(lines[:k]))
            if key and not rest:
                self.used_words.setdefault(key, word)
                return key, md.markdown(lines[k:], self.source.notes)
        key, word, rest = words.match("agreement", lines[0].text)
        if key:
            self.used_words.setdefault(key, word)
            return key, md.markdown(lines[1:], self.source.notes)
        self.found.unread.append((name, "agreement"))
        self.found.notes.append(_("Onbekende mate van akkoord “%(word)s”.") % {"word": md.plain(lines)})
        return "", md.markdown(lines, self.source.notes)

    def _links(self, lines: list[Line], numbers: list[str], name: str) -> list:
        prefixes = sorted(set(words.label("Actie").values()), key=len, reverse=True)
        citations: list[str] = []
        for line in lines:
            text = line.text.strip()
            if not text:
                continue
            if citations and not any(text.startswith(p + " ") for p in prefixes) and self.source.kind == "pdf":
                citations[-1] = md.join_lines(citations[-1], text)
            else:
                citations.append(text)
        links: list = []
        ordered = sorted(numbers, key=len, reverse=True)
        for citation in citations:
            rest = citation
            for prefix in prefixes:
                if rest.startswith(prefix + " "):
                    rest = rest[len(prefix) + 1 :].strip()
                    break
            number = next((n for n in ordered if rest == n or rest.startswith(n + " ")), None)
            if number is None:
                number = rest.split(" ", 1)[0].rstrip(",;")
                if number not in numbers:
                    self.found.unread.append((name, "actions"))
            qualifier = rest[len(number) :].strip()
            qualifier = re.sub(r"^[–—-]\s*", "", qualifier) if qualifier[:1] in "–—-" else qualifier
            if not qualifier:
                links.append(number)
            elif re.fullmatch(r"\([a-z]{1,4}\)(?:,\s*\([a-z]{1,4}\))*", qualifier):
                links.append({"action": number, "qualifier": "", "parts": re.findall(r"\([a-z]{1,4}\)", qualifier)})
            else:
                links.append({"action": number, "qualifier": qualifier})
        return links
