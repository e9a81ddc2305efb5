from django.contrib import admin

from core.editing import VersionedAdminMixin

from .models import Evidence, FrozenEvidence, ValidationDecision


@admin.register(Evidence)
class EvidenceAdmin(VersionedAdminMixin, admin.ModelAdmin):
    """Titles, dates and removal can be corrected here; files are added on the action page (their
    content is checked there) and never deleted: removing sets ``removed_at``."""

    list_display = ["title", "action", "evidence_kind", "file_name", "date", "removed_at"]
    list_filter = ["evidence_kind", "action__response", ("removed_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "file_name", "url", "sha256"]
    list_select_related = ["action"]
    raw_id_fields = ["action", "progress_update", "added_by", "removed_by"]
    readonly_fields = ["evidence_kind", "file_name", "storage_key", "content_type", "size", "sha256", "version", "updated_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ValidationDecision)
class ValidationDecisionAdmin(admin.ModelAdmin):
    list_display = ["action", "decision", "decided_at", "decided_by"]
    list_filter = ["decision", "action__response"]
    list_select_related = ["action", "decided_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FrozenEvidence)
class FrozenEvidenceAdmin(admin.ModelAdmin):
    list_display = ["version", "action_number", "title", "file_name", "sha256"]
    list_select_related = ["version__response"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("version__pdf", "version__snapshot")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
