"""Background work: the PDF of a response, rendered after a save so that the next export is a cache hit.

Run by Django's tasks framework (settings.TASKS: django-tasks-db's database
backend); ``manage.py run_worker`` runs django-tasks-db's ``db_worker`` under supervision.
``schedule_pdf`` is the after-commit hook of core.revision (registered in document/apps.py).
"""

from django.tasks import task


@task()
def render_pdf_task(response_id: int, etag: str) -> bool:
    from . import pdf

    if not etag:
        # Queued by a save: the worker, not the save's request, reads the response and asks the
        # PDF cache whether its revision is rendered or being rendered.
        from responses.models import ManagementResponse

        response = ManagementResponse.objects.filter(pk=response_id).first()
        if response is None:
            return False
        etag = pdf.pdf_etag(response)
        if not pdf.schedule(etag, lambda: None):  # rendered already, or another task is at it
            return False
    return pdf.render_in_background(response_id, etag)


def schedule_pdf(response_id: int) -> None:
    """After a commit that changed the response: queue its render. No read and no cache access in
    the saving request (one INSERT of the task); the task finds out what is to be done."""
    render_pdf_task.enqueue(response_id, "")
