"""An upload too large to import within the request: the checked text waits here for the task worker.

``response_upload_confirm`` (views.py) stores a ``PendingImport`` and enqueues
``interchange.tasks.import_upload_task``; ``services.run_pending_import`` imports it, all or
nothing, and records how it ended. The uploader follows it on ``interchange:upload_progress``.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PendingImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("in de wachtrij")
        RUNNING = "running", _("bezig")
        DONE = "done", _("ingeladen")
        FAILED = "failed", _("mislukt")

    # Random: the progress page's address says nothing about how many uploads there were.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    file_name = models.CharField(_("bestandsnaam"), max_length=255)
    text = models.TextField(_("tekst"), help_text=_("Het gecontroleerde bestand; leeg gemaakt zodra het is ingeladen."))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("grootte (bytes)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="pending_imports", verbose_name=_("opgeladen door")
    )
    created_at = models.DateTimeField(_("opgeladen op"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    response = models.ForeignKey(
        "responses.ManagementResponse",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("managementresponse"),
    )
    error = models.TextField(_("fout"), blank=True, help_text=_("Eén probleem per regel."))

    class Meta:
        verbose_name = _("inlading op de achtergrond")
        verbose_name_plural = _("inladingen op de achtergrond")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("interchange:upload_progress", kwargs={"pk": self.pk})

    @property
    def problems(self):
        return [line for line in self.error.splitlines() if line]

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)
