"""A response's published versions, as the pages list and serve them."""

from django.utils.csp import CSP

# A PDF gets its own CSP: the site's (no plugins, no inline styles) could stop a browser's
# built-in PDF viewer; framing stays forbidden. A "being prepared" page is HTML and keeps
# the site's. Every view that serves a PDF uses it (csp_override).
PDF_CSP = {"frame-ancestors": [CSP.NONE]}


def version_list(response):
    """The published versions, newest first, without their PDFs and files (1 query)."""
    return list(response.published_versions.select_related("published_by").defer("pdf", "snapshot"))


# Files other than the PDF that a published version freezes (the evidence of its actions) are
# verified too: the apps that freeze them register a lookup here (in ``AppConfig.ready``), as this
# app knows none of them. A lookup takes a SHA-256 and returns the matches, oldest first, each an
# object with ``version`` (a ResponseVersion) and ``description`` (what the file is in it).
_file_lookups: list = []


def register_file_lookup(lookup) -> None:
    if lookup not in _file_lookups:
        _file_lookups.append(lookup)


def frozen_files(sha256: str) -> list:
    """Every registered lookup's matches for ``sha256``, in registration order."""
    return [match for lookup in _file_lookups for match in lookup(sha256)]
