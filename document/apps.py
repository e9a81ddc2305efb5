from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentConfig(AppConfig):
    name = "document"
    verbose_name = _("Document")

    def ready(self):
        # After each commit that changed a response's document, its PDF is rendered in the
        # background (core/revision.py runs the hook; document/tasks.py queues the render).
        from core import revision

        from . import tasks

        revision.after_commit(tasks.schedule_pdf)
