"""A response's published versions, as the pages list and serve them."""

from django.utils.csp import CSP

# A PDF gets its own CSP: the site's (no plugins, no inline styles) could stop a browser's
# built-in PDF viewer; framing stays forbidden. A "being prepared" page is HTML and keeps
# the site's. Every view that serves a PDF uses it (csp_override).
PDF_CSP = {"frame-ancestors": [CSP.NONE]}


def version_list(response):
    """The published versions, newest first, without their PDFs and files (1 query)."""
    return list(response.published_versions.select_related("published_by").defer("pdf", "snapshot"))
