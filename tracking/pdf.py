"""A review round's report as PDF: the same renderer, fetcher and house style as the document."""

import hashlib

from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.text import printable
from responses.pdf import PDF_VARIANT, STATIC_ORIGIN, STYLESHEET, _fetcher_class, add_header_scopes

TEMPLATE = "print/review_round.html"


def render_report_html(report) -> str:
    response = report.review_round.response
    with translation.override(response.language):
        return render_to_string(
            TEMPLATE,
            {
                "report": report,
                "response": response,
                "review_round": report.review_round,
                "printed_on": timezone.localdate(),
                "stylesheet_url": STATIC_ORIGIN + STYLESHEET,
            },
        )


def render_report_pdf(report) -> bytes:
    from weasyprint import HTML

    html = printable(render_report_html(report))
    key = f"{report.review_round.response.slug}/round/{report.review_round.pk}"
    return HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=_fetcher_class()()).write_pdf(
        finisher=add_header_scopes,
        pdf_variant=PDF_VARIANT,
        pdf_identifier=hashlib.sha256(key.encode()).hexdigest()[:32].encode(),
    )


def render_portfolio_pdf(report) -> bytes:
    """The portfolio report in the interface's language (it spans responses in several)."""
    from weasyprint import HTML

    html = printable(
        render_to_string("print/portfolio.html", {"report": report, "stylesheet_url": STATIC_ORIGIN + STYLESHEET})
    )
    return HTML(string=html, base_url=STATIC_ORIGIN, url_fetcher=_fetcher_class()()).write_pdf(
        finisher=add_header_scopes,
        pdf_variant=PDF_VARIANT,
        pdf_identifier=hashlib.sha256(f"portfolio/{report.year}".encode()).hexdigest()[:32].encode(),
    )
