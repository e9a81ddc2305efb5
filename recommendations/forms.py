from django import forms
from django.utils.translation import gettext_lazy as _

from responses.editing import VersionedForm

from .models import Recommendation


class AgreementForm(VersionedForm):
    """The organisation's position on one recommendation."""

    NEEDS_JUSTIFICATION = {Recommendation.Agreement.PARTIALLY_AGREE, Recommendation.Agreement.DISAGREE}

    class Meta:
        model = Recommendation
        fields = ["agreement", "justification"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "justification": _("Verplicht bij gedeeltelijk akkoord en niet akkoord. Markdown: alinea's en lijsten."),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_rec{kwargs['instance'].pk}_%s")
        super().__init__(*args, **kwargs)
        self.fields["agreement"].widget.attrs["autofocus"] = True

    def clean(self):
        cleaned = super().clean()
        agreement = cleaned.get("agreement")
        justification = cleaned.get("justification")  # None when the field itself was invalid
        if agreement in self.NEEDS_JUSTIFICATION and justification is not None and not justification.strip():
            label = Recommendation.Agreement(agreement).label
            self.add_error(
                "justification",
                _("Geef een motivering: bij “%(level)s” legt u uit waarom.") % {"level": label},
            )
        return cleaned
