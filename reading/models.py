"""A document read into a response: the uploaded original (its bytes in storage, with its SHA-256),
and the reading of it by the task worker, which the reviewer follows, corrects and accepts.

``Original`` stays attached to the response created from it, for anyone who may read the response
(reading/views.py ``original``). ``Reading`` is the job: waiting -> reading -> read (its ``found`` is
what the reader found, reading.found.Found as JSON) or failed (its ``error``, the reader's message);
accepting the review creates a draft (``response``) and moves ``version`` on, so that a second
accept from an older page is refused.
"""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Original(models.Model):
    """An uploaded document (PDF or Word), its bytes in ``STORAGES["evidence"]`` under a random key."""

    storage_key = models.CharField(_("opslagsleutel"), max_length=300, unique=True)
    file_name = models.CharField(_("bestandsnaam"), max_length=200)
    size = models.PositiveBigIntegerField(_("grootte (bytes)"))
    content_type = models.CharField(_("bestandstype"), max_length=100)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    pages = models.PositiveIntegerField(_("pagina's"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opgeladen door"),
    )
    uploaded_at = models.DateTimeField(_("opgeladen op"), auto_now_add=True)
    # Set when the review is accepted: the draft created from it.
    response = models.ForeignKey(
        "responses.ManagementResponse",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="originals",
        verbose_name=_("managementresponse"),
    )

    class Meta:
        verbose_name = _("oorspronkelijk document")
        verbose_name_plural = _("oorspronkelijke documenten")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        """Its download under the response it is attached to (none before the review is accepted)."""
        if self.response is None:
            return ""
        return reverse("reading:original", kwargs={"slug": self.response.slug, "pk": self.pk})


class Reading(models.Model):
    class State(models.TextChoices):
        WAITING = "waiting", _("wacht")
        READING = "reading", _("wordt gelezen")
        READ = "read", _("gelezen")
        FAILED = "failed", _("mislukt")

    # Random: the address of the progress and review pages says nothing about how many there were.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    original = models.OneToOneField(
        Original, models.SET_NULL, null=True, blank=True, related_name="reading", verbose_name=_("document")
    )
    file_name = models.CharField(_("bestandsnaam"), max_length=200)
    layout = models.CharField(_("vorm"), max_length=20, default="auto")
    state = models.CharField(_("toestand"), max_length=10, choices=State.choices, default=State.WAITING)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    found = models.JSONField(_("gevonden"), null=True, blank=True)
    error = models.TextField(_("fout"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="readings", verbose_name=_("opgeladen door")
    )
    created_at = models.DateTimeField(_("opgeladen op"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart op"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    # The draft the accepted review created; then the review is closed.
    response = models.ForeignKey(
        "responses.ManagementResponse",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("managementresponse"),
    )
    version = models.PositiveIntegerField(_("versie"), default=1)

    class Meta:
        verbose_name = _("inlezing")
        verbose_name_plural = _("inlezingen")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file_name} ({self.get_state_display()})"

    def get_absolute_url(self):
        return reverse("reading:progress", kwargs={"pk": self.pk})

    @property
    def is_finished(self):
        return self.state in (self.State.READ, self.State.FAILED)
