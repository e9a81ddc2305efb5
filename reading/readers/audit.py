"""The Board of Auditors form of a UN management response (read by the matrix reader, matrix.py).

UN funds and programmes report to their Executive Board on the Board of Auditors' recommendations:
per recommendation a bold paragraph "In paragraph N, the Board recommended (recommends) that ...", a
block of fields (Department(s) / Business unit responsible, Status, Priority, Target date; Original
and Revised target date for earlier years), and the management's response in one or more numbered
paragraphs, with or without a "Management response:" label. Chapters ("III. Status of ...") are
groups; lettered sections ("A. Finance") and "Report of the Board of Auditors for the year ended ..."
are themes. The response is also the one action that answers the recommendation: its first sentence
is the action's title (cut at a comma past 300 characters), the rest its narrative. An agreement said
once for all ("Management agreed with all recommendations") holds for the first chapter's
recommendations, the report's own; others are left undecided.
"""

import re

from ..source import Line

START = re.compile(
    r"^(?:\d{1,3}\.\s+)?(?P<text>In paragraph (?P<paragraph>\d{1,4}),?\s+(?:[^,]{0,40},\s+)?the Board recommend(?:ed|s)\b.*)$"
)
FIELD = re.compile(
    r"^(?P<label>Department\(s\) responsible|Departments? responsible|Business units? responsible|Units? responsible|"
    r"Status|Priority|Target date|Original target date|Revised target date|Implementation date)\s*:?\s*(?P<value>.*)$",
    re.I,
)
GROUP = re.compile(r"^(?:[IVX]{1,5}\.|Annex\s+[IVX\d]+\.?)\s+\S")
THEME = re.compile(r"^(?:[A-H]\.\s+\S|Report of the (?:United Nations )?Board of Auditors\b)")
ALL_AGREED = re.compile(r"\b(?:agreed|accepted|concurred) with all (?:the |of the )?(?:\w+ )?recommendations\b", re.I)
NUMBER = re.compile(r"^\d{1,3}\.\s+")
LABEL = re.compile(r"^(?:Management response|Response|Management comments?)\s*:\s*", re.I)
DATE_LIKE = re.compile(r"\b(?:\d{4}|quarter|Q[1-4])\b", re.I)


def starts(lines: list[Line]) -> list[int]:
    return [i for i, line in enumerate(lines) if START.match(line.text.strip()) and _bold_from_paragraph(line)]


def _bold_from_paragraph(line: Line) -> bool:
    text = "".join(run.text for run in line.runs if run.bold) if line.runs else (line.text if line.bold else "")
    return "In paragraph" in text or line.bold


def read(reader, lines: list[Line], begin: int):  # noqa: C901 -- text, fields, response: one block as printed
    """Recommendations in groups from the first "In paragraph N" on: (groups, loose, pages, tail)."""
    from .matrix import _join, split_units, status_of

    lines = _labels_joined(lines)
    found = starts(lines)
    begin = found[0] if found else len(lines)
    groups: list[dict] = []
    loose: list[dict] = []
    pages: list[int] = []
    before = " ".join(line.text.strip() for line in lines[:begin])
    agreed_all = bool(ALL_AGREED.search(before)) or _none_not_accepted(reader.source.tables)
    last_tail: list[Line] = []
    # Headings before the first recommendation: the last group and theme headings.
    heading_lines = [line for line in lines[:begin] if line.bold and (GROUP.match(line.text) or THEME.match(line.text))]
    pending = heading_lines[-2:] if heading_lines else []
    if pending and not GROUP.match(pending[0].text):
        pending = pending[-1:]
    for line in pending:
        _heading(line, groups)
    for k, start in enumerate(found):
        end = found[k + 1] if k + 1 < len(found) else len(lines)
        block = lines[start:end]
        match = START.match(block[0].text.strip())
        i = 1
        text_lines = [block[0]]
        while i < len(block) and block[i].bold and not FIELD.match(block[i].text.strip()):
            text_lines.append(block[i])
            i += 1
        text = START.match(_join(text_lines)).group("text")
        fields: dict[str, list[str]] = {}
        current = None
        label_x = None
        while i < len(block):
            line = block[i]
            field = FIELD.match(line.text.strip())
            if field and (label_x is None or abs(line.x0 - label_x) < 4):
                label_x = line.x0
                current = field.group("label").lower()
                fields[current] = [field.group("value")] if field.group("value") else []
            elif current and label_x is not None and line.x0 > label_x + 20 and not NUMBER.match(line.text):
                fields[current].append(line.text.strip())
            else:
                break
            i += 1
        response_lines = []
        tail = []
        for j in range(i, len(block)):
            line = block[j]
            if _is_heading(line) or line.size > block[0].size + 1.5:
                tail = block[j:]
                break
            response_lines.append(line)
        paragraphs = _paragraphs(response_lines)
        response = "\n\n".join(paragraphs)
        title, narrative = _title_and_narrative(response)
        units_text = " ".join(next((v for key, v in fields.items() if "responsible" in key), []))
        status_word = " ".join(fields.get("status", []))
        target = " ".join(fields.get("target date", []))
        revised = " ".join(fields.get("revised target date", []))
        original = " ".join(fields.get("original target date", []))
        time_frame = revised if DATE_LIKE.search(revised) else (target or original)
        status = status_of(status_word)
        if status and status_word:
            reader.status_words.setdefault(status, status_word)
        number = str(len(reader.actions) + 1)
        action = {
            "number": number,
            "label": "",
            "title": title,
            "status": status,
            "status_note": "",
            "time_frame": time_frame,
            "responsible_units": split_units(units_text) if units_text else [],
            "starts_on": None,
            "due_date": None,
            "narrative": narrative,
            "progress": [],
            "numbered": False,
        }
        reader.actions.append(action)
        reader.action_pages.append(block[0].page)
        rec = {
            "number": "",
            "location": f"paragraph {match.group('paragraph')}",
            "text": text,
            "agreement": "agree" if agreed_all and len(groups) <= 1 else "",
            "response": response,
            "justification": "",
            "actions": [{"action": action}],
        }
        if groups:
            groups[-1]["themes"][-1]["recommendations"].append(rec)
        else:
            loose.append(rec)
        pages.append(block[0].page)
        if k + 1 < len(found):
            for line in tail:
                if _is_heading(line):
                    _heading(line, groups)
        else:
            last_tail = tail
    if found:
        for group in groups:
            group["themes"] = [t for t in group["themes"] if t["recommendations"] or t["heading"]]
        return groups, loose, pages, last_tail
    return groups, loose, pages, []


def _is_heading(line: Line) -> bool:
    """A chapter or section heading: bold "III. ..." or "A. ...", or a "Report of the Board of
    Auditors for the year ended ..." line standing alone."""
    text = line.text.strip()
    if line.bold and (GROUP.match(text) or THEME.match(text)):
        return True
    return bool(re.match(r"^Report of the (?:United Nations )?Board of Auditors\b", text)) and len(text) < 120


def _labels_joined(lines: list[Line]) -> list[Line]:
    """A heading's number printed apart ("I." then "Overview" on the same line) joined to its text."""
    out: list[Line] = []
    for line in lines:
        previous = out[-1] if out else None
        if (
            previous is not None
            and re.fullmatch(r"(?:[IVX]{1,5}|[A-H])\.", previous.text.strip())
            and previous.page == line.page
            and abs(previous.top - line.top) < 2
        ):
            out[-1] = Line(
                f"{previous.text.strip()} {line.text.strip()}",
                line.page,
                previous.x0,
                previous.top,
                line.x1,
                line.bottom,
                line.size,
                previous.bold and line.bold,
                line.italic,
            )
        else:
            out.append(line)
    return out


def _none_not_accepted(tables) -> bool:
    """A status table with a "Not accepted" column that counts none ("-" or 0) in every row."""
    for table in tables:
        if not table.rows:
            continue
        header = [re.sub(r"\s+", " ", cell or "").strip().lower() for cell in table.rows[0]]
        if "not accepted" in header:
            column = header.index("not accepted")
            values = [row[column].strip() for row in table.rows[1:] if column < len(row)]
            if values and all(value in ("-", "–", "0", "") for value in values):
                return True
    return False


def _heading(line: Line, groups: list[dict]):
    text = line.text.strip()
    if GROUP.match(text):
        groups.append({"title": text, "themes": [{"section": "", "heading": "", "recommendations": []}]})
    elif groups:
        themes = groups[-1]["themes"]
        if not themes[-1]["recommendations"] and not themes[-1]["heading"]:
            themes[-1]["heading"] = text
        else:
            themes.append({"section": "", "heading": text, "recommendations": []})


def _paragraphs(lines: list[Line]) -> list[str]:
    from .matrix import _join

    out: list[list[Line]] = []
    for line in lines:
        if (
            not out
            or NUMBER.match(line.text.strip())
            or (out and line.top - out[-1][-1].bottom > 0.6 * line.size and line.page == out[-1][-1].page)
        ):
            out.append([line])
        else:
            out[-1].append(line)
    texts = []
    for paragraph in out:
        text = NUMBER.sub("", _join(paragraph), count=1)
        text = LABEL.sub("", text, count=1)
        if text:
            texts.append(text)
    return texts


def _title_and_narrative(response: str) -> tuple[str, str]:
    """The response's first sentence and the rest (a sentence ends at ". " before a capital)."""
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z“\"(])", response)
    title, narrative = (response[: match.start()], response[match.end() :]) if match else (response, "")
    if len(title) > 300:
        cut = title[:300].rfind(",")
        if cut > 0:
            title, narrative = title[:cut], (title[cut + 1 :].strip() + " " + narrative).strip()
    return title.strip(), narrative.strip()
