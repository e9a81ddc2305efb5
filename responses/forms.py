from django import forms
from django.utils.translation import gettext_lazy as _

from core.editing import VersionedForm, live_preview

from .models import ManagementResponse


class ResponseForm(VersionedForm):
    """The response's metadata and introduction (the document's title block and part I)."""

    class Meta:
        model = ManagementResponse
        fields = [
            "title",
            "organisation",
            "responsible_team",
            "evaluation_title",
            "evaluators",
            "evaluation_delivered_on",
            "language",
            "status",
            "published_on",
            "introduction",
        ]
        widgets = {
            "evaluators": forms.Textarea(attrs={"rows": 2}),
            "introduction": forms.Textarea(attrs={"rows": 16}),
            "evaluation_delivered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "published_on": _("De datum die het document draagt. Leeg: de dag van de export."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["autofocus"] = True
        live_preview(self, "introduction", response=self.instance)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ManagementResponse.Status.PUBLISHED and not cleaned.get("published_on"):
            # A published document carries its date; an empty one would change with every export.
            self.add_error("published_on", _("Een gepubliceerde managementresponse heeft een publicatiedatum."))
        return cleaned
