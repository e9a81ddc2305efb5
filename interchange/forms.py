from django import forms
from django.utils.translation import gettext_lazy as _

from core.widgets import LanguageSelect
from responses.forms import check_slug
from responses.models import ManagementResponse


class UploadForm(forms.Form):
    """An interchange file (docs/interchange.md), checked and previewed before anything is written."""

    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(
        label=_("Bestand (YAML)"), help_text=_("Een export van deze toepassing of een bestand in hetzelfde formaat.")
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Het bestand is te groot (ten hoogste 5 MB)."))
        return upload


class CopyForm(forms.Form):
    """A new response with the structure of an existing one."""

    source = forms.ModelChoiceField(
        queryset=ManagementResponse.objects.none(),
        label=_("Kopie van"),
        empty_label=_("— kies —"),
        widget=LanguageSelect,
    )
    title = forms.CharField(label=_("Titel"), max_length=300)
    slug = forms.SlugField(label=_("Slug"), max_length=100, required=False, help_text=_("Leeg: gemaakt uit de titel."))

    def __init__(self, *args, queryset, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "copy")
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = queryset

    def clean_slug(self):
        slug = check_slug(self.cleaned_data["slug"])
        if slug and ManagementResponse.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("Deze slug is al in gebruik. Kies een andere."))
        return slug
