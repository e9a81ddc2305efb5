"""A review round's report and the portfolio report as PDF: the same renderer, fetcher and house
style as the document.

Both are rendered by the task worker like the document's PDF (document/pdf.py: ``serve``,
``schedule``, the "pdf" cache, the render bounds), never in a request, and kept until something in them may have
changed: the portfolio report spans every response a user can see and takes tens of seconds at
hundreds of responses (``portfolio_etag``); a round's report grows with its response, as the
document does (``round_report_etag``).
"""

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import timezone, translation

from document import pdf as response_pdf
from document.pdf import STATIC_ORIGIN, STYLESHEET

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
    """Within the render bounds (document/pdf.py: ``write_pdf``; ``TooComplex`` past them)."""
    key = f"{report.review_round.response.slug}/round/{report.review_round.pk}"
    return response_pdf.write_pdf(render_report_html(report), identifier=key)


def render_portfolio_pdf(report) -> bytes:
    """The portfolio report in the interface's language (it spans responses in several)."""
    html = render_to_string("print/portfolio.html", {"report": report, "stylesheet_url": STATIC_ORIGIN + STYLESHEET})
    return response_pdf.write_pdf(html, identifier=f"portfolio/{report.year}")


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


def enqueue_portfolio(user, year, language, etag):
    from .tasks import render_portfolio_task

    render_portfolio_task.enqueue(user.pk, year, language, etag)


def render_portfolio_in_background(user_id, year, language, etag) -> bool:
    """The task's work: render and cache the portfolio PDF for ``etag`` if it is still current."""
    with response_pdf.rendering(etag), translation.override(language):
        user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user is None or portfolio_etag(user, year, language=language) != etag:
            return False  # gone, or something changed since: the next request asks for the new one
        response_pdf.store(etag, render_portfolio_pdf(portfolio(user, year)))
        return True
    return False  # too complex: recorded by rendering()


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


def enqueue_round_report(review_round, etag):
    from .tasks import render_round_report_task

    render_round_report_task.enqueue(review_round.pk, etag)


def round_report_latest(review_round) -> str:
    """Under which key the newest rendering of a round's report is remembered (``?previous=1``)."""
    return f"round:{review_round.pk}"


def render_round_report_in_background(round_id, etag) -> bool:
    """The task's work: render and cache the round's report PDF for ``etag`` if it is still current."""
    from . import services

    with response_pdf.rendering(etag):
        review_round = ReviewRound.objects.select_related("response").filter(pk=round_id).first()
        if review_round is None or round_report_etag(review_round) != etag:
            return False  # gone, or something changed since: the next request asks for the new one
        response_pdf.store(
            etag,
            render_report_pdf(services.round_report(review_round)),
            latest=round_report_latest(review_round),
            label={"revision": review_round.response.revision},
        )
        return True
    return False  # too complex: recorded by rendering()
