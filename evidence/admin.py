from django.contrib import admin

from .models import FrozenEvidence, ValidationDecision

# Evidence itself has no admin: it is added on the action page, where its content is checked, and
# removed there (kept, with removed_at); its history is on the audit trail. Decisions and the
# evidence of published versions can be read here, never changed.


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
