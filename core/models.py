"""The fields every versioned (editable) record carries. Models of the apps live in their apps;
the base layer knows none of them."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """An editable record: the ``version`` that refuses a stale save (core/editing.py, "No lost
    updates") and who last changed it, when. Every write path moves ``version`` on
    (``save_if_unchanged``, ``bump_version``)."""

    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("gewijzigd door"),
    )

    # The row's columns as they were read from the database ({attname: value}; None for a row made
    # in memory). A versioned save compares with them instead of reading the previous record of
    # the audit trail (core/audit.py, ``compared_with``).
    loaded_values: dict[str, Any] | None = None

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, *, fetch_mode=None):
        # Django's documented way to remember what was loaded ("Customizing model loading").
        instance = super().from_db(db, field_names, values, fetch_mode=fetch_mode)
        instance.loaded_values = dict(zip(field_names, values, strict=True))
        return instance
