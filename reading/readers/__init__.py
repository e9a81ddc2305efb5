"""The shapes the product reads (docs/reading.md). Each reader module has ``score(source) -> float``
(0 to 1: how much the document looks like its shape) and ``read(source) -> Found``."""

from . import auditors, columns, followup, matrix, table

# In this order: a tie goes to the earlier reader.
READERS: list = [table, auditors, columns, followup, matrix]
