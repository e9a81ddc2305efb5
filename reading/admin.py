from django.contrib import admin

from .models import Original, Reading


@admin.register(Original)
class OriginalAdmin(admin.ModelAdmin):
    """Read-only: an original is what was uploaded, its bytes checked by their SHA-256."""

    list_display = ["file_name", "response", "size", "pages", "uploaded_by", "uploaded_at"]
    readonly_fields = [f.name for f in Original._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Reading)
class ReadingAdmin(admin.ModelAdmin):
    list_display = ["file_name", "state", "progress", "created_by", "created_at", "response"]
    list_filter = ["state"]
    exclude = ["found"]
    readonly_fields = [f.name for f in Reading._meta.fields if f.name != "found"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
