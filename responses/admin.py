from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.editing import VersionedAdminMixin

from .models import ManagementResponse


@admin.register(ManagementResponse)
class ManagementResponseAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organisation", "evaluation_delivered_on", "status", "language", "updated_at"]
    list_filter = ["status", "language", "organisation"]
    search_fields = ["title", "slug", "organisation", "evaluation_title", "evaluators"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "updated_at"
    readonly_fields = ["created_at", "updated_at", "updated_by", "version"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "organisation", "responsible_team", "language", "layout"]}),
        (
            _("Evaluatie"),
            {"fields": ["evaluation_title", "evaluators", "evaluation_delivered_on", "evaluation_delivered_precision"]},
        ),
        (_("Document"), {"fields": ["introduction", "status", "published_on"]}),
        (_("Geschiedenis"), {"fields": ["created_at", "updated_at", "updated_by", "version"], "classes": ["collapse"]}),
    ]
