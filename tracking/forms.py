from django import forms
from django.core.exceptions import ValidationError

from .models import ReviewRound


class RoundForm(forms.ModelForm):
    """Opening a review round: its name, day and participants."""

    class Meta:
        model = ReviewRound
        fields = ["name", "date", "participants"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "participants": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, response, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.instance.response = response

    def validate_unique(self):
        """Check the model's uniqueness rules, the name per response among them.

        ModelForm leaves out every rule that involves a model field which is not a form field,
        and the response is set on the instance, not a form field. So the rules are checked
        here with the response, and without whatever is not a valid form field (as ModelForm's
        own check leaves out a field that has an error already)."""
        exclude = {field.name for field in self.instance._meta.fields if field.name not in self.cleaned_data}
        exclude.discard("response")
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self.add_error(None, error)
