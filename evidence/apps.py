from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Bewijsstukken en validatie")

    def ready(self):
        from actions import panels
        from core import revision
        from responses import versions

        from . import services
        from .models import Evidence, ValidationDecision
        from .views import action_panel

        # The interchange file (and so a published version's snapshot) lists the evidence.
        revision.track(Evidence, "action__response_id")
        revision.track(ValidationDecision, "action__response_id")
        panels.register(action_panel)  # the evidence and validation panel of the action page
        versions.register_file_lookup(services.frozen_matches)  # /verify/ and verify_pdf
