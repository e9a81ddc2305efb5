from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from . import filetypes


class DocumentOptions(forms.Select):
    """A select whose options (not its empty choice) are in the document's language, marked ``lang``."""

    def __init__(self, *args, language="", **kwargs):
        super().__init__(*args, **kwargs)
        self.language = language

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value != "" and self.language:
            option["attrs"]["lang"] = self.language
        return option


class EvidenceForm(forms.Form):
    """A file or a link, with a title and a date; optionally with one of the action's progress entries."""

    title = forms.CharField(label=capfirst(_("titel")), max_length=200)
    date = forms.DateField(
        label=capfirst(_("datum")),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("De datum van het stuk; standaard vandaag."),
    )
    file = forms.FileField(
        label=capfirst(_("bestand")),
        required=False,
        help_text=_(
            "PDF, Word (.docx), Excel (.xlsx) of een afbeelding (PNG, JPEG, GIF, WebP); ten hoogste %(limit)s."
        ),
    )
    url = forms.URLField(label=capfirst(_("of een link")), required=False, max_length=2_000, assume_scheme="https")
    progress_update = forms.ModelChoiceField(
        label=capfirst(_("bij voortgangsmelding")),
        queryset=None,
        required=False,
        empty_label=_("— bij de actie zelf —"),
    )

    def __init__(self, *args, action, **kwargs):
        from django.conf import settings
        from django.template.defaultfilters import filesizeformat

        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.fields["file"].help_text = self.fields["file"].help_text % {
            "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)
        }
        # A progress entry as the document says it: its status and its note in the document's language.
        language = action.response.language
        self.fields["progress_update"].queryset = action.progress_updates.all()
        self.fields["progress_update"].widget = DocumentOptions(language=language)
        self.fields["progress_update"].widget.choices = self.fields["progress_update"].choices

        def label(update):
            with translation.override(language):
                status = update.get_status_display()
            return f"{update.date:%d-%m-%Y} · {status}" + (f" · {update.note[:60]}" if update.note else "")

        self.fields["progress_update"].label_from_instance = label
        self.fields["url"].widget.attrs["placeholder"] = "https://"
        self.file_type = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            filetypes.check_name(upload.name)
            self.file_type = filetypes.identify(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        has_file, has_url = bool(cleaned.get("file")), bool(cleaned.get("url"))
        if "file" in self.errors or "url" in self.errors:
            return cleaned
        if has_file and has_url:
            raise ValidationError(_("Kies een bestand of een link, niet allebei."))
        if not has_file and not has_url:
            self.add_error("file", _("Kies een bestand of geef een link."))
        return cleaned


class DecisionForm(forms.Form):
    """Evaluation staff on a claimed status: validate, or send back with a comment."""

    VALIDATE, SEND_BACK = "validate", "send_back"

    decision = forms.ChoiceField(choices=[(VALIDATE, _("Valideren")), (SEND_BACK, _("Terugsturen"))])
    comment = forms.CharField(
        label=_("Opmerking"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Verplicht bij terugsturen: wat ontbreekt er? De eigenaars krijgen ze per e-mail."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == self.SEND_BACK and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Zeg bij het terugsturen wat er ontbreekt."))
        return cleaned
