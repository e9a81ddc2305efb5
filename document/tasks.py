"""Background work: the PDF of a response, rendered by the task worker, never in a request.

Run by Django's tasks framework (settings.TASKS: django-tasks-db's database
backend); ``manage.py run_worker`` runs django-tasks-db's ``db_worker`` under supervision.

* ``render_pdf_task``: a reader asked for a revision that is not rendered yet (document/views.py);
* ``render_after_edits_task``: a save happened; the render follows once the edits settle
  (``pdf.schedule_after_edits``, the after-commit hook of core.revision registered in
  document/apps.py).
"""

from django.tasks import task


@task()
def render_pdf_task(response_id: int, etag: str) -> bool:
    from . import pdf

    return pdf.render_in_background(response_id, etag)


@task()
def render_after_edits_task(response_id: int, seen_revision: int | None) -> bool:
    from . import pdf

    return pdf.render_after_edits(response_id, seen_revision)


def schedule_pdf(response_id: int) -> None:
    from . import pdf

    pdf.schedule_after_edits(response_id)
