"""Printed lines back into the Markdown the product stores (docs/interchange.md, "Text: Markdown").

``markdown(lines, notes)`` turns the lines of one text (a narrative, a table cell) into paragraphs,
bullet and numbered lists (nested by indent), sub-headings (a line alone in italics, as our print
stylesheet sets them), links (``[text](uri)`` from the runs' targets), bold and italic runs, and
footnotes: a superscript call becomes ``[^1]`` (numbered again from 1 in each text) and the note's
text, from ``notes``, follows at the end (``[^1]: ...``).

PDF lines are printed lines: a paragraph ends where the gap to the next line is wider than the
line spacing (or an item starts); a word broken at its hyphen is joined again. DOCX lines are
whole paragraphs already.
"""

import re
from dataclasses import dataclass, field

from .source import Line, join_lines

BULLET = re.compile(r"^([•◦▪▫‣∙·●○■□–—-])\s+")
NUMBERED = re.compile(r"^(\d{1,3}[.)]|\(?[a-z][.)]|\(?[ivx]{1,5}[.)])\s+")


@dataclass
class Block:
    kind: str  # "p", "li", "h"
    marker: str = ""  # a list item's: "-" or "3."
    level: int = 0
    lines: list[Line] = field(default_factory=list)
    x0: float = 0.0


def blocks(lines: list[Line], left: float | None = None) -> list[Block]:
    """The lines grouped into paragraphs, list items and sub-headings. ``left``: the text's left edge
    (by default its leftmost line's); a number or a dash starts an item only when indented past it."""
    if not lines:
        return []
    if lines[0].x1 == 0.0 and lines[0].bottom - lines[0].top == 1.0:  # DOCX: a line is a paragraph
        return [_docx_block(line) for line in lines]
    if left is None:
        left = min(line.x0 for line in lines)
    out: list[Block] = []
    previous = None
    for line in lines:
        marker = _marker(line.text)
        bullet = BULLET.match(line.text)
        glyph = bool(bullet) and bullet.group(1) in "•◦▪▫‣∙●○■□"
        if marker and not glyph and line.x0 <= left + 2:
            marker = ""  # a number or a dash that starts a printed line of a paragraph
        gap = line.top - previous.bottom if previous is not None and previous.page == line.page else 0.0
        new_paragraph = previous is None or gap > 0.55 * line.size or (line.page != previous.page and _ends(previous))
        current = out[-1] if out else None
        if marker:
            out.append(Block("li", marker, 0, [line], line.x0))
        elif current is not None and current.kind == "li" and not new_paragraph and line.x0 > left + 2:
            current.lines.append(line)
        elif (
            current is None
            or new_paragraph
            or current.kind != "p"
            or _alone_italic(line) != _alone_italic(current.lines[-1])
        ):
            out.append(Block("p", lines=[line], x0=line.x0))
        else:
            current.lines.append(line)
        previous = line
    # Levels of list items: by the indent of their markers.
    indents = sorted({round(b.x0) for b in out if b.kind == "li"})
    for block in out:
        if block.kind == "li":
            block.level = next(i for i, x in enumerate(indents) if x == round(block.x0))
            block.level = min(block.level, 2)
        elif len(block.lines) == 1 and _alone_italic(block.lines[0]):
            block.kind = "h"
    return out


def _ends(line: Line) -> bool:
    return line.text.rstrip().endswith((".", ":", ";", "!", "?"))


def _alone_italic(line: Line) -> bool:
    return line.italic


def _marker(text: str) -> str:
    match = BULLET.match(text)
    if match:
        return "-"
    match = NUMBERED.match(text)
    if match:
        return match.group(1)
    return ""


def _docx_block(line: Line) -> Block:
    marker = _marker(line.text)
    style = line.style.casefold()
    if marker and (line.x0 > 0 or "list" in style):
        level = 0
        if style.endswith((" 2", " 3")):
            level = int(style[-1]) - 1
        elif line.x0 > 36:
            level = min(int(line.x0 // 36), 2)
        return Block("li", marker, level, [line], line.x0)
    if style.startswith("heading"):
        return Block("h", lines=[line])
    return Block("p", lines=[line])


class Notes:
    """The footnotes of one text, numbered from 1 in order of their call."""

    def __init__(self, notes: dict[str, str]):
        self.source = notes
        self.numbers: dict[str, int] = {}

    def call(self, printed: str) -> str:
        printed = printed.strip()
        if printed not in self.source:
            return printed
        self.numbers.setdefault(printed, len(self.numbers) + 1)
        return f"[^{self.numbers[printed]}]"

    def definitions(self) -> str:
        return "\n\n".join(f"[^{n}]: {self.source[printed]}" for printed, n in self.numbers.items())


def inline(lines: list[Line], notes: Notes, strip_marker: bool = False, plain: bool = False) -> str:
    """The lines' runs as one line of Markdown: links, bold, italic, footnote calls."""
    pieces: list[tuple[str, bool, bool, str, bool]] = []  # text, bold, italic, uri, superscript
    for index, line in enumerate(lines):
        runs = list(line.runs) or [_plain_run(line)]
        if strip_marker and index == 0 and runs:
            first = runs[0]
            match = BULLET.match(first.text.lstrip()) or NUMBERED.match(first.text.lstrip())
            text = first.text.lstrip()
            runs[0] = _with_text(first, text[match.end() :] if match else text)
        if index > 0 and pieces:
            joined = join_lines(pieces[-1][0], "x")  # a space, or none after a broken word
            if joined.endswith(" x"):
                last = pieces[-1]
                pieces[-1] = (last[0] + " ", *last[1:])
        for run in runs:
            pieces.append((run.text, run.bold, run.italic, run.uri, run.superscript))
    out = ""
    i = 0
    while i < len(pieces):
        text, bold, italic, uri, superscript = pieces[i]
        if superscript:
            out = out.rstrip() if out.endswith(" ") and not text.startswith(" ") else out
            out += notes.call(text)
            i += 1
            continue
        if uri:
            j = i
            label = ""
            while j < len(pieces) and pieces[j][3] == uri and not pieces[j][4]:
                label += pieces[j][0]
                j += 1
            trailing = label[len(label.rstrip()) :]
            out += f"[{_escape(label.strip())}]({uri}){trailing}"
            i = j
            continue
        if not plain and (bold or italic) and text.strip():
            mark = "**" if bold else "*"
            if bold and italic:
                mark = "***"
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()) :]
            out += f"{lead}{mark}{text.strip()}{mark}{trail}"
        else:
            out += text
        i += 1
    out = re.sub(r"\*\*( ?)\*\*", r"\1", out)  # two bold runs that touch are one
    return re.sub(r"[ \t]+", " ", out).strip()


def _escape(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _plain_run(line: Line):
    from .source import Run

    return Run(line.text, line.bold, line.italic)


def _with_text(run, text):
    from .source import Run

    return Run(text, run.bold, run.italic, run.superscript, run.uri)


def markdown(lines: list[Line], notes: dict[str, str] | None = None, *, emphasis: bool = True, left=None) -> str:
    """The lines as Markdown (see the module); ``emphasis=False`` leaves bold and italic unmarked."""
    footnotes = Notes(notes or {})
    out: list[str] = []
    previous_kind = ""
    for block in blocks(lines, left):
        if block.kind == "li":
            marker = block.marker if block.marker != "-" else "-"
            numbered = marker != "-"
            if numbered and not re.fullmatch(r"\d{1,3}\.", marker):
                # A lettered or bracketed marker is kept as printed, in a paragraph of its own line.
                text = f"{marker} {inline(block.lines, footnotes, True, not emphasis)}"
                _add(out, text, previous_kind == "li")
            else:
                text = f"{'   ' * block.level if numbered else '  ' * block.level}{marker} "
                text += inline(block.lines, footnotes, True, not emphasis)
                _add(out, text, previous_kind == "li")
        elif block.kind == "h":
            _add(out, "#### " + inline(block.lines, footnotes, plain=True), False)
        else:
            _add(out, inline(block.lines, footnotes, plain=not emphasis), False)
        previous_kind = block.kind
    text = "\n".join(out).strip()
    definitions = footnotes.definitions()
    return f"{text}\n\n{definitions}" if definitions else text


def _add(out: list[str], text: str, tight: bool) -> None:
    if out and not tight:
        out.append("")
    out.append(text)


def plain(lines: list[Line]) -> str:
    """The lines' text as one line (for numbers, titles, words)."""
    text = ""
    for line in lines:
        text = join_lines(text, line.text.strip())
    return text.strip()
