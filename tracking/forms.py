from django import forms

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
        # The response is set on the instance, not a form field: check the name per response here.
        exclude = self._get_validation_exclusions()
        exclude.discard("response")
        try:
            self.instance.validate_unique(exclude=exclude)
            self.instance.validate_constraints(exclude=exclude)
        except forms.ValidationError as error:
            self._update_errors(error)
