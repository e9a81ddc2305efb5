from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.editing import VersionedForm, live_preview

from . import vocabulary
from .models import Chapter, ManagementResponse, Membership


class PresetOptions(forms.Select):
    """The vocabulary presets, each option marked with the language of its words."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value in vocabulary.PRESET_LANGUAGES:
            option["attrs"]["lang"] = vocabulary.PRESET_LANGUAGES[value]
        return option


class LinesField(forms.CharField):
    """A list of pairs typed one per line, "first | second" (the second may be left out)."""

    widget = forms.Textarea(attrs={"rows": 4})
    keys = ("label", "value")
    max_length_each = 300

    def __init__(self, *, encoder=None, decoder=None, **kwargs):  # a JSONField's formfield() passes these
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list):
            first, second = self.keys
            return "\n".join(
                f"{item.get(first, '')} | {item.get(second, '')}" if item.get(second) else str(item.get(first, ""))
                for item in value
                if isinstance(item, dict)
            )
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        first, second = self.keys
        items = []
        for line in text.splitlines():
            if not line.strip():
                continue
            head, _sep, tail = line.partition("|")
            items.append({first: head.strip(), second: tail.strip()})
        return items

    def validate(self, value):
        for item in value:
            if any(len(text) > self.max_length_each for text in item.values()):
                raise forms.ValidationError(
                    _("Een regel is te lang (ten hoogste %(n)s tekens per deel).") % {"n": self.max_length_each}
                )


class CoverField(LinesField):
    """The cover block: "Label | Value" per line; a line without "|" is a value alone (a symbol)."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(
                f"{item.get('label', '')} | {item.get('value', '')}" if item.get("label") else item.get("value", "")
                for item in value
                if isinstance(item, dict)
            )
        return value

    def to_python(self, value):
        items = []
        for item in super().to_python(value):
            label, value_ = item["label"], item["value"]
            items.append({"label": label, "value": value_} if value_ else {"label": "", "value": label})
        return items


class ColumnsField(LinesField):
    """The matrix's columns in print order: "key | header" per line."""

    widget = forms.Textarea(attrs={"rows": 6})
    keys = ("key", "header")
    max_length_each = 100

    def validate(self, value):
        super().validate(value)
        keys = [item["key"] for item in value]
        unknown = [key for key in keys if key not in vocabulary.COLUMN_KEYS]
        if unknown:
            raise forms.ValidationError(
                _("Onbekende kolom %(key)s; kies uit: %(keys)s.")
                % {"key": unknown[0], "keys": ", ".join(vocabulary.COLUMN_KEYS)}
            )
        if len(set(keys)) != len(keys):
            raise forms.ValidationError(_("Elke kolom hoogstens één keer."))
        if keys and "action" not in keys:
            raise forms.ValidationError(_("De kolom action (de kernactie) hoort erbij."))


def role_choices():
    """The roles as every select names them: capitalised, as an option starts a line."""
    return [(value, capfirst(label)) for value, label in Membership.Role.choices]


class ResponseForm(VersionedForm):
    """The response's metadata, cover block, words and columns (the document's title block); its
    introduction is its first chapter (``ChapterForm``)."""

    class Meta:
        model = ManagementResponse
        fields = [
            "title",
            "slug",
            "organisation",
            "responsible_team",
            "evaluation_title",
            "evaluators",
            "evaluation_delivered_on",
            "evaluation_delivered_precision",
            "language",
            "layout",
            "status",
            "published_on",
            "validation_policy",
            "published_precision",
            "cover",
            "vocabulary_preset",
            "vocabulary_words",
            "columns",
        ]
        field_classes = {"cover": CoverField, "columns": ColumnsField}
        widgets = {
            "evaluators": forms.Textarea(attrs={"rows": 2}),
            "evaluation_delivered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "published_on": _("De datum die het document draagt. Leeg: de dag van de export."),
            "cover": _(
                "Bovenaan de eerste pagina, in deze volgorde: één regel per gegeven, „Label | waarde” "
                "(Distr. | General), of alleen een waarde (het symbool E/ICEF/2025/4)."
            ),
            "columns": _(
                "De kolommen van de tabel met kernacties, in deze volgorde: één per regel, „sleutel | kop”. "
                "Sleutels: action, time_frame, units, comments, status, documents. Leeg: de vijf van de UNEG-matrix."
            ),
        }

    def clean_validation_policy(self):
        return self.cleaned_data.get("validation_policy") or self.instance.validation_policy

    # The words typed over the vocabulary's preset, one field per agreement level and status.
    WORD_LABELS = {
        "agree": _("akkoord"),
        "partially_agree": _("gedeeltelijk akkoord"),
        "disagree": _("niet akkoord"),
        "to_start": _("op te starten"),
        "in_progress": _("in uitvoering"),
        "realised": _("gerealiseerd"),
        "not_applicable": _("niet meer van toepassing"),
        "cancelled": _("geannuleerd"),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Typed in the word_* fields below and gathered in clean(); the field itself is not shown.
        self.fields["vocabulary_words"].widget = forms.HiddenInput()
        self.fields["vocabulary_preset"].widget = PresetOptions(choices=vocabulary.PRESET_CHOICES)
        self.fields["vocabulary_words"].required = False
        typed = self.instance.vocabulary_words or {}
        for key, label in self.WORD_LABELS.items():
            self.fields[f"word_{key}"] = forms.CharField(
                label=capfirst(label), required=False, max_length=100, initial=typed.get(key, "")
            )
        # Added after the form's first clients: a post without it keeps a day.
        self.fields["published_precision"].required = False
        self.fields["title"].widget.attrs["autofocus"] = True
        # A form without the field (an older page, a script) keeps the response's setting.
        self.fields["validation_policy"].required = False
        if self.instance.is_withdrawn:
            # Withdrawn with a reason (responses.services.withdraw): only a new publication undoes it.
            del self.fields["status"]
        else:
            # "Ingetrokken" is set by withdrawing, with a reason, not by this field.
            withdrawn = ManagementResponse.Status.WITHDRAWN
            status = cast(forms.ChoiceField, self.fields["status"])
            status.choices = [
                (value, label) for value, label in ManagementResponse.Status.choices if value != withdrawn
            ]
        if self.instance.is_published or self.instance.is_withdrawn:
            # Links to a published response are out there: its address no longer changes.
            del self.fields["slug"]
        else:
            self.fields["slug"].help_text = _("Het adres van de pagina; te wijzigen tot de publicatie.")
            self.fields["slug"].required = False  # empty keeps the current one

    def clean_published_precision(self):
        return self.cleaned_data.get("published_precision") or ManagementResponse.DatePrecision.DAY

    def clean_slug(self):
        slug = check_slug(self.cleaned_data["slug"]) or self.instance.slug
        if ManagementResponse.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Deze slug is al in gebruik. Kies een andere."))
        return slug

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        # A published document carries its date; an empty one would change with every export.
        # Asked when the response is published here or its date is removed; not of a response
        # published without one (imported from a document that shows none, as the seed): an
        # unchanged save is accepted. (``self.instance`` still holds the row as loaded.)
        published_without_date = self.instance.is_published and self.instance.published_on is None
        if (
            cleaned.get("status") == ManagementResponse.Status.PUBLISHED
            and not cleaned.get("published_on")
            and not published_without_date
        ):
            self.add_error("published_on", _("Een gepubliceerde managementresponse heeft een publicatiedatum."))
        words = {
            key: cleaned[f"word_{key}"].strip() for key in self.WORD_LABELS if cleaned.get(f"word_{key}", "").strip()
        }
        cleaned["vocabulary_words"] = words
        # Set here too: the model form leaves a field with a default alone when its input is absent.
        self.instance.vocabulary_words = words
        return cleaned

    @property
    def word_fields(self):
        return [self[f"word_{key}"] for key in self.WORD_LABELS]


class ChapterForm(VersionedForm):
    """One chapter before or after the recommendations: where, its heading and its text."""

    class Meta:
        model = Chapter
        fields = ["placement", "heading", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, **kwargs):
        instance = kwargs["instance"]
        kwargs.setdefault("auto_id", f"id_chapter{instance.pk or 'new'}_%s")
        super().__init__(*args, **kwargs)
        if instance.pk is None:
            del self.fields["version"]  # nothing to be stale against yet
        live_preview(self, "body", url=instance.response.get_preview_url())


RESERVED_SLUGS = {"new"}  # /responses/new/ starts a response


def check_slug(slug):
    if slug in RESERVED_SLUGS:
        raise forms.ValidationError(_("Deze slug is voorbehouden. Kies een andere."))
    return slug


class NewResponseForm(forms.ModelForm):
    """A blank response: what its title block needs, its language and its layout."""

    class Meta:
        model = ManagementResponse
        fields = [
            "title",
            "slug",
            "organisation",
            "evaluation_title",
            "evaluation_delivered_on",
            "evaluation_delivered_precision",
            "language",
            "layout",
        ]
        widgets = {"evaluation_delivered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Het adres van de pagina. Leeg: gemaakt uit de titel.")

    def clean_slug(self):
        return check_slug(self.cleaned_data["slug"])


class ResponseDeleteForm(forms.Form):
    """The confirmation of deleting a whole response, with the counts the user was shown."""

    recommendations = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    actions = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class WithdrawForm(forms.Form):
    """Why a published response is withdrawn: kept with it, on the audit trail."""

    reason = forms.CharField(
        label=_("Reden"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Blijft bewaard, met wie en wanneer, en staat in de activiteit van de managementresponse."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Geef een reden."))
        return reason


class AddMemberForm(forms.Form):
    """Give someone a role on the response (the People page)."""

    username = forms.CharField(label=_("Gebruikersnaam"), max_length=150)
    role = forms.ChoiceField(label=_("Rol"), choices=role_choices)

    def __init__(self, *args, response, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.response = response
        self.user = None

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        self.user = get_user_model().objects.filter(username__iexact=username, is_active=True).first()
        if self.user is None:
            raise forms.ValidationError(_("Er is geen actieve gebruiker met deze gebruikersnaam."))
        if Membership.objects.filter(user=self.user, response=self.response).exists():
            raise forms.ValidationError(_("Deze gebruiker heeft al een rol; wijzig die in de lijst hieronder."))
        return username

    def save(self):
        if self.user is None:
            raise ValueError("save() comes after is_valid(): clean_username finds the user")
        return Membership.objects.create(user=self.user, response=self.response, role=self.cleaned_data["role"])


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rol"), choices=role_choices)


class VerifyForm(forms.Form):
    """A PDF to compare, by its SHA-256, with the versions we published."""

    MAX_BYTES = 50 * 1024 * 1024

    file = forms.FileField(label=_("PDF-bestand"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Het bestand is te groot (ten hoogste 50 MB)."))
        return upload
