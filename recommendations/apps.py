from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Aanbevelingen")

    def ready(self):
        # Every row the document shows moves its response's revision on (core/revision.py).
        from core import revision

        from .models import Recommendation, RecommendationGroup, RecommendationPart, Theme

        revision.track(RecommendationGroup, "response_id")
        revision.track(Theme, "group__response_id")
        revision.track(Recommendation, "response_id")
        revision.track(RecommendationPart, "recommendation__response_id")
