"""Read a document: open it (source.py), choose the reader whose shape it has, and read it.

Every reader scores the document (0 to 1: how much it looks like its shape); the best one reads
it. ``layout`` ("table", "matrix") leaves only that shape's reader; "auto" lets the scores decide.
"""

from django.utils.translation import gettext_lazy as _

from .found import Found
from .readers import READERS
from .source import Unreadable, read_source


def read_document(data: bytes, filename: str, layout: str = "auto") -> Found:
    readers = [reader for reader in READERS if layout in ("auto", reader.SHAPE)]
    if not readers:
        raise Unreadable(_("Er is geen lezer voor de opmaak %(layout)s.") % {"layout": layout}, "layout")
    source = read_source(data, filename)
    best = max(readers, key=lambda reader: reader.score(source))
    found = best.read(source)
    found.page_count = source.pages
    if best.score(source) == 0:
        found.notes.append(_("Het document lijkt op geen van de vormen die we kennen: kijk alles na."))
    return found
