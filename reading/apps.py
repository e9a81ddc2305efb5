from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadingConfig(AppConfig):
    name = "reading"
    verbose_name = _("Documenten inlezen")

    def ready(self):
        from core import bounded
        from document import panels
        from interchange import ways

        from . import views

        # The reading libraries load once, in the fork server, whoever starts it (a PDF render
        # or a reading): not in every reading's process (core/bounded.py, reading/child.py).
        if "reading.child" not in bounded.PRELOAD:
            bounded.PRELOAD.append("reading.child")
        ways.register("reading/_new_option.html", views.new_page_context)  # the fourth way on /responses/new/
        panels.register(views.document_panel)  # the original's download on the document page
