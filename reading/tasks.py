"""Background work of the reading app: reading an uploaded document (``Reading``).

Declared like interchange/tasks.py; ``manage.py run_worker`` runs it. A task may run twice (the
supervised worker makes the tasks a dead worker left running ready again): the reading claims its
row first and does nothing when it already ended.
"""

from django.tasks import task


@task()
def read_document_task(reading_id: str) -> str:
    from . import services

    return services.run_reading(reading_id)
