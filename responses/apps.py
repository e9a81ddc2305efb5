from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Managementresponses")

    def ready(self):
        # The response is the root of the revisions (core/revision.py): the key of the PDF, its
        # ETag and its cache entry. The apps above track their own rows.
        from core import revision

        from .models import Chapter, ManagementResponse

        revision.track(ManagementResponse, "pk")
        revision.track(Chapter, "response_id")
