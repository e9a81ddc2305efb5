"""Read a document: open it (source.py), choose the reader whose shape it has, and read it."""

from .found import Found
from .readers import READERS
from .source import Unreadable, read_source


def read_document(data: bytes, filename: str, layout: str = "auto") -> Found:
    source = read_source(data, filename)
    readers = [reader for reader in READERS if layout in ("auto", reader.SHAPE)]
    if not readers:
        raise Unreadable(f"no reader for the layout {layout!r}")
    best = max(readers, key=lambda reader: reader.score(source))
    return best.read(source)
