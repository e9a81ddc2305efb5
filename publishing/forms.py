"""The forms of publishing, comparing and reading the response as of a date."""

from django import forms
from django.utils.translation import gettext_lazy as _


class PublishForm(forms.Form):
    """Publish a version: a change note; for administrators, a reason to publish over errors."""

    note = forms.CharField(
        label=_("Wijzigingsnota"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wat deze versie nieuw maakt; staat bij de versie in de lijst."),
    )
    override_reason = forms.CharField(
        label=_("Reden om ondanks de fouten te publiceren"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Alleen voor beheerders; wordt bij de versie bewaard."),
    )

    def __init__(self, *args, may_override=False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if not may_override:
            del self.fields["override_reason"]


LIVE = "live"


class CompareForm(forms.Form):
    """Which two states to compare: published versions by number, or the live data."""

    old = forms.ChoiceField(label=_("Van"))
    new = forms.ChoiceField(label=_("Naar"))

    def __init__(self, *args, versions, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        choices = [(str(v.number), _("versie %(number)s") % {"number": v.number}) for v in versions]
        choices.append((LIVE, _("de huidige gegevens")))
        self.fields["old"].choices = self.fields["new"].choices = choices


class AsOfForm(forms.Form):
    """The day whose end the response is shown as it stood."""

    date = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
