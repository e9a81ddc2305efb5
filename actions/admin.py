from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import audit
from core.editing import VersionedAdminMixin, VersionedInlineMixin
from recommendations.admin import RecommendationAdmin

from .forms import owner_choices
from .models import Action, ActionLink, ProgressUpdate


class ActionAdminForm(forms.ModelForm):
    """Owners are members of the action's response, here as in the application's edit form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owners" in self.fields:
            self.fields["owners"].help_text = _(
                "Leden van deze managementresponse die voor de actie instaan; de streefdatum is hun deadline."
            )

    def clean(self):
        cleaned = super().clean()
        response, owners = cleaned.get("response"), cleaned.get("owners")
        if response is not None and owners:
            allowed = set(owner_choices(response.pk, self.instance).values_list("pk", flat=True))
            outsiders = [user for user in owners if user.pk not in allowed]
            if outsiders:
                names = ", ".join(user.get_full_name() or user.get_username() for user in outsiders)
                self.add_error(
                    "owners",
                    _("Alleen leden van deze managementresponse kunnen eigenaar zijn; geen lid: %(names)s.")
                    % {"names": names},
                )
        return cleaned


class PartInline(VersionedInlineMixin, admin.StackedInline):
    model = Action
    fk_name = "parent"
    extra = 0
    fields = ["order", "number", "label", "title", "status", "status_note", "time_frame", "narrative"]
    verbose_name_plural = _("onderdelen")


class LinkInline(VersionedInlineMixin, admin.TabularInline):
    model = ActionLink
    extra = 0
    fields = ["order", "recommendation", "qualifier"]
    raw_id_fields = ["recommendation"]


class ProgressInline(admin.TabularInline):
    """The progress log, read-only: it is written by status changes (actions:status), not by hand."""

    model = ProgressUpdate
    extra = 0
    fields = ["date", "author", "author_name", "status", "status_note", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Action)
class ActionAdmin(VersionedAdminMixin, admin.ModelAdmin):
    form = ActionAdminForm
    list_display = ["number", "title", "response", "parent", "status", "status_note", "time_frame", "due_date"]
    list_filter = ["status", "response", ("parent", admin.EmptyFieldListFilter)]
    search_fields = ["number", "title", "narrative", "time_frame"]
    list_select_related = ["response", "parent"]
    raw_id_fields = ["parent", "owners"]
    inlines = [PartInline, LinkInline, ProgressInline]
    # Validation is decided by evaluation staff on the action page (evidence app), with a comment and a mail.
    readonly_fields = ["version", "updated_at", "updated_by", "validation_state", "status_before_claim"]

    def save_model(self, request, obj, form, change):
        if change:
            # The owners first, without records of their own: the save records them with the rest
            # (one edit, one entry on the trail). The admin's own save_m2m then finds nothing to change.
            with audit.m2m_recorded_by_next_save(obj):
                form.save_m2m()
        super().save_model(request, obj, form, change)

    def get_inlines(self, request, obj):
        # Parts have no parts of their own: the document nests one level.
        if obj is not None and obj.parent_id:
            return [LinkInline, ProgressInline]
        return super().get_inlines(request, obj)


@admin.register(ActionLink)
class ActionLinkAdmin(VersionedAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "recommendation", "action", "qualifier", "order"]
    list_filter = ["action__response"]
    search_fields = ["qualifier", "action__number", "recommendation__text"]
    list_select_related = ["action", "recommendation"]
    raw_id_fields = ["recommendation", "action"]
    readonly_fields = ["version", "updated_at", "updated_by"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["action", "created_at", "status", "status_note", "author"]
    list_filter = ["status", "action__response"]
    search_fields = ["note", "status_note", "action__number", "action__title"]
    list_select_related = ["action", "author"]
    raw_id_fields = ["action"]
    readonly_fields = ["created_at"]


class RecommendationLinkInline(VersionedInlineMixin, admin.TabularInline):
    """A recommendation's links to actions, on its admin page: the recommendations app sits below
    this one and does not know links, so this app adds them there."""

    model = ActionLink
    extra = 0
    fields = ["order", "action", "qualifier"]
    autocomplete_fields = ["action"]


RecommendationAdmin.inlines = [*RecommendationAdmin.inlines, RecommendationLinkInline]
