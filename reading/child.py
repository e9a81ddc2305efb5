"""What runs in a reading's own process (core/bounded.py; reading/source.py: ``read_source``).

The fork server imports this module when it starts (``preload``), so that the libraries that read
documents are loaded once there and not in every reading's process (about half a second each).
"""

import docx  # noqa: F401
import pdfplumber  # noqa: F401
import pypdfium2  # noqa: F401

from reading.source import parse  # noqa: F401
