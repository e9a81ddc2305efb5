from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.editing import DeleteForm, VersionedForm, live_preview

from .models import Recommendation, RecommendationGroup, Theme, parts_as_text, replace_parts


class AgreementForm(VersionedForm):
    """The organisation's position on one recommendation."""

    NEEDS_JUSTIFICATION = {Recommendation.Agreement.PARTIALLY_AGREE, Recommendation.Agreement.DISAGREE}

    class Meta:
        model = Recommendation
        fields = ["agreement", "response_text", "justification", "justification_not_in_source"]
        widgets = {
            "response_text": forms.Textarea(attrs={"rows": 4}),
            "justification": forms.Textarea(attrs={"rows": 4}),
        }
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
        # Asked when the level is set or the reasons are removed; a recommendation already at that
        # level without reasons (as printed in an imported document, the seed's p. 191) saves
        # unchanged. The checklist still reports it (document/checks.py, justification_missing).
        kept_as_it_was = agreement == self.instance.agreement and not self.instance.justification.strip()
        if (
            agreement in self.NEEDS_JUSTIFICATION
            and not cleaned.get("justification_not_in_source")
            and justification is not None
            and not justification.strip()
            and not kept_as_it_was
        ):
            label = Recommendation.Agreement(agreement).label
            self.add_error(
                "justification",
                _("Geef een motivering: bij “%(level)s” legt u uit waarom.") % {"level": label},
            )
        return cleaned


class StructureForm(VersionedForm):
    """Adds or edits one item of the recommendations structure (group, theme or recommendation).

    The form never names the parent: the URL's object decides where a new item goes,
    so no field lets a user pick a group or theme of another response.
    """

    parent_field = None  # the foreign key to the parent, set by the view on a new instance

    def __init__(self, *args, **kwargs):
        instance = kwargs["instance"]
        name = type(instance)._meta.model_name
        if instance.pk is None:
            # Several add forms may be open on the manage page at once: ids name the parent.
            where = f"new{name}_in{getattr(instance, f'{self.parent_field}_id')}"
        else:
            where = f"{name}{instance.pk}"
        kwargs.setdefault("auto_id", f"id_{where}_%s")
        super().__init__(*args, **kwargs)
        if instance.pk is None:
            # Nothing to be stale against yet.
            del self.fields["version"]
        first = next(iter(self._meta.fields))
        self.fields[first].widget.attrs["autofocus"] = True


class GroupForm(StructureForm):
    parent_field = "response"

    class Meta:
        model = RecommendationGroup
        fields = ["title"]
        help_texts = {"title": _("Bv. Aanbevelingen voor partnerschappen")}


class ThemeForm(StructureForm):
    parent_field = "group"

    class Meta:
        model = Theme
        fields = ["section", "heading"]


class RecommendationForm(StructureForm):
    parent_field = "theme"

    parts_text = forms.CharField(
        label=_("Deelaanbevelingen"),
        required=False,
        max_length=40_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Eén per regel: de letter zoals het document ze drukt, dan de tekst („(a) Verduidelijk de rollen.”). "
            "Met twee spaties ervoor: een onderdeel van de vorige („  (i) voor de landenkantoren;”)."
        ),
    )

    class Meta:
        model = Recommendation
        fields = ["number", "location", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parts_text"].initial = parts_as_text(self.instance)
        live_preview(self, "text", url=self.instance.response.get_preview_url())

    def clean_parts_text(self):
        """``[(label, text, [(label, text)])]`` from the lines; a nested line needs a part above it."""
        parts = []
        labels = set()
        for line in self.cleaned_data["parts_text"].splitlines():
            if not line.strip():
                continue
            label, _sep, text = line.strip().partition(" ")
            if label in labels:
                raise forms.ValidationError(_("De letter %(label)s komt twee keer voor.") % {"label": label})
            if len(label) > 20 or len(text) > 20_000:
                raise forms.ValidationError(_("Een letter is ten hoogste 20 tekens lang."))
            labels.add(label)
            if line[:1].isspace():
                if not parts:
                    raise forms.ValidationError(_("Een ingesprongen regel hoort onder een deelaanbeveling."))
                parts[-1][2].append((label, text.strip()))
            else:
                parts.append((label, text.strip(), []))
        return parts

    def save(self, *, user):  # type: ignore[override]
        with transaction.atomic():  # a stale save writes no parts either
            rec = super().save(user=user)
            if "parts_text" in self.changed_data:
                replace_parts(rec, self.cleaned_data["parts_text"])
        return rec


class StructureDeleteForm(DeleteForm):
    """The confirmation of a delete, with what the user was told would go with it.

    A group or theme takes its contents along; if someone added to it since the user
    confirmed, the counts differ and the delete is refused like a stale one.
    """

    themes = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    recommendations = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
