"""A publication asked for on the web and made by the task worker (publishing/publish.py)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    """One press of *Publiceren*: pending until the worker has made the version (``version``) or
    found why it cannot (``failure``: what the page tells the user). Nothing of the response
    changes until the version is written; a failed publication leaves the response as it was and
    keeps the note, to try again."""

    class Status(models.TextChoices):
        PENDING = "pending", _("bezig")
        DONE = "done", _("gepubliceerd")
        FAILED = "failed", _("mislukt")

    response = models.ForeignKey(
        "responses.ManagementResponse",
        models.CASCADE,
        related_name="publications",
        verbose_name=_("managementresponse"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gevraagd door"),
    )
    requested_at = models.DateTimeField(_("gevraagd op"), default=timezone.now)
    note = models.TextField(_("wijzigingsnota"), max_length=5_000)
    override_reason = models.TextField(_("reden om ondanks fouten te publiceren"), blank=True, max_length=5_000)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    version = models.ForeignKey(
        "responses.ResponseVersion", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("versie")
    )
    failure = models.JSONField(_("waarom niet"), default=dict, blank=True)

    class Meta:
        verbose_name = _("publicatie")
        verbose_name_plural = _("publicaties")
        constraints = [
            # One pending publication per response: a second press shows the first.
            models.UniqueConstraint(
                fields=["response"], condition=models.Q(status="pending"), name="one_pending_publication_per_response"
            )
        ]

    def __str__(self):
        return f"{self.response_id}: {self.get_status_display()} ({self.requested_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("publishing:publication", args=[self.response.slug, self.pk])

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def succeed(self, version):
        self.status, self.version, self.finished_at = self.Status.DONE, version, timezone.now()
        self.save(update_fields=["status", "version", "finished_at"])

    def fail(self, kind, **details):
        self.status, self.finished_at = self.Status.FAILED, timezone.now()
        self.failure = {"kind": kind, **details}
        self.save(update_fields=["status", "finished_at", "failure"])

    def message(self) -> str:
        """Why there is no version, in the active language."""
        from document.pdf import failure_message

        kind = self.failure.get("kind")
        if kind == "blocked":
            return gettext("Niet gepubliceerd: de controle vond intussen fouten: %(errors)s") % {
                "errors": "; ".join(self.failure.get("errors", []))
            }
        if kind == "override":
            return gettext("Niet gepubliceerd: alleen een beheerder mag ondanks fouten publiceren.")
        if kind == "too_complex":
            return gettext("Niet gepubliceerd. %(message)s") % {"message": failure_message(self.failure)}
        if kind == "changing":
            return gettext(
                "Niet gepubliceerd: de managementresponse werd telkens gewijzigd terwijl de versie gemaakt werd. "
                "Probeer opnieuw."
            )
        return gettext("Niet gepubliceerd: de taak stopte onverwacht. Probeer opnieuw.")
