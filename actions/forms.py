from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _

from core import revision
from core.editing import VersionedForm, live_preview
from core.richtext import plain
from recommendations.models import Recommendation

from .models import Action, ActionLink, ProgressUpdate

User = get_user_model()


def owner_choices(response_id, action=None):
    """The users who may own an action of the response: its members, and whoever owns ``action``
    already (a member who left keeps the actions they own until someone changes them)."""
    members = User.objects.filter(memberships__response_id=response_id)
    if action is not None and action.pk:
        members = members | User.objects.filter(owned_actions=action)
    return members.distinct()


class StatusForm(VersionedForm):
    """The status of an action or part, its time qualifier, and an optional progress note.

    Every save writes a ``ProgressUpdate``: the action keeps its current status, the log its history.
    """

    note = forms.CharField(
        label=capfirst(_("voortgang")),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optioneel: wat er veranderde. Komt in het voortgangslogboek."),
    )

    date = forms.DateField(
        label=capfirst(_("datum")),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("De dag waarop de stand gold; standaard vandaag."),
    )

    class Meta:
        model = Action
        fields = ["status", "status_note"]

    def __init__(self, *args, **kwargs):
        instance = kwargs["instance"]
        kwargs.setdefault("auto_id", f"id_status{instance.pk}_%s")
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        field = self.fields["status"]
        if instance.parent_id is None:
            # A top-level action states its own status; only parts can inherit one.
            field.choices = [
                (value, label) for value, label in Action.Status.choices if value != Action.Status.INHERITED
            ]
        else:
            parent_status = instance.parent.get_effective_status_display()
            field.choices = [
                (value, f"{label} ({parent_status})" if value == Action.Status.INHERITED else label)
                for value, label in Action.Status.choices
            ]
        field.widget.attrs["autofocus"] = True
        # The response's validation setting (ManagementResponse.validation_policy), said where the status is set.
        policy = instance.response.validation_policy
        if policy == "closing":
            field.help_text = _(
                "Gerealiseerd, niet meer van toepassing en geannuleerd tellen pas na validatie door evaluatiemedewerkers."
            )
        elif policy == "all":
            field.help_text = _("Een nieuwe status telt pas na validatie door evaluatiemedewerkers.")

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == Action.Status.INHERITED and self.instance.parent_id is None:
            raise ValidationError(_("Een hoofdactie heeft een eigen status: kies er een."))
        return status

    def save(self, *, user):
        # One new revision for the status and its log entry together (core/revision.py).
        with transaction.atomic(), revision.batch():
            action = super().save(user=user)
            ProgressUpdate.objects.create(
                action=action,
                status=action.status,
                status_note=action.status_note,
                note=self.cleaned_data["note"],
                date=self.cleaned_data["date"] or timezone.localdate(),
                author=user,
            )
        return action


class UnitsField(forms.CharField):
    """Responsible units, one per line, as an ordered list of names."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        for name in value:
            if len(name) > 200:
                raise ValidationError(_("Een naam is te lang (ten hoogste 200 tekens)."))


class UnnumberedField(forms.BooleanField):
    """``Action.numbered`` as the box "print without a number": ticked is False. A form posted
    without the box (an older client, a test) keeps the number printed."""

    def __init__(self, **kwargs):
        kwargs.pop("initial", None)
        super().__init__(**kwargs)
        self.widget = forms.CheckboxInput(check_test=lambda value: value is False)

    def to_python(self, value):
        return not super().to_python(value)

    def validate(self, value):
        pass

    def has_changed(self, initial, data):
        return self.to_python(data) != bool(initial)


class ActionForm(VersionedForm):
    """Number, title, text and the facts of an action or a part (new or existing)."""

    responsible_units = UnitsField(
        label=capfirst(_("verantwoordelijke diensten")), required=False, help_text=_("Eén per regel.")
    )

    class Meta:
        model = Action
        fields = [
            "number",
            "label",
            "title",
            "narrative",
            "time_frame",
            "responsible_units",
            "lead_unit",
            "supporting_documents",
            "numbered",
            "starts_on",
            "due_date",
            "owners",
        ]
        field_classes = {"numbered": UnnumberedField}
        labels = {"numbered": _("Zonder nummer drukken")}
        help_texts = {"numbered": _("Het document drukt deze actie zonder nummer; het nummer blijft de sleutel.")}
        widgets = {
            "supporting_documents": forms.Textarea(attrs={"rows": 3}),
            "owners": forms.CheckboxSelectMultiple,
            "narrative": forms.Textarea(attrs={"rows": 10}),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        # Plain ids: the manage page opens one action form at a time.
        instance = kwargs["instance"]
        super().__init__(*args, **kwargs)
        if instance.pk is None:
            del self.fields["version"]  # nothing to be stale against yet
        self.fields["number"].widget.attrs["autofocus"] = True
        if instance.response.layout == instance.response.Layout.MATRIX:
            # The model's hints speak of the table layout (its citations, its chapter II headings).
            self.fields["number"].help_text = _("Zoals de tabel met kernacties het drukt: 1.1, 2.3.")
            self.fields["label"].help_text = _(
                "Alleen voor de opmaak als tabel: hoe de titel in hoofdstuk II het nummer drukt. De matrix drukt het nummer."
            )
        # Owners are chosen among the response's members (and whoever owns it already).
        owners = self.fields["owners"]
        owners.queryset = owner_choices(instance.response_id, instance).order_by("first_name", "last_name", "username")
        owners.label_from_instance = lambda user: user.get_full_name() or user.get_username()
        owners.help_text = _(
            "Leden van deze managementresponse die voor de actie instaan; de streefdatum is hun deadline."
        )
        live_preview(self, "narrative", "supporting_documents", url=self.instance.response.get_preview_url())

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        taken = Action.objects.filter(response_id=self.instance.response_id, number=number).exclude(pk=self.instance.pk)
        if number and taken.exists():
            raise ValidationError(
                _("Nummer %(number)s is al in gebruik in deze managementresponse. Kies een ander nummer.")
                % {"number": number}
            )
        return number


class LinkPartsField(forms.CharField):
    """The sub-recommendations a link answers, by their letters: "(a), (b)"."""

    def __init__(self, *, encoder=None, decoder=None, **kwargs):  # a JSONField's formfield() passes these
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [label.strip() for label in text.split(",") if label.strip()]


class QualifierForm(VersionedForm):
    """The qualifier of one link ("kennisdeling 4", "(systematisch leren)") and the parts of the
    recommendation it answers ("(a), (b)"): versioned like every edit."""

    class Meta:
        model = ActionLink
        fields = ["qualifier", "parts"]
        field_classes = {"parts": LinkPartsField}
        help_texts = {
            "parts": _(
                "De letters van de deelaanbevelingen die de actie beantwoordt, bv. (a), (b). Leeg: de hele aanbeveling."
            )
        }

    def clean_parts(self):
        labels = self.cleaned_data["parts"]
        known = set(self.instance.recommendation.parts.values_list("label", flat=True))
        unknown = [label for label in labels if label not in known]
        if unknown:
            raise ValidationError(
                _("De aanbeveling heeft geen deelaanbeveling %(label)s (wel: %(known)s).")
                % {"label": unknown[0], "known": ", ".join(sorted(known)) or "—"}
            )
        return list(dict.fromkeys(labels))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("auto_id", f"id_link{kwargs['instance'].pk}_%s")
        super().__init__(*args, **kwargs)
        self.fields["qualifier"].widget.attrs["autofocus"] = True


def excerpt(text, words=12):
    return Truncator(plain(text)).words(words)


class DocumentSelect(forms.Select):
    """A select whose options quote the document (recommendations, actions): each carries its language,
    so that an English interface reads a Dutch document's texts as Dutch (and screen readers too)."""

    def __init__(self, *args, lang="", **kwargs):
        super().__init__(*args, **kwargs)
        self.lang = lang

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        if self.lang and value not in ("", None):
            option["attrs"]["lang"] = self.lang
        return option


# What marks a choice that is linked already: a sign, not a word, so that an option holds one language.
LINKED = "✓"


class LinkForm(forms.ModelForm):
    """A new link, made from one side: the other side is chosen from the same response."""

    other = None  # "recommendation" or "action": the field the user chooses

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        field = self.fields[self.other]
        field.widget = DocumentSelect(attrs={"autofocus": True}, lang=getattr(self, "language", ""))
        field.empty_label = _("— kies —")
        field.help_text = _("%(sign)s: al gekoppeld.") % {"sign": LINKED}
        self.fields["qualifier"].required = False

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action", self.instance.action if self.instance.action_id else None)
        recommendation = cleaned.get("recommendation") or (
            self.instance.recommendation if self.instance.recommendation_id else None
        )
        if (
            action
            and recommendation
            and ActionLink.objects.filter(action=action, recommendation=recommendation).exists()
        ):
            self.add_error(
                self.other,
                _("Actie %(number)s en deze aanbeveling (%(location)s) zijn al gekoppeld.")
                % {"number": action.number, "location": recommendation.location or "—"},
            )
        return cleaned

    def save(self, commit=True):
        link = super().save(commit=False)
        # New links go last in the recommendation's list of actions.
        last = ActionLink.objects.filter(recommendation=link.recommendation).order_by("-order").first()
        link.order = 0 if last is None else last.order + 1
        if commit:
            link.save()
        return link


class RecommendationLinkForm(LinkForm):
    """From an action's page: which recommendation of the same response it answers."""

    other = "recommendation"

    class Meta:
        model = ActionLink
        fields = ["recommendation", "qualifier"]
        error_messages = {
            "recommendation": {
                "invalid_choice": _("Kies een aanbeveling van dezelfde managementresponse als de actie.")
            }
        }

    def __init__(self, *args, action, **kwargs):
        self.language = action.response.language
        kwargs.setdefault("instance", ActionLink(action=action))
        kwargs.setdefault("auto_id", f"id_addrec{action.pk}_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["recommendation"]
        field.queryset = (
            Recommendation.objects.filter(response_id=action.response_id)
            .select_related("theme__group")
            .order_by("theme__group__order", "theme__order", "order", "pk")
        )
        field.label = _("Aanbeveling")
        # Built when the form is shown, not when it is only validated.
        field.choices = lambda: recommendation_choices(
            field.queryset,
            field.empty_label,
            set(action.links.values_list("recommendation_id", flat=True)),
            self.language,
        )


def recommendation_choices(recommendations, empty_label, linked, language=None):
    """Recommendations grouped by theme (for <optgroup>), each with its number or location and first words:
    "8.2.1 · p. 191 · Zet bewuster in op ...", "Aanbeveling 3 · Strengthen the ..."; those without a theme
    are plain options."""
    choices = [("", empty_label)]
    for rec in recommendations:
        theme = rec.theme
        with translation.override(language):  # an option quotes the document: "Recommendation 3" in its words
            name = str(rec.name) if rec.number else ""
        label = " · ".join(part for part in (theme and theme.section, name, rec.location, excerpt(rec.text)) if part)
        if rec.pk in linked:
            label = f"{LINKED} {label}"
        if theme is None:
            choices.append((rec.pk, label))
            continue
        if not isinstance(choices[-1][1], list) or choices[-1][0] != str(theme):
            choices.append((str(theme), []))
        choices[-1][1].append((rec.pk, label))
    return choices


class ActionChoiceForm(LinkForm):
    """From a recommendation's page: which action or part of the same response answers it."""

    other = "action"

    class Meta:
        model = ActionLink
        fields = ["action", "qualifier"]
        error_messages = {
            "action": {"invalid_choice": _("Kies een actie van dezelfde managementresponse als de aanbeveling.")}
        }

    def __init__(self, *args, recommendation, response, **kwargs):
        self.language = response.language
        kwargs.setdefault("instance", ActionLink(recommendation=recommendation))
        kwargs.setdefault("auto_id", f"id_addact{recommendation.pk}_%s")
        super().__init__(*args, **kwargs)
        field = self.fields["action"]
        field.queryset = Action.objects.filter(response=response).order_by("order", "pk")
        field.label = _("Actie of onderdeel")
        field.choices = lambda: action_choices(
            field.queryset, field.empty_label, set(recommendation.action_links.values_list("action_id", flat=True))
        )


def action_choices(actions, empty_label, linked):
    """Top-level actions in order, each followed by its parts: "1. Title", "1.1. Title"."""
    actions = list(actions)
    parts = {}
    for action in actions:
        if action.parent_id:
            parts.setdefault(action.parent_id, []).append(action)
    choices = [("", empty_label)]
    for action in actions:
        if action.parent_id is None:
            for item in [action, *parts.get(action.pk, [])]:
                label = Truncator(f"{item.heading_label} {item.title}").chars(90)
                if item.pk in linked:
                    label = f"{LINKED} {label}"
                choices.append((item.pk, label))
    return choices
