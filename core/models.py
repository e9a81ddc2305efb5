"""The fields every versioned (editable) record carries. Models of the apps live in their apps;
the base layer knows none of them."""

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

    class Meta:
        abstract = True
