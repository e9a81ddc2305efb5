"""What a reader found in a document: an interchange file's data, and where each item came from.

``data`` is a whole interchange file as a Python structure (``format: managementresponse/3``, the
keys of docs/interchange.md; the document's own words for agreement and status in its vocabulary).
Items are named by their place in document order, as fieldscore.py pairs them:
``"chapters[0]"``, ``"recommendations[3]"`` (groups, themes and ungrouped recommendations flattened
in document order), ``"actions[5]"`` (actions and their parts flattened, each part after its action).
"""

from dataclasses import dataclass, field


@dataclass
class Found:
    data: dict
    shape: str  # the reader that found it: "table", "matrix", ...
    pages: dict[str, int] = field(default_factory=dict)  # item -> page it starts on ("response": the title's)
    unread: list[tuple[str, str]] = field(default_factory=list)  # (item, field) the reader could not find
    notes: list[str] = field(default_factory=list)  # what the reviewer should know (translatable texts)
    page_count: int | None = None  # the document's pages (a DOCX: as Word last laid it out, or its page breaks)
