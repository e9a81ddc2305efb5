from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from evidence import filetypes

# What the reader takes: a PDF or a Word document, by its content.
READABLE = {filetypes.PDF, filetypes.DOCX}


def max_bytes() -> int:
    return settings.READING_MAX_BYTES


class DocumentForm(forms.Form):
    """A management response as a document (PDF or Word), to be read by the task worker."""

    LAYOUTS = [
        ("auto", _("herken de vorm zelf")),
        ("table", _("tabel (zoals de Vlaamse managementresponse)")),
        ("matrix", _("matrix (UNEG, VN)")),
    ]

    file = forms.FileField(
        label=_("Document (PDF of Word)"),
        help_text=_("Een PDF met tekst (geen scan) of een Word-document (.docx)."),
    )
    layout = forms.ChoiceField(label=_("Vorm van het document"), choices=LAYOUTS, initial="auto")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        kwargs.setdefault("prefix", "document")
        super().__init__(*args, **kwargs)
        self.file_type = None

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = max_bytes()
        if upload.size > limit:
            raise ValidationError(
                gettext("Het bestand is te groot (%(size)s; ten hoogste %(limit)s).")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
                code="too_large",
            )
        filetypes.check_name(upload.name)
        kind = filetypes.identify(upload)  # by content; refuses programs, HTML, zip bombs, ...
        if kind not in READABLE:
            raise ValidationError(
                gettext("Dit is geen PDF of Word-document (.docx), maar %(what)s. Laad een PDF of .docx op.")
                % {"what": kind.label},
                code="type",
            )
        self.file_type = kind
        return upload
