from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from core.editing import VersionedForm, live_preview
from core.models import Membership

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
        live_preview(self, "introduction")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ManagementResponse.Status.PUBLISHED and not cleaned.get("published_on"):
            # A published document carries its date; an empty one would change with every export.
            self.add_error("published_on", _("Een gepubliceerde managementresponse heeft een publicatiedatum."))
        return cleaned


class AddMemberForm(forms.Form):
    """Give someone a role on the response (the People page)."""

    username = forms.CharField(label=_("Gebruikersnaam"), max_length=150)
    role = forms.ChoiceField(label=_("Rol"), choices=Membership.Role.choices)

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
        return Membership.objects.create(user=self.user, response=self.response, role=self.cleaned_data["role"])


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rol"), choices=Membership.Role.choices)
