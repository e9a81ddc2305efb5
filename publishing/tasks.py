"""Background work of the publishing app, run by the task worker like the document's PDF
(document/tasks.py): the comparison annex and the document as of a date as PDF, and publishing a
version (its PDF is rendered here, never in a request: publishing/publish.py)."""

import datetime

from django.tasks import task
from django.utils import timezone, translation

from document import pdf


def comparison_etag(response, comparison_key) -> str:
    """The key of a comparison annex: the comparison (its sides and language), the response's
    revision (its title and organisation head the annex), the day (the annex is dated), the renderers."""
    return (
        f'"{pdf.content_key("comparison", comparison_key, str(response.revision), timezone.localdate().isoformat())}"'
    )


def as_of_etag(response, day) -> str:
    """The key of the document as of ``day``: the day, the response's revision (a past state of
    today changes with it; for earlier days it only errs on the side of a new render), the renderers."""
    key = pdf.content_key("as-of", str(response.pk), day.isoformat(), str(response.revision))
    return f'"{key}"'


@task()
def render_comparison_task(response_id: int, query: dict, language: str, etag: str) -> bool:
    from responses.models import ManagementResponse

    from .views import comparison_for

    with pdf.rendering(etag), translation.override(language):
        response = ManagementResponse.objects.filter(pk=response_id).first()
        if response is None:
            return False
        _form, result, key = comparison_for(response, query)
        if result is None or comparison_etag(response, key) != etag:
            return False  # gone, or changed since: the next request asks for the current one
        pdf.store(etag, pdf.render_comparison_pdf(response, result))
        return True
    return False  # too complex: recorded by rendering()


@task()
def render_as_of_task(response_id: int, day: str, etag: str) -> bool:
    from responses.models import ManagementResponse

    from . import asof

    with pdf.rendering(etag):
        response = ManagementResponse.objects.filter(pk=response_id).first()
        when = datetime.date.fromisoformat(day)
        if response is None or as_of_etag(response, when) != etag:
            return False
        try:
            document = asof.build_document_as_of(response, asof.end_of_day(when))
        except asof.DidNotExist:
            return False  # the page says so; the PDF link is not offered for such a day
        pdf.store(etag, pdf.render_pdf(document.response, document=document, as_of=when))
        return True
    return False  # too complex: recorded by rendering()


@task()
def publish_task(publication_id: int) -> str:
    from . import publish

    return publish.complete(publication_id)
