from django import forms
from django.utils.translation import gettext_lazy as _

from . import sheet


class SheetUploadForm(forms.Form):
    """A filled recommendations template (XLSX), checked and previewed before anything is written."""

    file = forms.FileField(
        label=_("Bestand (Excel, .xlsx)"),
        allow_empty_file=True,  # office/sheet.py says "empty", as for every other bad file
        help_text=_("Het ingevulde sjabloon; ten hoogste 2 MB en 1000 aanbevelingen."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > sheet.MAX_BYTES:
            raise forms.ValidationError(_("Het bestand is te groot (ten hoogste 2 MB)."))
        return upload
