"""What the reader (parse.py) and the writer (exporter.py) of the interchange format agree on.

The format's names, the one exports write and those a file may declare, and the line every
export ends with. Both sides take them from here, so that neither imports the other.
"""

FORMAT = "managementresponse/2"  # what exports write
FORMAT_V1 = "managementresponse/1"  # still read: the version-1 branches of parse.py and docs/interchange.md
FORMATS = (FORMAT_V1, FORMAT)
END_MARKER = "..."  # YAML's own end-of-document line: a file cut short lacks it
