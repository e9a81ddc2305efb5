"""What runs in a PDF render's own process (core/bounded.py; document/pdf.py: ``write_pdf``).

The fork server of the render processes imports this module when it starts (``preload``): Django
set up (the fetcher finds our static files through it) and WeasyPrint loaded, once, so that each
render's process starts with both. ``write_pdf`` is passed to the process by name, so importing
this module is all a render process needs, whatever the fork server was started with.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import weasyprint  # noqa: E402, F401


def write_pdf(html: str, pdf_identifier: bytes | None):
    """WeasyPrint's work on ``html``, through our fetcher (document/pdf.py). Returns the PDF and the
    URLs the fetcher refused."""
    from weasyprint import HTML

    from document.pdf import PDF_VARIANT, STATIC_ORIGIN, _fetcher_class, add_header_scopes

    fetcher = _fetcher_class()()
    options = {"pdf_identifier": pdf_identifier} if pdf_identifier else {}
    data = HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=fetcher).write_pdf(
        finisher=add_header_scopes, pdf_variant=PDF_VARIANT, **options
    )
    return data, list(fetcher.refused)
