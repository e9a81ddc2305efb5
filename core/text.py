"""Characters that nobody means to type and that a PDF cannot lay out, removed on every write.

U+2028 (line separator) and U+2029 (paragraph separator) arrive by copy and paste from
word processors; WeasyPrint stops on them (``AssertionError: Got ' \\u2029' between two
lines``). Control characters, lone surrogates (which UTF-8 cannot even encode) and
non-characters are never text. ``clean_text`` maps them away for one stored value;
``NormalisedText`` applies it to every text field of a model on each ``save()``, so
forms, htmx, the admin, imports and plain ``.save()`` all store the same; ``printable``
does the same for a whole HTML document on its way to WeasyPrint, for rows stored
before this rule existed.
"""

import re

from django.db import models

# C0 controls but tab and newline, DEL, C1 controls, lone surrogates, BOM, non-characters.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufeff\ufdd0-\ufdef\ufffe\uffff]")
_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"})


def clean_text(value: str, *, multiline: bool = True) -> str:
    """``value`` with line/paragraph separators as newlines (spaces on one line) and
    unprintable characters removed."""
    if not value:
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n").translate(_SEPARATORS)
    value = _UNPRINTABLE.sub("", value)
    if not multiline:
        value = re.sub(r"[ \t]*\n[ \t\n]*", " ", value)
    return value


def unstorable(value: str) -> str | None:
    """The first character of ``value`` that no database can store as text (NUL, a lone
    surrogate), as U+XXXX; None when there is none."""
    for char in value:
        if char == "\x00" or "\ud800" <= char <= "\udfff":
            return f"U+{ord(char):04X}"
    return None


def printable(html: str) -> str:
    """A whole HTML document made safe for WeasyPrint's line breaking."""
    return _UNPRINTABLE.sub("", html.replace("\u2028", " ").replace("\u2029", " "))


class NormalisedText(models.Model):
    """Model mixin: each ``save()`` cleans every char and text field (see the module)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        for field in self._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, clean_text(value, multiline=isinstance(field, models.TextField)))
        super().save(*args, **kwargs)
