"""Background work: the PDF of a response, rendered after a save so that the next export is a cache hit.

Run by Django's tasks framework (settings.TASKS: django-tasks-db's database
backend); ``manage.py run_worker`` runs django-tasks-db's ``db_worker`` under supervision.
``schedule_pdf`` is the after-commit hook of core.revision (registered in document/apps.py).
"""

from django.tasks import task


@task()
def render_pdf_task(response_id: int, etag: str) -> bool:
    from . import pdf

    return pdf.render_in_background(response_id, etag)


def schedule_pdf(response_id: int) -> None:
    from responses.models import ManagementResponse

    from . import pdf

    response = ManagementResponse.objects.filter(pk=response_id).first()
    if response is not None:
        pdf.schedule_render(response)
