from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Managementresponses")

    def ready(self):
        # Every model the document shows moves its response's revision on
        # (core/revision.py): the key of the PDF, its ETag and its cache entry.
        from actions.models import Action, ActionLink, ProgressUpdate
        from core import revision
        from recommendations.models import Recommendation, RecommendationGroup, Theme

        from . import tasks
        from .models import ManagementResponse

        revision.track(ManagementResponse, "pk")
        revision.track(Action, "response_id")
        revision.track(ActionLink, "action__response_id")
        revision.track(RecommendationGroup, "response_id")
        revision.track(Theme, "group__response_id")
        revision.track(Recommendation, "response_id")
        revision.track(ProgressUpdate, "action__response_id")  # the matrix prints the latest comment
        revision.after_commit(tasks.schedule_pdf)
