"""A review round's report and the portfolio report as PDF: the same renderer, fetcher and house
style as the document.

Both are rendered by the task worker like the document's PDF (document/pdf.py: ``schedule``,
``wait_for``, the "pdf" cache), never in a request, and kept until something in them may have
changed: the portfolio report spans every response a user can see and takes tens of seconds at
hundreds of responses (``portfolio_etag``); a round's report grows with its response, as the
document does (``round_report_etag``).
"""

import hashlib

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.text import printable
from document import pdf as response_pdf
from document.pdf import PDF_VARIANT, STATIC_ORIGIN, STYLESHEET, _fetcher_class, add_header_scopes

from .models import ReviewRound
from .portfolio import portfolio, portfolio_responses

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


def portfolio_etag(user, year, *, language, today=None) -> str:
    """The key of a portfolio report PDF, in one query: which responses it covers and their
    revisions (each changes with every write to anything of the response's document: statuses,
    owners, agreements; core/revision.py), the day (overdue is counted on it), the language and
    the renderers. Users who see the same responses share the PDF."""
    today = today or timezone.localdate()
    covered = portfolio_responses(user, year).order_by("pk").values_list("pk", "revision")
    key = response_pdf.content_key(
        f"portfolio/{year}/{language}/{today.isoformat()}",
        ",".join(f"{pk}:{revision}" for pk, revision in covered),
    )
    return f'"{key}"'


def _enqueue_portfolio(user, year, language, etag):
    from .tasks import render_portfolio_task

    render_portfolio_task.enqueue(user.pk, year, language, etag)


def wait_for_portfolio_pdf(user, year, *, language, etag, seconds):
    """The portfolio PDF keyed ``etag`` once the worker has rendered it (queued here if it is not
    cached or on its way), waiting at most ``seconds``; None if it is not ready."""
    return response_pdf.wait_for(etag, seconds=seconds, enqueue=lambda: _enqueue_portfolio(user, year, language, etag))


def render_portfolio_in_background(user_id, year, language, etag) -> bool:
    """The task's work: render and cache the portfolio PDF for ``etag`` if it is still current."""
    with response_pdf.rendering(etag), translation.override(language):
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None or portfolio_etag(user, year, language=language) != etag:
            return False  # gone, or something changed since: the next request asks for the new one
        response_pdf.store(etag, render_portfolio_pdf(portfolio(user, year)))
        return True


def round_report_etag(review_round, *, today=None) -> str:
    """The key of a round's report PDF, in one query beyond the round and its response: the
    response's revision (every status, progress entry, owner and text of its document moves
    it; core/revision.py), every round of the response (the report compares with the previous
    one, and says whether this one is open), the day, the language and the renderers."""
    response = review_round.response
    today = today or timezone.localdate()
    rounds = ReviewRound.objects.filter(response=response).order_by("pk")
    key = response_pdf.content_key(
        f"round/{review_round.pk}/{response.pk}:{response.revision}/{response.language}/{today.isoformat()}",
        repr(list(rounds.values_list("pk", "name", "date", "participants", "closed_at"))),
    )
    return f'"{key}"'


def wait_for_round_report_pdf(review_round, *, etag, seconds):
    """The round's report PDF keyed ``etag`` once the worker has rendered it (queued here if it is
    not cached or on its way), waiting at most ``seconds``; None if it is not ready."""
    from .tasks import render_round_report_task

    return response_pdf.wait_for(
        etag, seconds=seconds, enqueue=lambda: render_round_report_task.enqueue(review_round.pk, etag)
    )


def render_round_report_in_background(round_id, etag) -> bool:
    """The task's work: render and cache the round's report PDF for ``etag`` if it is still current."""
    from . import services

    with response_pdf.rendering(etag):
        review_round = ReviewRound.objects.select_related("response").filter(pk=round_id).first()
        if review_round is None or round_report_etag(review_round) != etag:
            return False  # gone, or something changed since: the next request asks for the new one
        response_pdf.store(etag, render_report_pdf(services.round_report(review_round)))
        return True
