from django.contrib import admin

from core.editing import VersionedAdminMixin, VersionedInlineMixin

from .models import Recommendation, RecommendationGroup, Theme


class ThemeInline(VersionedInlineMixin, admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["order", "section", "heading"]


@admin.register(RecommendationGroup)
class RecommendationGroupAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "response", "order"]
    list_filter = ["response"]
    search_fields = ["title"]
    list_select_related = ["response"]
    inlines = [ThemeInline]


class RecommendationInline(VersionedInlineMixin, admin.StackedInline):
    model = Recommendation
    extra = 0
    fields = ["order", "number", "location", "text", "agreement", "response_text", "justification"]


@admin.register(Theme)
class ThemeAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["section", "heading", "group", "order"]
    list_filter = ["group__response", "group"]
    search_fields = ["section", "heading"]
    list_select_related = ["group"]
    inlines = [RecommendationInline]


@admin.register(Recommendation)
class RecommendationAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "number", "location", "theme", "agreement", "updated_at"]
    list_filter = ["agreement", "response", "theme__group"]
    search_fields = ["number", "text", "location", "justification", "response_text", "theme__heading"]
    list_select_related = ["theme", "response"]
    inlines = []  # the actions app adds the links (actions/admin.py)
