"""What the reader (parse.py) and the writer (exporter.py) of the interchange format agree on.

The format's names, the one exports write and those a file may declare, and the line every
export ends with. Both sides take them from here, so that neither imports the other.
"""

FORMAT = "managementresponse/3"  # what exports write
FORMAT_V2 = "managementresponse/2"  # still read: version 3 only adds keys (docs/interchange.md)
FORMAT_V1 = "managementresponse/1"  # still read: the version-1 branches of parse.py and docs/interchange.md
FORMATS = (FORMAT_V1, FORMAT_V2, FORMAT)
VERSIONS = {FORMAT_V1: 1, FORMAT_V2: 2, FORMAT: 3}
END_MARKER = "..."  # YAML's own end-of-document line: a file cut short lacks it
# The top-level key by which an exported file says it is one: such a file must end with END_MARKER;
# a file written by hand (without it) imports without the end line, with a note.
EXPORTED_KEY = "exported"
