"""Form widgets shared by the apps."""

from django import forms


class LanguageSelect(forms.Select):
    """A select of model instances that have a ``language`` (responses): each option carries it as
    ``lang``, so that a Dutch title in an English interface is read (and pronounced) as Dutch."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        language = getattr(getattr(value, "instance", None), "language", "")
        if language:
            option["attrs"]["lang"] = language
        return option
