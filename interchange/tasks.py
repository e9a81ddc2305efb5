"""Background work of the interchange app: importing a large upload (``PendingImport``).

Declared like document/tasks.py; ``manage.py run_worker`` runs it. A task may run twice (the
supervised worker makes the tasks a dead worker left running ready again): the import claims
its row first and does nothing when it already ended.
"""

from django.tasks import task


@task()
def import_upload_task(pending_id: str, language: str | None = None) -> str:
    """``language``: the uploader's interface language, in which the problems are written."""
    from . import services

    return services.run_pending_import(pending_id, language=language)
