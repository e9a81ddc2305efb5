from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Acties")

    def ready(self):
        # Every row the document shows moves its response's revision on (core/revision.py).
        from core import revision

        from .models import Action, ActionLink, ProgressUpdate

        revision.track(Action, "response_id")
        revision.track(ActionLink, "action__response_id")
        revision.track(ProgressUpdate, "action__response_id")  # the matrix prints the latest comment
