from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.editing import VersionedAdminMixin

from .models import ManagementResponse, Membership, ResponseVersion, Withdrawal


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
        (_("Document"), {"fields": ["status", "published_on"]}),
        (_("Geschiedenis"), {"fields": ["created_at", "updated_at", "updated_by", "version"], "classes": ["collapse"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # Published versions are kept for good (ResponseVersion.response is PROTECT): a response
        # that has any is withdrawn (responses:withdraw), not deleted.
        if obj is not None and obj.published_versions.exists():
            return False
        return super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.is_withdrawn:
            fields.append("status")  # withdrawn with a reason: only a new publication undoes it
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            # "Ingetrokken" is set by withdrawing, with a reason (responses:withdraw), not here.
            withdrawn = ManagementResponse.Status.WITHDRAWN
            kwargs["choices"] = [c for c in ManagementResponse.Status.choices if c[0] != withdrawn]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


# The fields a published version shows, all read-only.
VERSION_FIELDS = (
    "response",
    "number",
    "published_at",
    "by",
    "note",
    "override_reason",
    "overridden_errors",
    "sha256",
    "pdf_link",
    "export_link",
)


@admin.register(ResponseVersion)
class ResponseVersionAdmin(admin.ModelAdmin):
    """Published versions, to look at only: a version is frozen (``ResponseVersion``), so the
    admin neither adds, changes nor deletes one. Publishing is ``publishing.publish.publish``."""

    list_display = ["response", "number", "published_at", "by", "sha256", "pdf_link"]
    list_display_links = ["response", "number"]
    list_filter = ["published_at"]
    list_select_related = ["response", "published_by"]
    search_fields = ["response__title", "response__slug", "sha256", "published_by_name", "note"]
    date_hierarchy = "published_at"
    fields = readonly_fields = VERSION_FIELDS

    def get_queryset(self, request):
        # The PDF and the interchange file are large and not shown: they are served by their own URLs.
        return super().get_queryset(request).defer("pdf", "snapshot")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("door"))
    def by(self, version):
        return version.by

    @admin.display(description=_("PDF"))
    def pdf_link(self, version):
        return format_html(
            '<a href="{}">{}</a>',
            version.get_absolute_url(),
            _("PDF van versie %(number)s") % {"number": version.number},
        )

    @admin.display(description=_("uitwisselingsbestand"))
    def export_link(self, version):
        url = reverse("responses:version_export", kwargs={"slug": version.response.slug, "number": version.number})
        return format_html('<a href="{}">{}</a>', url, _("YAML van versie %(number)s") % {"number": version.number})


@admin.register(Withdrawal)
class WithdrawalAdmin(admin.ModelAdmin):
    """Withdrawals, to look at only: written by responses:withdraw, kept for good."""

    list_display = ["response", "withdrawn_at", "by", "reason"]
    list_select_related = ["response", "withdrawn_by"]
    search_fields = ["response__title", "response__slug", "reason", "withdrawn_by_name"]
    date_hierarchy = "withdrawn_at"
    readonly_fields = ("response", "withdrawn_at", "by", "reason")
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("door"))
    def by(self, withdrawal):
        return withdrawal.by


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "response", "role", "created_at"]
    list_filter = ["role", "response"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "response__title"]
    list_select_related = ["user", "response"]
    autocomplete_fields = ["user", "response"]
