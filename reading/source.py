"""A document's text as the readers see it: lines with their page, position and font, and tables.

``read_source(data, filename)`` opens a PDF (pdfplumber/pypdfium2) or a DOCX (python-docx) within
limits (size, pages, unpacked bytes, time) and returns a ``Source``; a document it cannot read
raises ``Unreadable`` with a message for the user (encrypted, no text layer, too large, damaged).
Nothing here touches the database.
"""

from dataclasses import dataclass, field


class Unreadable(Exception):
    """A document that cannot be read; ``message`` says why, for the user (a translatable text)."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


@dataclass(frozen=True)
class Line:
    """One line of text as printed: its page (1-based), its box in points and its font."""

    text: str
    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    bold: bool = False
    italic: bool = False


@dataclass
class Table:
    """A table as printed: its page (where it starts) and its rows of cell texts (lines joined by newlines)."""

    page: int
    rows: list[list[str]]


@dataclass
class Source:
    kind: str  # "pdf" or "docx"
    pages: int
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def read_source(data: bytes, filename: str) -> Source:
    raise NotImplementedError("reading/source.py: being written (issue 21)")
