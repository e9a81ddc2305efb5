"""What the shared mechanisms store: who has which role on which response, the audit base, and the
fields every versioned (editable) record carries."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .audit import AuditedHistory


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


class Membership(models.Model):
    """A user's role on one response. One role per user per response: the People page changes it."""

    class Role(models.TextChoices):
        EVALUATION_STAFF = "evaluation_staff", _("evaluatiemedewerker")
        PROJECT_TEAM = "project_team", _("projectteam")
        READER = "reader", _("lezer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships", verbose_name=_("gebruiker")
    )
    response = models.ForeignKey(
        "responses.ManagementResponse", models.CASCADE, related_name="memberships", verbose_name=_("managementresponse")
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role)
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    history = HistoricalRecords(bases=[AuditedHistory])

    class Meta:
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")
        ordering = ["response", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "response"], name="membership_one_role_per_response"),
            models.CheckConstraint(
                condition=models.Q(role__in=["evaluation_staff", "project_team", "reader"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.response}"
